// Replicas share the id map (PostgreSQL in production) but each keeps its own sanitized store: a
// replica whose store is behind the shared state syncs from what it holds and ends with the same ids.
import path from 'node:path';
import { expect } from 'chai';
import { makeMirror, refsOf, upstreamPerTest, fakeGithubPat, allObjects } from './helpers.js';

describe('RepoMirror replicas sharing one id map', function () {
  this.timeout(120_000);
  const t = upstreamPerTest();

  it('builds a second replica\'s empty store from nothing, with the first replica\'s refs and ids', async () => {
    const first = t.up.commitFiles({ 'app.env': `TOKEN=${fakeGithubPat()}\n`, 'README.md': '# api\n' }, 'first\n');
    t.up.setRef('refs/heads/main', first);
    const env = await t.open('shared');
    const a = makeMirror(env, t.up.gitDir, { dir: path.join(t.dir, 'replica-a') });
    const b = makeMirror(env, t.up.gitDir, { dir: path.join(t.dir, 'replica-b') });
    await a.sync();
    const reportB = await b.sync();
    expect(reportB.objects).to.be.greaterThan(0);
    expect(refsOf(b.sanitized.gitDir)).to.deep.equal(refsOf(a.sanitized.gitDir));
    expect(allObjects(b.sanitized.gitDir).equals(allObjects(a.sanitized.gitDir))).to.equal(true);
  });

  it('syncs a lagging replica from its own last sync after a peer advanced the shared state', async () => {
    const one = t.up.commitFiles({ 'a.txt': 'one\n' }, 'one\n');
    t.up.setRef('refs/heads/main', one);
    const env = await t.open('shared');
    const a = makeMirror(env, t.up.gitDir, { dir: path.join(t.dir, 'replica-a') });
    const b = makeMirror(env, t.up.gitDir, { dir: path.join(t.dir, 'replica-b') });
    await a.sync();
    await b.sync();
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'a.txt': 'two\n', 'b.env': `KEY=${fakeGithubPat()}\n` }, 'two\n', [one]));
    await a.sync({ force: true });
    const lagging = await b.sync({ force: true });
    expect(lagging.objects, 'only what is new since b\'s own last sync').to.be.within(1, 6);
    expect(refsOf(b.sanitized.gitDir)).to.deep.equal(refsOf(a.sanitized.gitDir));
    expect(allObjects(b.sanitized.gitDir).equals(allObjects(a.sanitized.gitDir))).to.equal(true);
  });
});
