import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Database, DbError } from '../src/index.js';

const counterMigrations = [{ version: 1, sql: 'CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter (id, n) VALUES (1, 0);' }];

function memory(): Promise<Database> {
  return Database.open({ path: ':memory:', name: 'test', migrations: counterMigrations });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Database', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('open', () => {
    it('creates the database file with mode 0600', async () => {
      const file = path.join(dir, 'store.db');
      const db = await Database.open({ path: file, name: 'test', migrations: counterMigrations });
      await db.run('UPDATE counter SET n = 1');
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(`${file}-wal`).mode & 0o777).to.equal(0o600);
      await db.close();
    });

    it('puts a file database in WAL journal mode', async () => {
      const db = await Database.open({ path: path.join(dir, 'store.db'), name: 'test', migrations: [] });
      expect(await db.get('PRAGMA journal_mode')).to.deep.equal({ journal_mode: 'wal' });
      await db.close();
    });

    it('opens one new file from many connections at once, each in WAL mode (replicas starting together)', async () => {
      // SQLite may answer the WAL switch with SQLITE_BUSY without waiting on busy_timeout. Three
      // connections: each waits on one of the driver's four pool threads, and the fourth must stay free.
      for (let round = 0; round < 30; round++) {
        const file = path.join(dir, `store-${round}.db`);
        const dbs = await Promise.all(Array.from({ length: 3 }, () => Database.open({ path: file, name: 'test', migrations: counterMigrations })));
        for (const db of dbs) expect(await db.get('PRAGMA journal_mode')).to.deep.equal({ journal_mode: 'wal' });
        await Promise.all(dbs.map((db) => db.close()));
      }
    });

    it('enables foreign key enforcement', async () => {
      const db = await Database.open({
        path: ':memory:', name: 'test',
        migrations: [{ version: 1, sql: 'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id));' }],
      });
      const err = await rejection(db.run('INSERT INTO c (p) VALUES (?)', [42]));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_CONSTRAINT');
      await db.close();
    });

    it('sets synchronous FULL and a 5000 ms busy timeout by default', async () => {
      const db = await Database.open({ path: path.join(dir, 'store.db'), name: 'test', migrations: [] });
      expect(await db.get('PRAGMA synchronous')).to.deep.equal({ synchronous: 2 });
      expect(await db.get('PRAGMA busy_timeout')).to.deep.equal({ timeout: 5000 });
      await db.close();
    });

    it('sets synchronous NORMAL and the busy timeout when asked', async () => {
      const db = await Database.open({ path: path.join(dir, 'store.db'), name: 'test', migrations: [], synchronous: 'NORMAL', busyTimeoutMs: 250 });
      expect(await db.get('PRAGMA synchronous')).to.deep.equal({ synchronous: 1 });
      expect(await db.get('PRAGMA busy_timeout')).to.deep.equal({ timeout: 250 });
      await db.close();
    });

    it('fails with GITGATE_DB_OPEN when the directory does not exist', async () => {
      const err = await rejection(Database.open({ path: path.join(dir, 'missing', 'x.db'), name: 'test', migrations: [] }));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_OPEN');
    });

    it('rejects options without a path with TypeError', async () => {
      const err = await rejection(Database.open({ path: '', name: 'test', migrations: [] }));
      expect(err).to.be.instanceOf(TypeError);
    });
  });

  describe('statements', () => {
    it('reports changes and the last inserted rowid from run', async () => {
      const db = await memory();
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      expect(await db.run('INSERT INTO t (v) VALUES (?)', ['a'])).to.deep.equal({ changes: 1, lastID: 1 });
      expect(await db.run('INSERT INTO t (v) VALUES (?)', ['b'])).to.deep.equal({ changes: 1, lastID: 2 });
      expect((await db.run('UPDATE t SET v = ?', ['c'])).changes).to.equal(2);
      await db.close();
    });

    it('returns the first row from get and undefined when there is none', async () => {
      const db = await memory();
      expect(await db.get<{ n: number }>('SELECT n FROM counter WHERE id = ?', [1])).to.deep.equal({ n: 0 });
      expect(await db.get('SELECT n FROM counter WHERE id = ?', [2])).to.equal(undefined);
      await db.close();
    });

    it('returns every row from all', async () => {
      const db = await memory();
      await db.exec('CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (3), (1), (2);');
      expect(await db.all('SELECT v FROM t ORDER BY v')).to.deep.equal([{ v: 1 }, { v: 2 }, { v: 3 }]);
      await db.close();
    });

    it('stores and returns a Buffer parameter as a blob', async () => {
      const db = await memory();
      await db.exec('CREATE TABLE t (b BLOB)');
      await db.run('INSERT INTO t VALUES (?)', [Buffer.from([0, 1, 255])]);
      const row = await db.get<{ b: Buffer }>('SELECT b FROM t');
      expect(Buffer.isBuffer(row?.b)).to.equal(true);
      expect([...row!.b]).to.deep.equal([0, 1, 255]);
      await db.close();
    });

    it('quotes the start of the SQL but never a bound value in an error', async () => {
      const db = await memory();
      await db.exec('CREATE TABLE t (v TEXT UNIQUE)');
      const value = `value-${Math.random().toString(36).slice(2)}`;
      await db.run('INSERT INTO t (v) VALUES (?)', [value]);
      const err = await rejection(db.run('INSERT INTO t (v) VALUES (?) -- and a long comment that goes past sixty characters', [value]));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_CONSTRAINT');
      const e = err as DbError;
      expect(e.message).to.contain('INSERT INTO t (v) VALUES (?)');
      expect(e.message).not.to.contain('sixty characters');
      expect(e.message).not.to.contain(value);
      expect(JSON.stringify(e.data)).not.to.contain(value);
      expect(e.data).to.include({ sqliteCode: 'SQLITE_CONSTRAINT' });
      await db.close();
    });

    it('reports a malformed statement as GITGATE_DB_QUERY', async () => {
      const db = await memory();
      const err = await rejection(db.get('SELEC 1'));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_QUERY');
      await db.close();
    });

    it('reports a full database as GITGATE_DB_FULL in a transaction, and writes again once there is room', async () => {
      const db = await Database.open({ path: path.join(dir, 'full.db'), name: 'test', migrations: counterMigrations });
      await db.exec('CREATE TABLE blobs (b BLOB NOT NULL)');
      // The page limit stands in for a full disk: SQLite answers SQLITE_FULL for both.
      const pages = (await db.get<{ page_count: number }>('PRAGMA page_count'))!.page_count;
      await db.get(`PRAGMA max_page_count = ${pages}`);
      const err = await rejection(db.transaction((tx) => tx.run('INSERT INTO blobs (b) VALUES (?)', [Buffer.alloc(64 * 1024)])));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_FULL');
      expect((err as DbError).data).to.include({ sqliteCode: 'SQLITE_FULL' });
      await db.get(`PRAGMA max_page_count = ${pages + 100}`);
      await db.transaction((tx) => tx.run('INSERT INTO blobs (b) VALUES (?)', [Buffer.alloc(64 * 1024)]));
      expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs'))!.n).to.equal(1);
      await db.close();
    });

    it('rejects params that are not an array with TypeError', async () => {
      const db = await memory();
      const err = await rejection(db.run('SELECT ?', 'x' as unknown as unknown[]));
      expect(err).to.be.instanceOf(TypeError);
      await db.close();
    });
  });

  describe('transaction', () => {
    it('commits the writes of a callback that resolves and returns its result', async () => {
      const db = await memory();
      const result = await db.transaction(async (tx) => {
        await tx.run('UPDATE counter SET n = 5');
        return 'done';
      });
      expect(result).to.equal('done');
      expect(await db.get('SELECT n FROM counter')).to.deep.equal({ n: 5 });
      await db.close();
    });

    it('rolls back every write of a callback that throws and rethrows its error', async () => {
      const db = await memory();
      const boom = new Error('boom');
      const err = await rejection(db.transaction(async (tx) => {
        await tx.run('UPDATE counter SET n = 7');
        await tx.exec('CREATE TABLE extra (x)');
        throw boom;
      }));
      expect(err).to.equal(boom);
      expect(await db.get('SELECT n FROM counter')).to.deep.equal({ n: 0 });
      expect(await db.get("SELECT name FROM sqlite_master WHERE name = 'extra'")).to.equal(undefined);
      await db.close();
    });

    it('serialises concurrent transactions so read-modify-write cycles never interleave', async () => {
      const db = await memory();
      const log: string[] = [];
      const increment = (i: number): Promise<void> => db.transaction(async (tx) => {
        log.push(`begin ${i}`);
        const row = await tx.get<{ n: number }>('SELECT n FROM counter');
        await tick();
        await tx.run('UPDATE counter SET n = ?', [row!.n + 1]);
        await tick();
        log.push(`end ${i}`);
      });
      await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(increment));
      expect(await db.get('SELECT n FROM counter')).to.deep.equal({ n: 8 });
      expect(log).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => [`begin ${i}`, `end ${i}`]));
      await db.close();
    });

    it('makes a statement issued outside a running transaction wait until it commits', async () => {
      const db = await memory();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const running = db.transaction(async (tx) => {
        await tx.run('UPDATE counter SET n = 1');
        await gate;
        await tx.run('UPDATE counter SET n = 2');
      });
      await tick();
      const outside = db.get<{ n: number }>('SELECT n FROM counter');
      await tick();
      release();
      await running;
      expect(await outside).to.deep.equal({ n: 2 });
      await db.close();
    });

    it('lets a failed transaction release the queue for the next one', async () => {
      const db = await memory();
      const first = db.transaction(async () => { throw new Error('first'); });
      const second = db.transaction(async (tx) => tx.run('UPDATE counter SET n = 3'));
      await rejection(first);
      await second;
      expect(await db.get('SELECT n FROM counter')).to.deep.equal({ n: 3 });
      await db.close();
    });

    it('joins the transaction when the outer handle is used inside the callback', async () => {
      const db = await memory();
      const err = await rejection(db.transaction(async () => {
        await db.run('UPDATE counter SET n = 9');
        expect(await db.get('SELECT n FROM counter')).to.deep.equal({ n: 9 });
        throw new Error('undo');
      }));
      expect((err as Error).message).to.equal('undo');
      expect(await db.get('SELECT n FROM counter')).to.deep.equal({ n: 0 });
      await db.close();
    });

    it('rolls back a nested transaction to its savepoint only', async () => {
      const db = await memory();
      await db.transaction(async (tx) => {
        await tx.run('UPDATE counter SET n = 1');
        await rejection(tx.transaction(async (inner) => {
          await inner.run('UPDATE counter SET n = 2');
          throw new Error('inner');
        }));
        expect(await tx.get('SELECT n FROM counter')).to.deep.equal({ n: 1 });
        await tx.transaction(async (inner) => inner.run('UPDATE counter SET n = n + 10'));
      });
      expect(await db.get('SELECT n FROM counter')).to.deep.equal({ n: 11 });
      await db.close();
    });

    it('refuses a transaction handle used after its transaction ended', async () => {
      const db = await memory();
      let leaked: Database | undefined;
      await db.transaction(async (tx) => { leaked = tx; });
      const err = await rejection(leaked!.get('SELECT 1'));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_TX_FINISHED');
      await db.close();
    });

    it('takes the write lock at BEGIN so a second connection cannot write meanwhile', async () => {
      const file = path.join(dir, 'store.db');
      const a = await Database.open({ path: file, name: 'test', migrations: counterMigrations });
      const b = await Database.open({ path: file, name: 'test', migrations: counterMigrations, busyTimeoutMs: 0 });
      await a.transaction(async (tx) => {
        await tx.get('SELECT n FROM counter');
        const err = await rejection(b.run('UPDATE counter SET n = 1'));
        expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_BUSY');
      });
      await a.close();
      await b.close();
    });
  });

  describe('close', () => {
    it('refuses statements after close with GITGATE_DB_CLOSED', async () => {
      const db = await memory();
      await db.close();
      const err = await rejection(db.get('SELECT 1'));
      expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_CLOSED');
    });

    it('waits for the running transaction before closing', async () => {
      const file = path.join(dir, 'store.db');
      const db = await Database.open({ path: file, name: 'test', migrations: counterMigrations });
      const running = db.transaction(async (tx) => {
        await tick();
        await tx.run('UPDATE counter SET n = 4');
      });
      await tick();
      await db.close();
      await running;
      const again = await Database.open({ path: file, name: 'test', migrations: counterMigrations });
      expect(await again.get('SELECT n FROM counter')).to.deep.equal({ n: 4 });
      await again.close();
    });

    it('is a no-op the second time', async () => {
      const db = await memory();
      await db.close();
      await db.close();
    });
  });
});
