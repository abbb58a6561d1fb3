// RepoMirror.sync end to end on real repositories: the vault before the refs, ref handling,
// single-flight, an upstream that fails, and known secrets tokenized wherever they recur.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { matchableBare } from '@gitgate/scanner';
import { captureLogger, manyFilesHistory, randomCharsWhere } from '@gitgate/testkit';
import { MirrorError, RepoMirror, type Logger, type SecretSink } from '../src/index.js';
import {
  REPO, Upstream, allObjects, fakeGithubPat, git, hasObject, makeMirror, openDataEnv, randomAlnum, readObject, refsOf, removeDir,
  revParse, symbolicHead, tempDir, tokensIn, wrapVault, type DataEnv,
} from './helpers.js';

/** A v0 stateless upload-pack request for the whole history of `tip`. */
const cloneRequest = (tip: string): Buffer => {
  const pkt = (line: string): string => (line.length + 4).toString(16).padStart(4, '0') + line;
  return Buffer.from(`${pkt(`want ${tip} ofs-delta\n`)}0000${pkt('done\n')}`);
};

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

  describe('small fetches (served without bitmaps)', () => {
    const served = (m: RepoMirror): string => refsOf(m.sanitized.gitDir).get('refs/heads/main')!;
    /** A v0 fetch of `want` by a client that has `have`, with thin packs. */
    const fetchRequest = (want: string, have: string): Buffer => {
      const pkt = (line: string): string => (line.length + 4).toString(16).padStart(4, '0') + line;
      return Buffer.from(`${pkt(`want ${want} ofs-delta thin-pack\n`)}0000${pkt(`have ${have}\n`)}${pkt('done\n')}`);
    };

    it('knows a fetch from a tip served a few synced objects ago as small, and one from further back or from nowhere as not', async () => {
      const files = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}.txt`, `file ${i}\n`]));
      let tip = up.commitFiles(files, 'one\n');
      up.setRef('refs/heads/main', tip);
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      const first = served(m);
      tip = up.commitFiles({ ...files, 'f0.txt': 'changed\n' }, 'two\n', [tip]);
      up.setRef('refs/heads/main', tip);
      await m.sync({ force: true });
      const second = served(m);
      expect(await m.nearServedTip([second]), 'served now').to.equal(true);
      expect(await m.nearServedTip(['f'.repeat(40), first]), 'replaced by a 3-object sync').to.equal(true);
      expect(await m.nearServedTip([]), 'no haves: a clone').to.equal(false);
      expect(await m.nearServedTip(['f'.repeat(40)]), 'never served').to.equal(false);
      // A sync of 60 new files (61 objects and more) puts both behind the limit.
      const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`new/n${i}.txt`, `new ${i}\n`]));
      up.setRef('refs/heads/main', up.commitFiles({ ...files, ...many }, 'three\n', [tip]));
      await m.sync({ force: true });
      expect(await m.nearServedTip([second])).to.equal(false);
      expect(await m.nearServedTip([first])).to.equal(false);
      expect(await m.nearServedTip([served(m)])).to.equal(true);
    });

    it('serves a small fetch without bitmaps: thin against the have, where the bitmap walk sends the file whole', async () => {
      const lines = Array.from({ length: 3000 }, () => randomAlnum(30)).join('\n');
      const one = up.commitFiles({ 'big.txt': `${lines}\n` }, 'one\n');
      up.setRef('refs/heads/main', one);
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      const have = served(m);
      up.setRef('refs/heads/main', up.commitFiles({ 'big.txt': `${lines}\nand one more line\n` }, 'two\n', [one]));
      await m.sync({ force: true });
      git(m.sanitized.gitDir, ['repack', '-a', '-d', '-q', '--write-bitmap-index']);
      const packBytes = async (small: boolean): Promise<number> => {
        const run = m.sanitized.serveUploadPack(fetchRequest(served(m), have), { protocol: 0, small });
        const chunks: Buffer[] = [];
        run.stdout.on('data', (c: Buffer) => chunks.push(c));
        expect((await run.exit).exitCode).to.equal(0);
        const out = Buffer.concat(chunks);
        expect(out.includes(Buffer.from('PACK'))).to.equal(true);
        return out.length - out.indexOf('PACK');
      };
      const plain = await packBytes(true);
      const bitmapped = await packBytes(false);
      expect(plain, `${plain} bytes without bitmaps, ${bitmapped} with`).to.be.lessThan(2000);
      expect(bitmapped).to.be.greaterThan(50_000);
    });
  });

  describe('quick repacks', () => {
    const repacks = (log: ReturnType<typeof captureLogger>): number =>
      log.lines.filter((l) => l.msg === 'maintenance started' && (l.meta as { what: string }).what === 'repack').length;
    // 1 MiB that deflate cannot shrink: a clone bigger than a pipe holds, so git waits for its reader.
    const big = randomBytes(1 << 20);
    /** Commits one more version of a.txt and syncs it: one more pack in the store. */
    const commitAndSync = async (m: RepoMirror, n: number): Promise<void> => {
      const parent = refsOf(up.gitDir).get('refs/heads/main');
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': `version ${n}\n`, 'big.bin': big }, `v${n}\n`, parent ? [parent] : []));
      await m.sync({ force: true });
    };

    it('waits past the store\'s packs limit until no fetch has been served for a while, then repacks into one pack', async () => {
      const log = captureLogger();
      const m = makeMirror(env, up.gitDir, { logger: log, maxPacks: 2, quickRepackQuietMs: 400 });
      for (let n = 0; n < 3; n++) await commitAndSync(m, n);
      expect(m.sanitized.packCount()).to.equal(3);
      // A clone being served (its output not read yet) keeps the store busy.
      const serving = m.sanitized.serveUploadPack(cloneRequest(refsOf(m.sanitized.gitDir).get('refs/heads/main')!), { protocol: 0 });
      try {
        await new Promise((r) => setTimeout(r, 1200));
        expect(repacks(log), 'a repack started beside a clone').to.equal(0);
      } finally {
        serving.stdout.resume();
      }
      expect((await serving.exit).exitCode).to.equal(0);
      for (let waited = 0; repacks(log) === 0 && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
      expect(repacks(log)).to.equal(1);
      await m.idle();
      expect(m.sanitized.packCount()).to.equal(1);
      git(m.sanitized.gitDir, ['fsck', '--strict', '--no-dangling']);
    });

    it('repacks at once, served or not, once the store holds four times its packs limit', async () => {
      const log = captureLogger();
      const m = makeMirror(env, up.gitDir, { logger: log, maxPacks: 1, quickRepackQuietMs: 60_000 });
      for (let n = 0; n < 4; n++) await commitAndSync(m, n);
      expect(repacks(log), 'waiting for a quiet store').to.equal(0);
      await commitAndSync(m, 4);
      await m.idle();
      expect(repacks(log)).to.equal(1);
      expect(m.sanitized.packCount()).to.equal(1);
    });
  });

  describe('a large sync (unchanged objects copied by pack-objects)', () => {
    /**
     * `commits` commits of `files` changed files each, over the 1000 objects of a small sync; a fake secret
     * in an .env every 10th commit, and `nameSecret` in a file name of the last commit but one. Returns
     * the .env secrets.
     */
    function largeHistory(commits: number, files: number, nameSecret: string, opts: { bigFile?: boolean } = {}): string[] {
      const planted: string[] = [];
      git(up.gitDir, ['fast-import', '--quiet'], manyFilesHistory(commits, files, (c) => {
        const extra: Record<string, string> = {};
        if (c % 10 === 0) {
          planted.push(fakeGithubPat());
          extra['config/app.env'] = `API_TOKEN=${planted.at(-1)!}\n`;
        }
        if (c === commits - 2) extra[`keys/${nameSecret}.txt`] = 'a key file\n';
        // 1 MiB that deflate cannot shrink: a pack bigger than a pipe holds.
        if (c === 0 && opts.bigFile === true) extra['assets/noise.txt'] = randomBytes(512 * 1024).toString('hex');
        return extra;
      }));
      return planted;
    }

    /** The ids of `ids` the store lacks. */
    const missingIn = (store: string, ids: readonly string[]): string[] =>
      git(store, ['cat-file', '--batch-check'], ids.join('\n') + '\n').toString('latin1').split('\n').filter((l) => l.endsWith(' missing'));

    it('copies the unchanged blobs while pass 2 runs and the rest after it: the served history is whole', async () => {
      const nameSecret = fakeGithubPat();
      const planted = [...largeHistory(60, 20, nameSecret), nameSecret];
      const log = captureLogger();
      const m = makeMirror(env, up.gitDir, { logger: log });
      const report = await m.sync();
      expect(report.objects).to.be.greaterThan(1000);
      expect(report.rewritten).to.be.greaterThan(0);
      const store = m.sanitized.gitDir;
      git(store, ['fsck', '--strict', '--no-dangling']);
      // Every upstream object the id map does not pair (i.e. unchanged) is in the store under its own id.
      const upstreamIds = git(up.gitDir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).toString('latin1').trim().split('\n');
      const paired = await env.idMap.lookup(REPO, upstreamIds);
      const unchanged = upstreamIds.filter((id) => !paired.has(id));
      expect(unchanged.length).to.be.greaterThan(1000);
      expect(missingIn(store, unchanged)).to.deep.equal([]);
      // The copies took nothing else along: no rewritten upstream object is in any pack of the store (not
      // even as a delta base), and no object there, reachable or not, holds a planted value.
      expect(missingIn(store, [...paired.keys()])).to.have.length(paired.size);
      const every = allObjects(store);
      for (const value of planted) expect(every.includes(Buffer.from(value)), value).to.equal(false);
      // The blobs' copy started before pass 2 ended.
      const at = (msg: string, phase?: string): number => log.lines.findIndex((l) => l.msg === msg && (phase === undefined || (l.meta as { phase?: string }).phase === phase));
      expect(at('copying unchanged blobs')).to.be.within(0, at('sync phase', 'pass 2 rewrite'));
    });

    it('writes pass 2 into a pack of its own in a thread, and serves the ids that syncs in small steps give', async () => {
      largeHistory(60, 20, fakeGithubPat());
      const m = makeMirror(env, up.gitDir);
      const report = await m.sync();
      expect(report.objects).to.be.greaterThan(1000);
      const store = m.sanitized.gitDir;
      // The rewritten commits sit in a pack beside the rewritten blobs' (and the unchanged objects' two).
      const packs = fs.readdirSync(path.join(store, 'objects', 'pack')).filter((f) => f.endsWith('.pack'));
      expect(packs.length).to.equal(4);
      const tip = revParse(store, 'refs/heads/main');
      const holding = packs.filter((f) => git(store, ['show-index'], fs.readFileSync(path.join(store, 'objects', 'pack', f.replace(/\.pack$/, '.idx')))).toString('latin1').includes(` ${tip} `));
      expect(holding).to.have.length(1);
      // The same history reached in three small syncs (under 1,000 objects each: one pack each, no thread),
      // with the same key in a data dir of its own, gives the same ids.
      const steps = await openDataEnv(path.join(dir, 'steps'), { keyFrom: env.keyPath });
      try {
        const stepsUp = path.join(dir, 'steps-upstream.git');
        git(dir, ['clone', '--bare', '-q', up.gitDir, stepsUp]);
        const small = makeMirror(steps, stepsUp);
        for (const back of [40, 20, 0]) {
          git(stepsUp, ['update-ref', 'refs/heads/main', revParse(up.gitDir, `refs/heads/main~${back}`)]);
          expect((await small.sync()).objects).to.be.within(1, 999);
        }
        expect(refsOf(small.sanitized.gitDir)).to.deep.equal(refsOf(store));
      } finally {
        await steps.close();
      }
    });

    it('fails with the error of pass 2, serving nothing, when pass 2 fails while the blobs are copied', async () => {
      const secret = fakeGithubPat();
      largeHistory(60, 20, secret);
      const vault: SecretSink = {
        tokenFor: (type, value) => {
          if (Buffer.from(value).toString('latin1') === secret) throw new Error('the vault is unavailable');
          return env.vault.tokenFor(type, value);
        },
        knownSecrets: () => env.vault.knownSecrets(),
        put: (records) => env.vault.put(records),
      };
      const log = captureLogger();
      const m = makeMirror(env, up.gitDir, { vault, logger: log });
      const failed = await m.sync().then(() => null, (e: unknown) => e as Error);
      expect(failed).to.be.instanceOf(MirrorError);
      expect((failed as MirrorError).message).to.match(/entry names of upstream tree [0-9a-f]{40} could not be scanned/);
      expect(String((failed as Error & { cause?: Error }).cause?.message)).to.match(/the vault is unavailable/);
      expect(log.lines.some((l) => l.msg === 'copying unchanged blobs')).to.equal(true);
      expect(refsOf(m.sanitized.gitDir).size).to.equal(0);
      // Both writers were aborted: no temp pack is left behind.
      expect(fs.readdirSync(path.join(m.sanitized.gitDir, 'objects', 'pack')).filter((f) => f.includes('tmp-gitgate'))).to.deep.equal([]);
      // With the vault back, the next sync serves the whole history, the name's token in place of the value.
      const again = makeMirror(env, up.gitDir);
      await again.sync();
      git(again.sanitized.gitDir, ['fsck', '--strict', '--no-dangling']);
      const names = git(again.sanitized.gitDir, ['ls-tree', '-r', '--name-only', 'main']).toString('latin1');
      expect(names).to.not.include(secret);
      expect(tokensIn(names)).to.have.length(1);
    });

    const packDir = (m: RepoMirror): string => path.join(m.sanitized.gitDir, 'objects', 'pack');
    const fullRepacks = (log: ReturnType<typeof captureLogger>): number =>
      log.lines.filter((l) => l.msg === 'maintenance started' && (l.meta as { what: string }).what === 'full repack').length;

    it('serves from a multi-pack index at once, and repacks fully only once no clone has been served for a while', async () => {
      largeHistory(60, 20, fakeGithubPat(), { bigFile: true });
      const log = captureLogger();
      const m = makeMirror(env, up.gitDir, { logger: log, repackQuietMs: 300, repackMaxDelayMs: 60_000 });
      await m.sync();
      const files = fs.readdirSync(packDir(m));
      expect(files).to.include('multi-pack-index');
      expect(files.some((f) => /^multi-pack-index-[0-9a-f]+\.bitmap$/.test(f))).to.equal(true);
      expect(m.sanitized.packCount()).to.be.greaterThan(1);
      // Its bitmap was computed for the new tip before the ref named it: git finds it, and it verifies.
      const tip = refsOf(m.sanitized.gitDir).get('refs/heads/main')!;
      const tested = spawnSync('git', ['--git-dir', m.sanitized.gitDir, 'rev-list', '--test-bitmap', tip], { encoding: 'utf8' });
      expect(tested.status, tested.stderr).to.equal(0);
      expect(tested.stderr).to.include(`Found bitmap for '${tip}'`);
      expect(tested.stderr.trimEnd()).to.match(/OK!$/);
      // A clone being served (its pack not read yet) holds the full repack back.
      const serving = m.sanitized.serveUploadPack(cloneRequest(refsOf(m.sanitized.gitDir).get('refs/heads/main')!), { protocol: 0 });
      await new Promise((r) => setTimeout(r, 1500));
      expect(fullRepacks(log), 'a full repack started beside a clone').to.equal(0);
      const chunks: Buffer[] = [];
      serving.stdout.on('data', (c: Buffer) => chunks.push(c));
      expect((await serving.exit).exitCode).to.equal(0);
      expect(Buffer.concat(chunks).includes(Buffer.from('PACK'))).to.equal(true);
      // Quiet since: it runs, leaving one pack with its own bitmap and no multi-pack index.
      for (let waited = 0; fullRepacks(log) === 0 && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
      expect(fullRepacks(log)).to.equal(1);
      await m.idle();
      expect(m.sanitized.packCount()).to.equal(1);
      expect(fs.readdirSync(packDir(m)).some((f) => f.startsWith('multi-pack-index'))).to.equal(false);
      git(m.sanitized.gitDir, ['fsck', '--strict', '--no-dangling']);
    });

    it('drops a full repack still waiting for a quiet store when asked to be idle (shutdown does not wait for it)', async () => {
      largeHistory(60, 20, fakeGithubPat());
      const log = captureLogger();
      const m = makeMirror(env, up.gitDir, { logger: log, repackQuietMs: 60_000 });
      await m.sync();
      const started = Date.now();
      await m.idle();
      expect(Date.now() - started).to.be.lessThan(5_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(fullRepacks(log)).to.equal(0);
      git(m.sanitized.gitDir, ['fsck', '--strict', '--no-dangling']);
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

  describe('known secrets', () => {
    /** A random password the scanner matches bare (letters and digits, no word-like runs). */
    const password = (): string => randomCharsWhere(20, (v) => /[0-9]/.test(v) && matchableBare(Buffer.from(v)));

    function served(gitDir: string, rev: string): string {
      return readObject(gitDir, revParse(gitDir, rev)).content.toString('latin1');
    }

    for (const [envPath, testPath] of [['.env', 'tests/test_db.py'], ['zz/.env', 'aa/test_db.py']]) {
      it(`gives a plain string in ${testPath} the token of the same value in ${envPath} within one sync`, async () => {
        const pw = password();
        const c = up.commitFiles({ [envPath]: `DB_PASSWORD=${pw}\n`, [testPath]: `def test_connect():\n    connect("db", "${pw}")\n` }, 'init\n');
        up.setRef('refs/heads/main', c);
        const m = makeMirror(env, up.gitDir);
        await m.sync();
        const dotenv = tokensIn(served(m.sanitized.gitDir, `main:${envPath}`));
        const test = tokensIn(served(m.sanitized.gitDir, `main:${testPath}`));
        expect(dotenv).to.have.length(1);
        expect(test).to.deep.equal(dotenv);
        // No object of the served store holds the value, not even a stale first form of the test file.
        expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(pw))).to.equal(false);
      });
    }

    it('takes back the first rewritten form of a blob that is re-settled', async () => {
      const pw = password();
      const other = password();
      // The test file also holds a secret its own rule finds, so its first form is written to the pack.
      const files = { 'aa/test_db.py': `x = "${pw}"\nDB_PASSWORD=${other}\n`, 'zz/.env': `DB_PASSWORD=${pw}\n` };
      up.setRef('refs/heads/main', up.commitFiles(files, 'init\n'));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      expect(tokensIn(served(m.sanitized.gitDir, 'main:aa/test_db.py'))).to.have.length(2);
      expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(pw))).to.equal(false);
    });

    it('tokenizes a value in a new file of a later sync, without any context', async () => {
      const pw = password();
      const c1 = up.commitFiles({ '.env': `DB_PASSWORD=${pw}\n` }, 'one\n');
      up.setRef('refs/heads/main', c1);
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      const token = tokensIn(served(m.sanitized.gitDir, 'main:.env'))[0]!;
      up.setRef('refs/heads/main', up.commitFiles({ '.env': `DB_PASSWORD=${pw}\n`, 'notes.txt': `${pw}\n` }, 'two\n', [c1]));
      await m.sync();
      expect(served(m.sanitized.gitDir, 'main:notes.txt')).to.equal(`${token}\n`);
    });

    it('tokenizes a value another repository of the deployment revealed', async () => {
      const pw = password();
      await env.vault.put([{ token: env.vault.tokenFor('generic-secret', Buffer.from(pw)), type: 'generic-secret', secret: Buffer.from(pw), ruleId: 'generic-secret-assignment', repo: 'acme/other' }]);
      up.setRef('refs/heads/main', up.commitFiles({ 'fixture.json': `{"conn": "${pw}"}\n` }, 'one\n'));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      expect(served(m.sanitized.gitDir, 'main:fixture.json')).to.equal(`{"conn": "${env.vault.tokenFor('generic-secret', Buffer.from(pw))}"}\n`);
    });

    it('leaves short and low-entropy vault values alone where they stand bare', async () => {
      const values = ['Ab3dE9z', 'aaaa1111bbbb', 'wrong_auth'];
      await env.vault.put(values.map((v) => ({ token: env.vault.tokenFor('generic-secret', Buffer.from(v)), type: 'generic-secret', secret: Buffer.from(v), ruleId: 'generic-secret-assignment', repo: 'acme/other' })));
      const text = values.map((v) => `use(${v})\n`).join('');
      up.setRef('refs/heads/main', up.commitFiles({ 'app.py': text }, 'one\n'));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      expect(served(m.sanitized.gitDir, 'main:app.py')).to.equal(text);
    });

    it('tokenizes a known value in a commit message', async () => {
      const pw = password();
      const c1 = up.commitFiles({ '.env': `DB_PASSWORD=${pw}\n` }, 'one\n');
      up.setRef('refs/heads/main', up.commitFiles({ '.env': `DB_PASSWORD=${pw}\n` }, `rotate: the old one was ${pw}\n`, [c1]));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      const token = tokensIn(served(m.sanitized.gitDir, 'main:.env'))[0]!;
      expect(served(m.sanitized.gitDir, 'main')).to.include(`rotate: the old one was ${token}\n`);
    });

    it('matches nothing bare when the option is off', async () => {
      const pw = password();
      up.setRef('refs/heads/main', up.commitFiles({ 'zz/.env': `DB_PASSWORD=${pw}\n`, 'aa/test_db.py': `x = "${pw}"\n` }, 'init\n'));
      const m = makeMirror(env, up.gitDir, { knownSecrets: false });
      await m.sync();
      expect(served(m.sanitized.gitDir, 'main:aa/test_db.py')).to.equal(`x = "${pw}"\n`);
    });

    it('gives the same ids in a second deployment with the same key and inputs', async () => {
      const pw = password();
      up.setRef('refs/heads/main', up.commitFiles({ 'zz/.env': `DB_PASSWORD=${pw}\n`, 'aa/test_db.py': `x = "${pw}"\n` }, 'init\n'));
      const a = makeMirror(env, up.gitDir);
      await a.sync();
      const env2 = await openDataEnv(path.join(dir, 'data2'), { keyFrom: env.keyPath });
      try {
        const b = makeMirror(env2, up.gitDir);
        await b.sync();
        expect(revParse(b.sanitized.gitDir, 'main')).to.equal(revParse(a.sanitized.gitDir, 'main'));
      } finally {
        await env2.close();
      }
    });
  });
});
