// Invariant 2: a sanitized id is a pure function of the upstream bytes, the rule set and the key.
import { expect } from 'chai';
import path from 'node:path';
import { Upstream, fakeGithubPat, makeMirror, openDataEnv, refsOf, removeDir, tempDir, type DataEnv } from './helpers.js';

describe('determinism of sanitized ids', function () {
  this.timeout(60_000);
  let dir: string;
  let up: Upstream;
  const envs: DataEnv[] = [];

  beforeEach(() => {
    dir = tempDir();
    up = Upstream.create(path.join(dir, 'upstream.git'));
  });
  afterEach(async () => {
    for (const e of envs.splice(0)) await e.close();
    removeDir(dir);
  });

  const open = async (name: string, keyFrom?: string): Promise<DataEnv> => {
    const env = await openDataEnv(path.join(dir, name), { keyFrom });
    envs.push(env);
    return env;
  };

  /** Two commits with secrets in a file, a commit message and a tag message; returns c2 and its secret file. */
  const firstState = (): { c2: string; env: string } => {
    const env = `GITHUB=${fakeGithubPat()}\n`;
    const c1 = up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n`, 'lib/x.js': 'let x = 1;\n' }, 'one\n');
    const c2 = up.commit({ tree: up.files({ 'app.env': env, 'lib/x.js': 'let x = 2;\n' }), parents: [c1], message: `two, was ${fakeGithubPat()}\n` });
    up.setRef('refs/heads/main', c2);
    up.setRef('refs/tags/v1', up.tag({ object: c1, tag: 'v1', message: `tagged with ${fakeGithubPat()}\n` }));
    return { c2, env };
  };

  it('gives identical sanitized ref ids in two data dirs with the same key file', async () => {
    firstState();
    const a = await open('a');
    const b = await open('b', a.keyPath);
    const ma = makeMirror(a, up.gitDir);
    const mb = makeMirror(b, up.gitDir);
    await ma.sync();
    await mb.sync();
    const refsA = refsOf(ma.sanitized.gitDir);
    expect(refsA.get('refs/heads/main')).to.not.equal(refsOf(up.gitDir).get('refs/heads/main'));
    expect(refsOf(mb.sanitized.gitDir)).to.deep.equal(refsA);
  });

  it('gives different sanitized ref ids under a different key', async () => {
    firstState();
    const a = await open('a');
    const b = await open('b');
    const ma = makeMirror(a, up.gitDir);
    const mb = makeMirror(b, up.gitDir);
    await ma.sync();
    await mb.sync();
    const refsA = refsOf(ma.sanitized.gitDir);
    const refsB = refsOf(mb.sanitized.gitDir);
    expect(refsB.get('refs/heads/main')).to.not.equal(refsA.get('refs/heads/main'));
    expect(refsB.get('refs/tags/v1')).to.not.equal(refsA.get('refs/tags/v1'));
  });

  it('gives the same ids after an incremental sync as after a sync of the final state from scratch', async () => {
    const { c2, env } = firstState();
    const a = await open('a');
    const ma = makeMirror(a, up.gitDir);
    await ma.sync();
    // New history that reuses an old secret blob, adds a new secret, a branch and a tag, and moves a tag.
    const c3 = up.commit({ tree: up.files({ 'moved/app.env': env, 'lib/x.js': 'let x = 2;\n' }), parents: [c2], message: 'three\n' });
    const c4 = up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n`, 'lib/x.js': 'let x = 2;\n', 'new.txt': 'new\n' }, 'four\n', [c3]);
    up.setRef('refs/heads/main', c4);
    up.setRef('refs/heads/topic', c3);
    up.setRef('refs/tags/v2', up.tag({ object: c4, tag: 'v2', message: 'second\n' }));
    up.setRef('refs/tags/light', c2);
    const second = await ma.sync();
    expect(second.upToDate).to.equal(false);

    const b = await open('b', a.keyPath);
    const mb = makeMirror(b, up.gitDir);
    await mb.sync();
    expect(refsOf(ma.sanitized.gitDir)).to.deep.equal(refsOf(mb.sanitized.gitDir));
    expect(refsOf(ma.sanitized.gitDir).size).to.equal(5);
  });
});
