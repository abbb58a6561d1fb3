/**
 * Database.lock / tryLock: one holder of a name at a time beyond any transaction (one sync of a
 * repository across replicas), on both backends; on PostgreSQL a dead holder never keeps it.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { storeBackends, startPostgres, tempDir, removeDirs, rejection } from '@gitgate/testkit';
import { Database, DbError } from '../src/index.js';

for (const backend of storeBackends()) {
  describe(`Database session locks (${backend.name})`, () => {
    let dir: string;
    let a: Database;
    let b: Database;
    beforeEach(async () => {
      dir = tempDir();
      const location = await backend.location(dir);
      // Two handles on one database, as two replicas (PostgreSQL) or two stores of one file (SQLite).
      a = await Database.open({ path: location, name: 'a', migrations: [] });
      b = await Database.open({ path: location, name: 'b', migrations: [] });
    });
    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
      removeDirs(dir);
    });

    it('makes a second holder of the same name wait until the first releases it', async () => {
      const order: string[] = [];
      const first = await a.lock('sync:acme/api');
      const second = b.lock('sync:acme/api').then((held) => {
        order.push('second holds');
        return held;
      });
      // A tryLock proves the second is still waiting without a timed assertion.
      expect(await b.tryLock('sync:acme/api')).to.equal(undefined);
      order.push('first releases');
      await first.release();
      await (await second).release();
      expect(order).to.deep.equal(['first releases', 'second holds']);
    });

    it('keeps different names apart and frees a name for tryLock once released, a second release doing nothing', async () => {
      const held = await a.lock('sync:acme/api');
      const other = await b.tryLock('sync:acme/web');
      expect(other?.name).to.equal('sync:acme/web');
      await held.release();
      await held.release();
      const again = await b.tryLock('sync:acme/api');
      expect(again?.name).to.equal('sync:acme/api');
      await Promise.all([again!.release(), other!.release()]);
    });

    it('gives up with GITGATE_DB_BUSY when the lock stays held past timeoutMs', async () => {
      const held = await a.lock('sync:acme/api');
      const err = await rejection(b.lock('sync:acme/api', { timeoutMs: 50 }));
      expect(err).to.be.instanceOf(DbError);
      expect((err as DbError).code).to.equal('GITGATE_DB_BUSY');
      await held.release();
      await (await b.lock('sync:acme/api', { timeoutMs: 5000 })).release();
    });

    it('refuses an empty name', async () => {
      expect(await rejection(a.lock(''))).to.be.instanceOf(TypeError);
    });
  });
}

describe('Database session locks (postgres): a dead holder', () => {
  let url: string;
  let db: Database;
  beforeEach(async () => {
    url = (await startPostgres()).createDatabase();
    db = await Database.open({ path: url, name: 'locks', migrations: [] });
  });
  afterEach(() => db.close());

  it('frees the lock when the server ends the holding session (pg_terminate_backend)', async () => {
    const holder = await Database.open({ path: url, name: 'holder', migrations: [] });
    await holder.lock('sync:acme/api');
    expect(await db.tryLock('sync:acme/api')).to.equal(undefined);
    const ended = await db.get<{ n: number }>("SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()");
    expect(ended!.n).to.equal(1);
    await (await db.lock('sync:acme/api', { timeoutMs: 10_000 })).release();
    await holder.close();
  });

  it('frees the lock when the holding process is killed with SIGKILL', async () => {
    const index = fileURLToPath(new URL('../src/index.js', import.meta.url));
    const script = `import { Database } from ${JSON.stringify(index)};
      const db = await Database.open({ path: process.argv[1], name: 'replica', migrations: [] });
      await db.lock('sync:acme/api');
      process.stdout.write('held\\n');
      setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(child.stdout!, 'data');
    expect(await db.tryLock('sync:acme/api')).to.equal(undefined);
    child.kill('SIGKILL');
    await once(child, 'exit');
    await (await db.lock('sync:acme/api', { timeoutMs: 10_000 })).release();
  });
});
