// RepoMirror.sync end to end on real repositories: the vault before the refs, ref handling,
// single-flight, and an upstream that fails.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { MirrorError, RepoMirror, type Logger } from '../src/index.js';
import {
  REPO, Upstream, fakeGithubPat, hasObject, makeMirror, openDataEnv, randomAlnum, readObject, refsOf, removeDir,
  revParse, symbolicHead, tempDir, tokensIn, wrapVault, type DataEnv,
} from './helpers.js';

describe('RepoMirror', function () {
  this.timeout(60_000);
  let dir: string;
  let env: DataEnv;
  let up: Upstream;

  beforeEach(async () => {
    dir = tempDir();
    up = Upstream.create(path.join(dir, 'upstream.git'));
    env = await openDataEnv(path.join(dir, 'data'));
  });
  afterEach(async () => {
    await env.close();
    removeDir(dir);
  });

  describe('vault', () => {
    it('records every secret with its repository, path and upstream commit id', async () => {
      const s1 = fakeGithubPat();
      const s2 = fakeGithubPat();
      const c1 = up.commitFiles({ 'config/deploy/app.env': `GITHUB=${s1}\n` }, 'one\n');
      const c2 = up.commitFiles({ 'config/deploy/app.env': `GITHUB=${s1}\n`, 'ci.yml': `bot: ${s2}\n` }, 'two\n', [c1]);
      up.setRef('refs/heads/main', c2);
      const m = makeMirror(env, up.gitDir);
      const report = await m.sync();
      expect(report.secrets).to.equal(2);
      const t1 = tokensIn(readObject(m.sanitized.gitDir, revParse(m.sanitized.gitDir, 'main:config/deploy/app.env')).content.toString('latin1'))[0]!;
      const t2 = tokensIn(readObject(m.sanitized.gitDir, revParse(m.sanitized.gitDir, 'main:ci.yml')).content.toString('latin1'))[0]!;
      const o1 = (await env.vault.info(t1))!.occurrences;
      const o2 = (await env.vault.info(t2))!.occurrences;
      expect(o1.map((o) => ({ repo: o.repo, path: o.path, commitId: o.commitId }))).to.deep.equal([{ repo: REPO, path: 'config/deploy/app.env', commitId: c1 }]);
      expect(o2.map((o) => ({ repo: o.repo, path: o.path, commitId: o.commitId }))).to.deep.equal([{ repo: REPO, path: 'ci.yml', commitId: c2 }]);
      expect((await env.vault.reveal(t1)).toString('latin1')).to.equal(s1);
      expect((await env.vault.reveal(t2)).toString('latin1')).to.equal(s2);
    });

    it('stores the secrets before any ref points at objects carrying their tokens', async () => {
      const c1 = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      up.setRef('refs/heads/main', c1);
      let m: RepoMirror | undefined;
      const refsAtPut: Map<string, string>[] = [];
      const vault = wrapVault(env.vault, () => { refsAtPut.push(refsOf(m!.sanitized.gitDir)); });
      m = makeMirror(env, up.gitDir, { vault });
      await m.sync();
      const before = refsOf(m.sanitized.gitDir);
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n', 'b.env': `GITHUB=${fakeGithubPat()}\n` }, 'two\n', [c1]));
      await m.sync();
      expect(refsAtPut).to.have.length(1);
      expect(refsAtPut[0]).to.deep.equal(before);
      expect(refsOf(m.sanitized.gitDir).get('refs/heads/main')).to.not.equal(before.get('refs/heads/main'));
    });

    it('leaves the served refs unchanged when the vault refuses to store', async () => {
      const c1 = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      up.setRef('refs/heads/main', c1);
      const vault = wrapVault(env.vault, () => { throw new Error('disk full'); });
      const m = makeMirror(env, up.gitDir, { vault });
      await m.sync();
      const before = refsOf(m.sanitized.gitDir);
      up.setRef('refs/heads/main', up.commitFiles({ 'b.env': `GITHUB=${fakeGithubPat()}\n` }, 'two\n', [c1]));
      let failed: unknown;
      await m.sync().catch((e: unknown) => { failed = e; });
      expect((failed as Error)?.message).to.equal('disk full');
      expect(refsOf(m.sanitized.gitDir)).to.deep.equal(before);
    });

    // A failed vault write must not leave the rewrite's temporary pack (or its file handle) behind.
    it('leaves no temporary pack behind when the vault refuses to store', async () => {
      const c1 = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      up.setRef('refs/heads/main', c1);
      const vault = wrapVault(env.vault, () => { throw new Error('disk full'); });
      const m = makeMirror(env, up.gitDir, { vault });
      await m.sync();
      up.setRef('refs/heads/main', up.commitFiles({ 'b.env': `GITHUB=${fakeGithubPat()}\n` }, 'two\n', [c1]));
      await m.sync().catch(() => undefined);
      const packDir = path.join(m.sanitized.gitDir, 'objects', 'pack');
      expect(fs.readdirSync(packDir).filter((f) => !/^pack-[0-9a-f]{40}\.(pack|idx|rev|bitmap)$/.test(f))).to.deep.equal([]);
    });
  });

  describe('refs', () => {
    it('deletes branches and tags that were deleted upstream', async () => {
      const c1 = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      const c2 = up.commitFiles({ 'a.txt': 'beta\n' }, 'two\n', [c1]);
      up.setRef('refs/heads/main', c1);
      up.setRef('refs/heads/feature', c2);
      up.setRef('refs/tags/v1', up.tag({ object: c1, tag: 'v1', message: 'one\n' }));
      up.setRef('refs/tags/light', c1);
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      expect([...refsOf(m.sanitized.gitDir).keys()].sort()).to.deep.equal(['refs/heads/feature', 'refs/heads/main', 'refs/tags/light', 'refs/tags/v1']);
      up.deleteRef('refs/heads/feature');
      up.deleteRef('refs/tags/v1');
      up.deleteRef('refs/tags/light');
      await m.sync();
      expect([...refsOf(m.sanitized.gitDir).keys()]).to.deep.equal(['refs/heads/main']);
    });

    it("points HEAD at upstream's symbolic HEAD", async () => {
      const c1 = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      up.setRef('refs/heads/main', c1);
      up.setRef('refs/heads/dev', c1);
      up.setHead('refs/heads/dev');
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      expect(symbolicHead(m.sanitized.gitDir)).to.equal('refs/heads/dev');
    });

    it("follows a change of upstream's HEAD when no ref moved", async () => {
      const c1 = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      up.setRef('refs/heads/main', c1);
      up.setRef('refs/heads/dev', c1);
      up.setHead('refs/heads/dev');
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      up.setHead('refs/heads/main');
      const report = await m.sync();
      expect(report.upToDate).to.equal(true);
      expect(symbolicHead(m.sanitized.gitDir)).to.equal('refs/heads/main');
    });

    it('never copies refs/replace, refs/notes or refs/pull refs', async () => {
      const c1 = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      const other = up.commitFiles({ 'a.txt': 'replaced\n' }, 'other\n');
      up.setRef('refs/heads/main', c1);
      up.setRef(`refs/replace/${c1}`, other);
      up.setRef('refs/notes/commits', up.commit({ tree: up.tree([{ name: c1, id: up.blob('a note\n') }]), message: 'notes\n' }));
      up.setRef('refs/pull/1/head', up.commitFiles({ 'a.txt': 'pull\n' }, 'pr\n', [c1]));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      expect([...refsOf(m.sanitized.gitDir).keys()]).to.deep.equal(['refs/heads/main']);
    });

    it('never copies objects reachable only from refs/replace, refs/notes or refs/pull', async () => {
      const c1 = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      up.setRef('refs/heads/main', c1);
      const replaced = up.commitFiles({ 'a.txt': 'replaced\n' }, 'other\n');
      const notes = up.commit({ tree: up.tree([{ name: c1, id: up.blob('a note\n') }]), message: 'notes\n' });
      const pull = up.commitFiles({ 'a.txt': 'pull\n' }, 'pr\n', [c1]);
      up.setRef(`refs/replace/${c1}`, replaced);
      up.setRef('refs/notes/commits', notes);
      up.setRef('refs/pull/1/head', pull);
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      for (const id of [replaced, notes, pull]) expect(hasObject(m.sanitized.gitDir, id), id).to.equal(false);
    });
  });

  describe('sanitized store', () => {
    it('has no objects/info/alternates after a sync', async () => {
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n', 'b.env': `GITHUB=${fakeGithubPat()}\n` }, 'one\n'));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      expect(fs.existsSync(path.join(m.sanitized.gitDir, 'objects', 'info', 'alternates'))).to.equal(false);
      expect(fs.existsSync(path.join(m.sanitized.gitDir, 'objects', 'info', 'http-alternates'))).to.equal(false);
    });

    it('refuses to sync into a store that has alternates', async () => {
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      fs.writeFileSync(path.join(m.sanitized.gitDir, 'objects', 'info', 'alternates'), path.join(dir, 'upstream.git', 'objects') + '\n');
      let failed: unknown;
      await m.sync({ force: true }).catch((e: unknown) => { failed = e; });
      expect(failed).to.be.instanceOf(MirrorError);
      expect((failed as MirrorError).code).to.equal('GITGATE_REWRITE_FAILED');
    });
  });

  describe('single-flight', () => {
    const capture = (): { logger: Logger; messages: string[] } => {
      const messages: string[] = [];
      const push = (msg: string): void => { messages.push(msg); };
      return { logger: { debug: push, info: push, warn: push, error: push }, messages };
    };

    it('runs one upstream fetch for five concurrent syncs', async () => {
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
      const { logger, messages } = capture();
      const m = makeMirror(env, up.gitDir, { logger });
      const reports = await Promise.all([m.sync(), m.sync(), m.sync(), m.sync(), m.sync()]);
      expect(messages.filter((x) => x === 'sync started')).to.have.length(1);
      expect(messages.filter((x) => x === 'sync finished')).to.have.length(1);
      for (const r of reports) expect(r).to.equal(reports[0]);
    });

    it('returns the same report to a call within the coalescing window', async () => {
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
      const { logger, messages } = capture();
      const m = makeMirror(env, up.gitDir, { logger, coalesceMs: 60_000 });
      const first = await m.sync();
      const second = await m.sync();
      expect(second).to.equal(first);
      expect(messages.filter((x) => x === 'sync finished')).to.have.length(1);
    });

    it('runs a new sync after the coalescing window', async () => {
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
      const { logger, messages } = capture();
      const m = makeMirror(env, up.gitDir, { logger, coalesceMs: 0 });
      const first = await m.sync();
      const second = await m.sync();
      expect(second).to.not.equal(first);
      expect(second.upToDate).to.equal(true);
      expect(messages.filter((x) => x === 'sync finished')).to.have.length(2);
    });
  });

  describe('a failing upstream', () => {
    it('throws GITGATE_UPSTREAM_FAILED without the credentials of an http URL', async () => {
      const password = 'Pw' + randomAlnum(12);
      const m = makeMirror(env, `http://gate-user:${password}@127.0.0.1:1/x.git`);
      let failed: unknown;
      await m.sync().catch((e: unknown) => { failed = e; });
      expect(failed).to.be.instanceOf(MirrorError);
      const e = failed as MirrorError;
      expect(e.code).to.equal('GITGATE_UPSTREAM_FAILED');
      expect(e.message).to.include('127.0.0.1:1');
      for (const text of [e.message, String(e.stack), JSON.stringify(e.data ?? {})]) {
        expect(text).to.not.include(password);
        expect(text).to.not.include('gate-user');
      }
    });

    it('keeps the previous sanitized refs when the upstream URL stops answering', async () => {
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n', 'b.env': `GITHUB=${fakeGithubPat()}\n` }, 'one\n'));
      await makeMirror(env, up.gitDir).sync();
      const broken = makeMirror(env, `http://gate-user:${'Pw' + randomAlnum(12)}@127.0.0.1:1/x.git`);
      const before = refsOf(broken.sanitized.gitDir);
      expect(before.size).to.equal(1);
      let failed: unknown;
      await broken.sync().catch((e: unknown) => { failed = e; });
      expect((failed as MirrorError).code).to.equal('GITGATE_UPSTREAM_FAILED');
      expect(refsOf(broken.sanitized.gitDir)).to.deep.equal(before);
    });

    it('keeps the previous sanitized refs when the upstream repository disappears', async () => {
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      const before = refsOf(m.sanitized.gitDir);
      removeDir(up.gitDir);
      let failed: unknown;
      await m.sync().catch((e: unknown) => { failed = e; });
      expect((failed as MirrorError).code).to.equal('GITGATE_UPSTREAM_FAILED');
      expect(refsOf(m.sanitized.gitDir)).to.deep.equal(before);
    });
  });
});
