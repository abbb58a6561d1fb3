// One sync of a repository at a time across replicas (issue 16): the sync waits for a peer holding
// the repository's lock, and a lock it cannot have fails the sync with the last state still served.
import { expect } from 'chai';
import { setImmediate as tick } from 'node:timers/promises';
import { Database } from '@gitgate/db';
import { makeMirror, refsOf, upstreamPerTest, REPO } from './helpers.js';

describe('RepoMirror sync lock', function () {
  this.timeout(60_000);
  const t = upstreamPerTest();
  let db: Database;
  beforeEach(async () => { db = await Database.open({ path: ':memory:', name: 'locks', migrations: [] }); });
  afterEach(() => db.close());

  it('waits while a peer holds the repository\'s sync lock, then syncs holding it and releases it', async () => {
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'a.txt': 'one\n' }, 'one\n'));
    const steps: string[] = [];
    const mirror = makeMirror(await t.open('a'), t.up.gitDir, {
      syncLock: async (repo) => {
        steps.push(`wait ${repo}`);
        const held = await db.lock(`sync:${repo}`);
        steps.push('held');
        return { release: async () => { steps.push('released'); await held.release(); } };
      },
    });
    const peer = await db.lock(`sync:${REPO}`);
    const sync = mirror.sync();
    while (steps.length === 0) await tick();
    expect(await db.tryLock(`sync:${REPO}`)).to.equal(undefined);
    expect(steps).to.deep.equal([`wait ${REPO}`]);
    await peer.release();
    expect((await sync).upToDate).to.equal(false);
    expect(steps).to.deep.equal([`wait ${REPO}`, 'held', 'released']);
    expect(refsOf(mirror.sanitized.gitDir).has('refs/heads/main')).to.equal(true);
  });

  it('fails a sync whose lock stays held by a peer, and keeps serving the last complete state', async () => {
    const first = t.up.commitFiles({ 'a.txt': 'one\n' }, 'one\n');
    t.up.setRef('refs/heads/main', first);
    const mirror = makeMirror(await t.open('a'), t.up.gitDir, { syncLock: (repo) => db.lock(`sync:${repo}`, { timeoutMs: 50 }) });
    await mirror.sync();
    const served = refsOf(mirror.sanitized.gitDir);
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'a.txt': 'two\n' }, 'two\n', [first]));
    const peer = await db.lock(`sync:${REPO}`);
    const err = await mirror.sync({ force: true }).then(() => undefined, (e: unknown) => e);
    expect(err).to.include({ code: 'GITGATE_DB_BUSY' });
    expect(refsOf(mirror.sanitized.gitDir)).to.deep.equal(served);
    await peer.release();
    await mirror.sync({ force: true });
    expect(refsOf(mirror.sanitized.gitDir).get('refs/heads/main')).to.not.equal(served.get('refs/heads/main'));
  });
});
