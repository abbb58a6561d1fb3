// Invariant 2: a sanitized id is a pure function of the upstream bytes, the rule set and the key.
import { expect } from 'chai';
import { fakeGithubPat, makeMirror, refsOf, upstreamPerTest, type DataEnv } from './helpers.js';

describe('determinism of sanitized ids', function () {
  this.timeout(60_000);
  const t = upstreamPerTest();
  const open = (name: string, keyFrom?: string): Promise<DataEnv> => t.open(name, keyFrom);

  /** Two commits with secrets in a file, a commit message and a tag message; returns c2 and its secret file. */
  const firstState = (): { c2: string; env: string } => {
    const env = `GITHUB=${fakeGithubPat()}\n`;
    const c1 = t.up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n`, 'lib/x.js': 'let x = 1;\n' }, 'one\n');
    const c2 = t.up.commit({ tree: t.up.files({ 'app.env': env, 'lib/x.js': 'let x = 2;\n' }), parents: [c1], message: `two, was ${fakeGithubPat()}\n` });
    t.up.setRef('refs/heads/main', c2);
    t.up.setRef('refs/tags/v1', t.up.tag({ object: c1, tag: 'v1', message: `tagged with ${fakeGithubPat()}\n` }));
    return { c2, env };
  };

  it('gives identical sanitized ref ids in two data dirs with the same key file', async () => {
    firstState();
    const a = await open('a');
    const b = await open('b', a.keyPath);
    const ma = makeMirror(a, t.up.gitDir);
    const mb = makeMirror(b, t.up.gitDir);
    await ma.sync();
    await mb.sync();
    const refsA = refsOf(ma.sanitized.gitDir);
    expect(refsA.get('refs/heads/main')).to.not.equal(refsOf(t.up.gitDir).get('refs/heads/main'));
    expect(refsOf(mb.sanitized.gitDir)).to.deep.equal(refsA);
  });

  it('gives different sanitized ref ids under a different key', async () => {
    firstState();
    const a = await open('a');
    const b = await open('b');
    const ma = makeMirror(a, t.up.gitDir);
    const mb = makeMirror(b, t.up.gitDir);
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
    const ma = makeMirror(a, t.up.gitDir);
    await ma.sync();
    // New history that reuses an old secret blob, adds a new secret, a branch and a tag, and moves a tag.
    const c3 = t.up.commit({ tree: t.up.files({ 'moved/app.env': env, 'lib/x.js': 'let x = 2;\n' }), parents: [c2], message: 'three\n' });
    const c4 = t.up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n`, 'lib/x.js': 'let x = 2;\n', 'new.txt': 'new\n' }, 'four\n', [c3]);
    t.up.setRef('refs/heads/main', c4);
    t.up.setRef('refs/heads/topic', c3);
    t.up.setRef('refs/tags/v2', t.up.tag({ object: c4, tag: 'v2', message: 'second\n' }));
    t.up.setRef('refs/tags/light', c2);
    const second = await ma.sync();
    expect(second.upToDate).to.equal(false);

    const b = await open('b', a.keyPath);
    const mb = makeMirror(b, t.up.gitDir);
    await mb.sync();
    expect(refsOf(ma.sanitized.gitDir)).to.deep.equal(refsOf(mb.sanitized.gitDir));
    expect(refsOf(ma.sanitized.gitDir).size).to.equal(5);
  });
});
