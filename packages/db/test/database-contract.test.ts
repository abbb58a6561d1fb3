/**
 * What every store relies on, run on both backends: a SQLite file and a real PostgreSQL database.
 */
import { expect } from 'chai';
import { storeBackends, tempDir, removeDirs, rejection } from '@gitgate/testkit';
import { Database, DbError, type Migration } from '../src/index.js';

const counters: Migration = { version: 1, sql: 'CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL)' };
const items: Migration = {
  version: 2,
  sql: 'CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB, big INTEGER)',
  postgres: 'CREATE TABLE items (id BIGINT PRIMARY KEY, body BYTEA, big BIGINT)',
};

for (const backend of storeBackends()) {
  describe(`Database contract (${backend.name})`, () => {
    let dir: string;
    let location: string;
    const open = (name = 'store', migrations: Migration[] = [counters, items]): Promise<Database> => Database.open({ path: location, name, migrations });
    beforeEach(async () => {
      dir = tempDir();
      location = await backend.location(dir);
    });
    afterEach(() => removeDirs(dir));

    it('reports its dialect', async () => {
      const db = await open();
      expect(db.dialect).to.equal(backend.name);
      await db.close();
    });

    it('binds ? parameters in order and leaves a ? inside a string literal alone', async () => {
      const db = await open();
      await db.run('INSERT INTO counters (name, n) VALUES (?, ?)', ['a?b', 3]);
      expect(await db.get("SELECT name, n FROM counters WHERE name = ? AND 'x?' = 'x?'", ['a?b'])).to.deep.equal({ name: 'a?b', n: 3 });
      await db.close();
    });

    it('reports rows changed, returns 64-bit integers as numbers and blobs as Buffers', async () => {
      const db = await open();
      const body = Buffer.from([0, 1, 2, 255]);
      await db.run('INSERT INTO items (id, body, big) VALUES (?, ?, ?)', [1, body, 2 ** 40]);
      await db.run('INSERT INTO items (id, body, big) VALUES (?, ?, ?)', [2, body, 7]);
      expect((await db.run('UPDATE items SET big = big + 1')).changes).to.equal(2);
      const row = await db.get<{ body: Buffer; big: number; n: number }>('SELECT body, big, (SELECT COUNT(*) FROM items) AS n FROM items WHERE id = ?', [1]);
      expect(Buffer.isBuffer(row!.body) && row!.body.equals(body)).to.equal(true);
      expect(row!.big).to.equal(2 ** 40 + 1);
      expect(row!.n).to.equal(2);
      await db.close();
    });

    it('reports a unique violation as GITGATE_DB_CONSTRAINT without the bound value', async () => {
      const db = await open();
      const value = `value-${Date.now()}`;
      await db.run('INSERT INTO counters (name, n) VALUES (?, 1)', [value]);
      const err = await rejection(db.run('INSERT INTO counters (name, n) VALUES (?, 1)', [value]));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_CONSTRAINT');
      expect(String((err as Error).message)).to.not.include(value);
      await db.close();
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      const db = await open();
      await db.transaction((tx) => tx.run("INSERT INTO counters VALUES ('kept', 1)"));
      const err = await rejection(db.transaction(async (tx) => {
        await tx.run("INSERT INTO counters VALUES ('lost', 1)");
        throw new Error('boom');
      }));
      expect((err as Error).message).to.equal('boom');
      expect(await db.all('SELECT name FROM counters ORDER BY name')).to.deep.equal([{ name: 'kept' }]);
      await db.close();
    });

    it('serialises read-modify-write transactions of two handles on the same store', async () => {
      const [a, b] = [await open(), await open()];
      await a.run("INSERT INTO counters VALUES ('c', 0)");
      const bump = (db: Database): Promise<void> => db.transaction(async (tx) => {
        const row = await tx.get<{ n: number }>("SELECT n FROM counters WHERE name = 'c'");
        await new Promise((r) => setTimeout(r, 2));
        await tx.run("UPDATE counters SET n = ? WHERE name = 'c'", [row!.n + 1]);
      });
      await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? a : b)));
      expect(await a.get("SELECT n FROM counters WHERE name = 'c'")).to.deep.equal({ n: 20 });
      await a.close();
      await b.close();
    });

    it('joins the transaction from the outer handle and rolls back a nested one to its savepoint', async () => {
      const db = await open();
      await db.transaction(async (tx) => {
        await db.run("INSERT INTO counters VALUES ('outer', 1)");
        await rejection(tx.transaction(async (inner) => {
          await inner.run("INSERT INTO counters VALUES ('inner', 1)");
          throw new Error('inner fails');
        }));
        await tx.advisoryLock('some-lock');
      });
      expect(await db.all('SELECT name FROM counters')).to.deep.equal([{ name: 'outer' }]);
      await db.close();
    });

    it('refuses a transaction handle used after its transaction ended, and an advisory lock outside one', async () => {
      const db = await open();
      let leaked: Database | undefined;
      await db.transaction(async (tx) => { leaked = tx; });
      expect(await rejection(leaked!.run('SELECT 1'))).to.have.property('code', 'GITGATE_DB_TX_FINISHED');
      expect(await rejection(db.advisoryLock('x'))).to.be.instanceOf(TypeError);
      await db.close();
    });

    it('applies each migration once across reopenings and keeps two stores\' versions apart', async () => {
      await (await open()).close();
      const again = await open();
      const other = await open('other', [{ version: 1, sql: 'CREATE TABLE other_rows (x INTEGER)' }]);
      expect(await again.all('SELECT name, version FROM schema_migrations ORDER BY name, version')).to.deep.equal([
        { name: 'other', version: 1 }, { name: 'store', version: 1 }, { name: 'store', version: 2 },
      ]);
      await again.close();
      await other.close();
    });

    it('keeps none of the migrations of an open when one fails', async () => {
      const err = await rejection(open('store', [counters, { version: 2, sql: 'CREATE TABLE broken (' }]));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_MIGRATION');
      const db = await open('probe', []);
      expect(await db.all("SELECT version FROM schema_migrations WHERE name = 'store'")).to.deep.equal([]);
      await db.close();
    });

    it('refuses statements after close with GITGATE_DB_CLOSED', async () => {
      const db = await open();
      await db.close();
      expect(await rejection(db.get('SELECT 1'))).to.have.property('code', 'GITGATE_DB_CLOSED');
    });
  });
}
