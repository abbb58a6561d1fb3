// The rewrite as the sync runs it: real upstream repositories, the real scanner and vault, and the
// sanitized store inspected with git itself.
import { expect } from 'chai';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { hashObject, parseTree } from '@gitgate/objects';
import { createScanner, type Scanner } from '@gitgate/scanner';
import { withheldBlob, type RepoMirror } from '../src/index.js';
import {
  REPO, Upstream, allObjects, fakeGithubPat, fakePgpSignature, fold, git, hasObject, makeMirror, openDataEnv, readObject,
  refsOf, removeDir, revParse, tempDir, tokensIn, type DataEnv,
} from './helpers.js';

describe('rewrite', function () {
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

  const mirror = (extra: Parameters<typeof makeMirror>[2] = {}): RepoMirror => makeMirror(env, up.gitDir, extra);

  describe('a secret in a blob', () => {
    let secret: string;
    let ids: { blob: string; dirTree: string; root: string; c1: string; c2: string; cleanTree: string };
    let store: string;

    beforeEach(async () => {
      secret = fakeGithubPat();
      const c1 = up.commitFiles({ 'README.md': '# api\n', 'lib/util.js': 'export const one = 1;\n' }, 'first\n');
      const c2 = up.commitFiles({
        'README.md': '# api\n', 'lib/util.js': 'export const one = 1;\n',
        'config/app.env': `GITHUB=${secret}\nLEVEL=debug\n`,
      }, 'add config\n', [c1]);
      up.setRef('refs/heads/main', c2);
      ids = {
        blob: revParse(up.gitDir, 'main:config/app.env'), dirTree: revParse(up.gitDir, 'main:config'),
        root: revParse(up.gitDir, 'main^{tree}'), c1, c2, cleanTree: revParse(up.gitDir, 'main:lib'),
      };
      const m = mirror();
      await m.sync();
      store = m.sanitized.gitDir;
    });

    it('stores a blob in which the secret is replaced by a token', () => {
      const content = readObject(store, revParse(store, 'main:config/app.env')).content.toString('latin1');
      const tokens = tokensIn(content);
      expect(tokens).to.have.length(1);
      expect(tokens[0]).to.match(/^\[\[TOKEN_github-pat_/);
      expect(content).to.equal(`GITHUB=${tokens[0]}\nLEVEL=debug\n`);
    });

    it('holds no object that contains the secret', () => {
      const every = allObjects(store);
      expect(every.length).to.be.greaterThan(0);
      expect(every.includes(Buffer.from(secret))).to.equal(false);
    });

    it('holds none of the upstream ids of the secret blob, the trees above it and the commit', () => {
      for (const id of [ids.blob, ids.dirTree, ids.root, ids.c2]) expect(hasObject(store, id), id).to.equal(false);
    });

    it('keeps the id of a clean subtree beside the secret', () => {
      expect(revParse(store, 'main:lib')).to.equal(ids.cleanTree);
    });

    it('keeps the id of a commit whose history holds no secret', () => {
      expect(revParse(store, 'main~1')).to.equal(ids.c1);
    });

    it('stores the secret in the vault under the token', async () => {
      const token = tokensIn(readObject(store, revParse(store, 'main:config/app.env')).content.toString('latin1'))[0]!;
      expect((await env.vault.reveal(token)).toString('latin1')).to.equal(secret);
    });
  });

  describe('a secret inside encoded content', () => {
    it('tokenizes a secret in a .env.gz, serves a gzip that inflates to the tokenized text, and vaults the secret', async () => {
      const secret = fakeGithubPat();
      const text = `GITHUB=${secret}\nLEVEL=debug\n`;
      up.setRef('refs/heads/main', up.commitFiles({ '.env.gz': gzipSync(Buffer.from(text)) }, 'one\n'));
      const m = mirror();
      await m.sync();
      const store = m.sanitized.gitDir;
      const served = gunzipSync(readObject(store, revParse(store, 'main:.env.gz')).content).toString('latin1');
      const [token] = tokensIn(served);
      expect(served).to.equal(`GITHUB=${token}\nLEVEL=debug\n`);
      expect((await env.vault.reveal(token!)).toString('latin1')).to.equal(secret);
      expect(allObjects(store).includes(Buffer.from(secret))).to.equal(false);
    });

    it('tokenizes a UTF-16LE file in UTF-16LE under the same token as the UTF-8 file with the same secret', async () => {
      const secret = fakeGithubPat();
      const line = `$env:GITHUB_TOKEN = "${secret}"\r\n`;
      up.setRef('refs/heads/main', up.commitFiles({
        'set.ps1': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line, 'utf16le')]), 'set.sh': line,
      }, 'one\n'));
      const m = mirror();
      await m.sync();
      const store = m.sanitized.gitDir;
      const ps = readObject(store, revParse(store, 'main:set.ps1')).content;
      const sh = readObject(store, revParse(store, 'main:set.sh')).content.toString('latin1');
      expect(ps.subarray(0, 2)).to.deep.equal(Buffer.from([0xff, 0xfe]));
      expect(ps.subarray(2).toString('utf16le')).to.equal(sh);
      expect(tokensIn(sh)).to.have.length(1);
    });

    it('withholds a gzip bomb', async () => {
      const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
      up.setRef('refs/heads/main', up.commitFiles({ 'data.gz': bomb }, 'one\n'));
      const m = mirror();
      const report = await m.sync();
      const store = m.sanitized.gitDir;
      expect(readObject(store, revParse(store, 'main:data.gz')).content.equals(withheldBlob(bomb.length))).to.equal(true);
      expect(report.withheld).to.equal(1);
    });
  });

  it('gives identical ids for every ref of a repository without secrets', async () => {
    const c1 = up.commitFiles({ 'a.txt': 'alpha\n', 'src/b.js': 'let b = 2;\n' }, 'one\n');
    const c2 = up.commitFiles({ 'a.txt': 'alpha\nbeta\n', 'src/b.js': 'let b = 2;\n' }, 'two\n', [c1]);
    up.setRef('refs/heads/main', c2);
    up.setRef('refs/heads/old', c1);
    up.setRef('refs/tags/v1', up.tag({ object: c1, tag: 'v1', message: 'first release\n' }));
    up.setRef('refs/tags/light', c2);
    const m = mirror();
    await m.sync();
    expect(refsOf(m.sanitized.gitDir)).to.deep.equal(refsOf(up.gitDir));
  });

  describe('signatures', () => {
    it('drops a gpgsig header from a commit and nothing else', async () => {
      const tree = up.files({ 'a.txt': 'alpha\n' });
      const extra = ['encoding ISO-8859-1', 'x-unknown kept as is'];
      const signed = up.commitContent({ tree, message: 'signed\n', extraHeaders: [...extra, `gpgsig ${fold(fakePgpSignature())}`], time: 1_700_000_000 });
      up.setRef('refs/heads/main', up.write('commit', signed));
      const m = mirror();
      await m.sync();
      const expected = up.commitContent({ tree, message: 'signed\n', extraHeaders: extra, time: 1_700_000_000 });
      const got = revParse(m.sanitized.gitDir, 'main');
      expect(got).to.equal(hashObject('commit', expected));
      expect(readObject(m.sanitized.gitDir, got).content.equals(expected)).to.equal(true);
    });

    it('drops a mergetag header from a merge commit and nothing else', async () => {
      const base = up.commitFiles({ 'a.txt': 'alpha\n' }, 'base\n');
      const side = up.commitFiles({ 'a.txt': 'alpha\n', 'b.txt': 'side\n' }, 'side\n', [base]);
      const tree = up.files({ 'a.txt': 'alpha\n', 'b.txt': 'side\n' });
      const tagText = up.tagContent({ object: side, tag: 'side-v1', message: 'side\n' + fakePgpSignature() }).toString('utf8');
      const merge = up.commitContent({ tree, parents: [base, side], message: 'merge side\n', extraHeaders: [`mergetag ${fold(tagText)}`], time: 1_700_000_500 });
      up.setRef('refs/heads/main', up.write('commit', merge));
      const m = mirror();
      await m.sync();
      const expected = up.commitContent({ tree, parents: [base, side], message: 'merge side\n', time: 1_700_000_500 });
      const got = revParse(m.sanitized.gitDir, 'main');
      expect(got).to.equal(hashObject('commit', expected));
      expect(readObject(m.sanitized.gitDir, got).content.equals(expected)).to.equal(true);
    });

    it('drops the signature block appended to an annotated tag message and nothing else', async () => {
      const c = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      up.setRef('refs/heads/main', c);
      up.setRef('refs/tags/v1', up.tag({ object: c, tag: 'v1', message: 'release one\n\nnotes here\n' + fakePgpSignature() }));
      const m = mirror();
      await m.sync();
      const expected = up.tagContent({ object: c, tag: 'v1', message: 'release one\n\nnotes here\n' });
      const got = refsOf(m.sanitized.gitDir).get('refs/tags/v1')!;
      expect(got).to.equal(hashObject('tag', expected));
      expect(readObject(m.sanitized.gitDir, got).content.equals(expected)).to.equal(true);
    });
  });

  describe('messages', () => {
    it('tokenizes a secret in a commit message', async () => {
      const secret = fakeGithubPat();
      const c = up.commit({ tree: up.files({ 'a.txt': 'alpha\n' }), message: `rotate the bot credential, old one was ${secret}\n` });
      up.setRef('refs/heads/main', c);
      const m = mirror();
      await m.sync();
      const content = readObject(m.sanitized.gitDir, revParse(m.sanitized.gitDir, 'main')).content.toString('latin1');
      const tokens = tokensIn(content);
      expect(tokens).to.have.length(1);
      expect(content).to.not.include(secret);
      expect(content.endsWith(`\n\nrotate the bot credential, old one was ${tokens[0]}\n`)).to.equal(true);
      expect((await env.vault.reveal(tokens[0]!)).toString('latin1')).to.equal(secret);
    });

    it('tokenizes a secret in a tag message', async () => {
      const secret = fakeGithubPat();
      const c = up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n');
      up.setRef('refs/heads/main', c);
      up.setRef('refs/tags/v1', up.tag({ object: c, tag: 'v1', message: `deployed with ${secret}\n` }));
      const m = mirror();
      await m.sync();
      const content = readObject(m.sanitized.gitDir, refsOf(m.sanitized.gitDir).get('refs/tags/v1')!).content.toString('latin1');
      const tokens = tokensIn(content);
      expect(tokens).to.have.length(1);
      expect(content).to.not.include(secret);
      expect(content).to.include(`object ${c}\n`);
      expect((await env.vault.reveal(tokens[0]!)).toString('latin1')).to.equal(secret);
    });
  });

  describe('byte-exactness', () => {
    // 'n\xe9.txt': a latin-1 name that is not valid UTF-8.
    const latinName = Buffer.from([0x6e, 0xe9, 0x2e, 0x74, 0x78, 0x74]);
    const oddTree = (aId: string): string => up.rawTree([
      { mode: '100644', name: Buffer.from('a.txt'), id: aId },
      { mode: '100644', name: latinName, id: up.blob('plain latin-1 content\n') },
      { mode: '100664', name: Buffer.from('odd.sh'), id: up.blob('echo hello\n') },
    ]);

    it('keeps a clean tree with an odd mode and a non-UTF-8 name unchanged', async () => {
      const tree = oddTree(up.blob('alpha\n'));
      up.setRef('refs/heads/main', up.commit({ tree, message: 'odd\n' }));
      const m = mirror();
      await m.sync();
      expect(revParse(m.sanitized.gitDir, 'main^{tree}')).to.equal(tree);
      expect(revParse(m.sanitized.gitDir, 'main')).to.equal(revParse(up.gitDir, 'main'));
    });

    it('changes only the id of the entry whose blob changed in such a tree', async () => {
      const tree = oddTree(up.blob(`GITHUB=${fakeGithubPat()}\n`));
      up.setRef('refs/heads/main', up.commit({ tree, message: 'odd\n' }));
      const m = mirror();
      await m.sync();
      const before = parseTree(readObject(up.gitDir, tree).content);
      const after = parseTree(readObject(m.sanitized.gitDir, revParse(m.sanitized.gitDir, 'main^{tree}')).content);
      expect(after.map((e) => e.mode)).to.deep.equal(['100644', '100644', '100664']);
      expect(after.map((e) => e.name.toString('hex'))).to.deep.equal(before.map((e) => e.name.toString('hex')));
      expect(after[0]!.id).to.not.equal(before[0]!.id);
      expect(after.slice(1).map((e) => e.id)).to.deep.equal(before.slice(1).map((e) => e.id));
    });
  });

  describe('names', () => {
    it('moves a renamed entry to its place in git order, and git fsck --strict accepts the tree', async () => {
      const pat = fakeGithubPat();
      const blob = up.blob('x\n');
      const sub = up.tree([{ name: 'inner.txt', id: blob }]);
      // Upstream order: 'Zeta' < 'a.txt' < 'gh…' (dir) < 'zz'; a token starts with '[' (between 'Z' and 'a').
      const root = up.tree([{ name: 'Zeta', id: blob }, { name: 'a.txt', id: blob }, { name: pat, id: sub, tree: true }, { name: 'zz', id: blob }]);
      up.setRef('refs/heads/main', up.commit({ tree: root, message: 'one\n' }));
      const m = mirror();
      await m.sync();
      const store = m.sanitized.gitDir;
      const names = parseTree(readObject(store, revParse(store, 'main^{tree}')).content).map((e) => e.name.toString());
      expect(names).to.have.length(4);
      expect(names[0]).to.equal('Zeta');
      expect(names[1]).to.match(/^\[\[TOKEN_github-pat_[A-Z2-7]{24}\]\]$/);
      expect(names.slice(2)).to.deep.equal(['a.txt', 'zz']);
      // The subtree under the renamed directory is unchanged and keeps its id.
      expect(revParse(store, `main:${names[1]}`)).to.equal(sub);
      git(store, ['fsck', '--full', '--strict']);
      expect(allObjects(store).includes(Buffer.from(pat))).to.equal(false);
    });

    it('records a secret in a blob below a renamed directory under the served path', async () => {
      const [dirPat, filePat] = [fakeGithubPat(), fakeGithubPat()];
      const blob = up.blob(`TOKEN=${filePat}\n`);
      up.setRef('refs/heads/main', up.commit({ tree: up.tree([{ name: `d-${dirPat}`, id: up.tree([{ name: 'app.env', id: blob }]), tree: true }]), message: 'one\n' }));
      const m = mirror();
      await m.sync();
      const store = m.sanitized.gitDir;
      const token = tokensIn(readObject(store, revParse(store, 'main^{tree}')).content.toString('latin1'))[0]!;
      const fileToken = tokensIn(readObject(store, revParse(store, `main:d-${token}/app.env`)).content.toString('latin1'))[0]!;
      const info = await env.vault.info(fileToken);
      expect(info!.occurrences.map((o) => o.path)).to.deep.equal([`d-${token}/app.env`]);
    });
  });

  describe('fail closed', () => {
    const MARK = 'unscannable-content-marker';
    /** A scanner whose decoder "fails" on one content, like a time-out or a decoder error would. */
    const failingScanner = (): Scanner => {
      const real = createScanner();
      return {
        ...real,
        rulesetVersion: 'fake-failing-01',
        scan(content: Buffer) {
          if (content.includes(MARK)) throw new Error('decoder failed');
          return real.scan(content);
        },
      } as Scanner;
    };

    it('replaces a blob the scanner throws on with the withheld notice', async () => {
      const content = Buffer.from(`binary-ish ${MARK} payload\n`);
      const blob = up.blob(content);
      up.setRef('refs/heads/main', up.commit({ tree: up.tree([{ name: 'data.bin', id: blob }, { name: 'ok.txt', id: up.blob('fine\n') }]), message: 'one\n' }));
      const m = mirror({ scanner: failingScanner() });
      const report = await m.sync();
      const served = readObject(m.sanitized.gitDir, revParse(m.sanitized.gitDir, 'main:data.bin')).content;
      expect(served.equals(withheldBlob(content.length))).to.equal(true);
      expect(report.withheld).to.equal(1);
    });

    it('never stores the blob the scanner throws on', async () => {
      const blob = up.blob(`binary-ish ${MARK} payload\n`);
      up.setRef('refs/heads/main', up.commit({ tree: up.tree([{ name: 'data.bin', id: blob }]), message: 'one\n' }));
      const m = mirror({ scanner: failingScanner() });
      await m.sync();
      expect(hasObject(m.sanitized.gitDir, blob)).to.equal(false);
      expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(MARK))).to.equal(false);
    });

    describe('allowUnscannable', () => {
      const unscannable = (): { content: Buffer; blob: string } => {
        const content = Buffer.from(`binary-ish ${MARK} payload\n`);
        return { content, blob: up.blob(content) };
      };

      it('serves an unscannable blob as it is under a matching entry name and withholds it under any other', async () => {
        const { content, blob } = unscannable();
        up.setRef('refs/heads/main', up.commit({ tree: up.tree([{ name: 'copy.bin', id: blob }, { name: 'logo.gz', id: blob }]), message: 'one\n' }));
        const m = mirror({ scanner: failingScanner(), allowUnscannable: ['*.gz'] });
        await m.sync();
        const store = m.sanitized.gitDir;
        expect(revParse(store, 'main:logo.gz')).to.equal(blob);
        expect(readObject(store, revParse(store, 'main:copy.bin')).content.equals(withheldBlob(content.length))).to.equal(true);
        git(store, ['fsck', '--full', '--strict']);
      });

      it('matches the base name only, never a directory on the way', async () => {
        const { blob } = unscannable();
        const dir = up.tree([{ name: 'data.bin', id: blob }]);
        up.setRef('refs/heads/main', up.commit({ tree: up.tree([{ name: 'assets.gz', mode: '40000', id: dir }]), message: 'one\n' }));
        const m = mirror({ scanner: failingScanner(), allowUnscannable: ['*.gz'] });
        await m.sync();
        expect(hasObject(m.sanitized.gitDir, blob)).to.equal(false);
      });

      it('serves the blob as it is when a later sync names it so and an earlier one withheld it', async () => {
        const { blob } = unscannable();
        const c1 = up.commit({ tree: up.tree([{ name: 'copy.bin', id: blob }]), message: 'one\n' });
        up.setRef('refs/heads/main', c1);
        const m = mirror({ scanner: failingScanner(), allowUnscannable: ['logo.gz'] });
        await m.sync();
        expect(hasObject(m.sanitized.gitDir, blob)).to.equal(false);
        up.setRef('refs/heads/main', up.commit({ tree: up.tree([{ name: 'copy.bin', id: blob }, { name: 'logo.gz', id: blob }]), parents: [c1], message: 'two\n' }));
        await m.sync({ force: true });
        expect(revParse(m.sanitized.gitDir, 'main:logo.gz')).to.equal(blob);
        git(m.sanitized.gitDir, ['fsck', '--full', '--strict']);
      });

      it('re-derives the ids when the allow list changes', async () => {
        const { blob } = unscannable();
        up.setRef('refs/heads/main', up.commit({ tree: up.tree([{ name: 'logo.gz', id: blob }]), message: 'one\n' }));
        await mirror({ scanner: failingScanner() }).sync();
        const m = mirror({ scanner: failingScanner(), allowUnscannable: ['*.gz'] });
        await m.sync();
        expect(revParse(m.sanitized.gitDir, 'main:logo.gz')).to.equal(blob);
      });
    });

    it('replaces a blob over the scanner size limit with the withheld notice', async () => {
      const big = Buffer.alloc(4096, 'x');
      const blob = up.blob(big);
      up.setRef('refs/heads/main', up.commit({ tree: up.tree([{ name: 'big.txt', id: blob }]), message: 'one\n' }));
      const m = mirror({ scanner: createScanner({ maxBytes: 1024 }) });
      await m.sync();
      expect(hasObject(m.sanitized.gitDir, blob)).to.equal(false);
      const served = readObject(m.sanitized.gitDir, revParse(m.sanitized.gitDir, 'main:big.txt')).content;
      expect(served.equals(withheldBlob(big.length))).to.equal(true);
    });
  });

  describe('objects that refs reach without a commit', () => {
    it('tokenizes a secret blob that an annotated tag points at', async () => {
      const secret = fakeGithubPat();
      const blob = up.blob(`GITHUB=${secret}\n`);
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
      up.setRef('refs/tags/blob-tag', up.tag({ object: blob, type: 'blob', tag: 'blob-tag', message: 'a blob\n' }));
      const m = mirror();
      await m.sync();
      const content = readObject(m.sanitized.gitDir, revParse(m.sanitized.gitDir, 'refs/tags/blob-tag^{blob}')).content.toString('latin1');
      expect(tokensIn(content)).to.have.length(1);
      expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(secret))).to.equal(false);
    });

    it('tokenizes a secret blob that a lightweight tag points at', async () => {
      const secret = fakeGithubPat();
      const blob = up.blob(`GITHUB=${secret}\n`);
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
      up.setRef('refs/tags/raw-blob', blob);
      const m = mirror();
      await m.sync();
      const id = refsOf(m.sanitized.gitDir).get('refs/tags/raw-blob')!;
      expect(id).to.not.equal(blob);
      expect(tokensIn(readObject(m.sanitized.gitDir, id).content.toString('latin1'))).to.have.length(1);
      expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(secret))).to.equal(false);
    });

    it('tokenizes a secret in a tree that a tag of a tag points at', async () => {
      const secret = fakeGithubPat();
      const tree = up.files({ 'deep/app.env': `GITHUB=${secret}\n` });
      up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
      const inner = up.tag({ object: tree, type: 'tree', tag: 'inner', message: 'a tree\n' });
      up.setRef('refs/tags/outer', up.tag({ object: inner, type: 'tag', tag: 'outer', message: 'a tag\n' }));
      const m = mirror();
      await m.sync();
      const content = readObject(m.sanitized.gitDir, revParse(m.sanitized.gitDir, 'refs/tags/outer^{tree}:deep/app.env')).content.toString('latin1');
      expect(tokensIn(content)).to.have.length(1);
      for (const id of [tree, inner]) expect(hasObject(m.sanitized.gitDir, id), id).to.equal(false);
      expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(secret))).to.equal(false);
    });
  });

  describe('long histories', () => {
    // Long enough that the second pass streams commits and trees over many pipe chunks.
    it('rewrites every commit of a 300-commit history and attributes a secret to its first path and commit', async () => {
      const n = 300;
      const secret = fakeGithubPat();
      const env1 = `GITHUB=${secret}\n`;
      // One fast-import stream: a git process per object would make this test slow.
      const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
      let stream = '';
      for (let i = 0; i < n; i++) {
        stream += `commit refs/heads/main\ncommitter Ada Tester <ada@example.test> ${1_700_000_000 + i} +0000\n${data(`commit ${i}\n`)}`;
        stream += `M 100644 inline src/counter.txt\n${data(`${i}\n`)}M 100644 inline notes/n${i % 5}.md\n${data(`note ${i}\n`)}`;
        if (i >= 3) stream += `M 100644 inline config/app.env\n${data(env1)}`;
      }
      git(up.gitDir, ['fast-import', '--quiet'], stream);
      const commits = git(up.gitDir, ['rev-list', '--reverse', 'refs/heads/main']).toString().trim().split('\n');
      expect(commits).to.have.length(n);
      up.setRef('refs/heads/old', commits[2]!);
      const m = mirror();
      await m.sync();
      const store = m.sanitized.gitDir;
      git(store, ['fsck', '--strict', '--no-dangling']);
      expect(git(store, ['rev-list', '--count', 'main']).toString().trim()).to.equal(String(n));
      expect(allObjects(store).includes(Buffer.from(secret))).to.equal(false);
      // Commits before the secret keep their ids; every later one is rewritten.
      expect([revParse(store, 'old'), revParse(store, `main~${n - 3}`)]).to.deep.equal([commits[2], commits[2]]);
      expect(revParse(store, `main~${n - 4}`)).to.not.equal(commits[3]);
      expect(hasObject(store, commits[3]!)).to.equal(false);
      for (const k of [0, 57, n - 4]) {
        expect(readObject(store, revParse(store, `main~${k}:src/counter.txt`)).content.toString(), `main~${k}`).to.equal(`${n - 1 - k}\n`);
      }
      const token = tokensIn(readObject(store, revParse(store, 'main:config/app.env')).content.toString('latin1'))[0]!;
      const occurrences = (await env.vault.info(token))!.occurrences;
      expect(occurrences.map((o) => ({ repo: o.repo, path: o.path, commitId: o.commitId }))).to.deep.equal([{ repo: REPO, path: 'config/app.env', commitId: commits[3] }]);
    });
  });

  it('rewrites a subtree that appears twice in one commit once, and attributes its secret to the first path', async () => {
    const secret = fakeGithubPat();
    const shared = up.files({ 'keys/app.env': `GITHUB=${secret}\n` });
    const root = up.tree([{ name: 'a', id: shared, mode: '40000' }, { name: 'b', id: shared, mode: '40000' }, { name: 'c.txt', id: up.blob('c\n') }]);
    const c = up.commit({ tree: root, message: 'twice\n' });
    up.setRef('refs/heads/main', c);
    const m = mirror();
    await m.sync();
    const store = m.sanitized.gitDir;
    expect(revParse(store, 'main:a')).to.equal(revParse(store, 'main:b'));
    expect(revParse(store, 'main:a')).to.not.equal(shared);
    const token = tokensIn(readObject(store, revParse(store, 'main:b/keys/app.env')).content.toString('latin1'))[0]!;
    const occurrences = (await env.vault.info(token))!.occurrences;
    expect(occurrences.map((o) => ({ path: o.path, commitId: o.commitId }))).to.deep.equal([{ path: 'a/keys/app.env', commitId: c }]);
  });

  describe('incremental syncs', () => {
    it('points a new commit at the sanitized copy of a subtree an earlier sync rewrote', async () => {
      const secret = fakeGithubPat();
      const config = up.files({ 'app.env': `GITHUB=${secret}\n` });
      const c1 = up.commit({ tree: up.tree([{ name: 'config', id: config, mode: '40000' }, { name: 'a.txt', id: up.blob('one\n') }]), message: 'one\n' });
      up.setRef('refs/heads/main', c1);
      const m = mirror();
      await m.sync();
      const sanitizedConfig = revParse(m.sanitized.gitDir, 'main:config');
      const sanitizedC1 = revParse(m.sanitized.gitDir, 'main');
      expect(sanitizedConfig).to.not.equal(config);
      // The new commit's tree is new; its 'config' entry is the old, already rewritten subtree.
      const c2 = up.commit({ tree: up.tree([{ name: 'config', id: config, mode: '40000' }, { name: 'a.txt', id: up.blob('two\n') }]), parents: [c1], message: 'two\n' });
      up.setRef('refs/heads/main', c2);
      const second = await m.sync();
      expect(second.objects).to.equal(3);
      expect(revParse(m.sanitized.gitDir, 'main:config')).to.equal(sanitizedConfig);
      expect(revParse(m.sanitized.gitDir, 'main^')).to.equal(sanitizedC1);
      git(m.sanitized.gitDir, ['fsck', '--strict', '--no-dangling']);
      expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(secret))).to.equal(false);
    });
  });

  it('syncs an empty upstream, then its first commit', async () => {
    const m = mirror();
    const first = await m.sync();
    expect(first.refs).to.equal(0);
    expect(refsOf(m.sanitized.gitDir).size).to.equal(0);
    up.setRef('refs/heads/main', up.commitFiles({ 'a.txt': 'alpha\n' }, 'one\n'));
    await m.sync();
    expect(refsOf(m.sanitized.gitDir)).to.deep.equal(refsOf(up.gitDir));
  });

  describe('odd commits', () => {
    // A commit that ends inside its last header line (no '\n', no message) must keep its id when clean.
    it('keeps the id of a clean commit that ends without a newline', async () => {
      const tree = up.files({ 'a.txt': 'alpha\n' });
      const raw = Buffer.from(`tree ${tree}\nauthor Ada Tester <ada@example.test> 1700000000 +0100\ncommitter Bob Tester <bob@example.test> 1700000000 +0100`);
      const c = up.write('commit', raw);
      up.setRef('refs/heads/main', c);
      const m = mirror();
      await m.sync();
      expect(revParse(m.sanitized.gitDir, 'main')).to.equal(c);
    });
  });
});
