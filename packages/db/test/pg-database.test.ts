/** What only the PostgreSQL backend has to show: replicas starting together, schemas, an unreachable server. */
import { expect } from 'chai';
import { startPostgres, freePort, rejection } from '@gitgate/testkit';
import { Database, DbError, numberParameters, parsePgLocation } from '../src/index.js';

describe('PostgreSQL database', () => {
  let url: string;
  beforeEach(async () => { url = (await startPostgres()).createDatabase(); });

  it('applies a store\'s migrations once when four replicas open it at the same time', async () => {
    const migrations = [{ version: 1, sql: 'CREATE TABLE once (x INTEGER); INSERT INTO once VALUES (1)' }];
    const dbs = await Promise.all(Array.from({ length: 4 }, () => Database.open({ path: url, name: 'store', migrations })));
    expect(await dbs[0]!.get('SELECT COUNT(*) AS n FROM once')).to.deep.equal({ n: 1 });
    await Promise.all(dbs.map((d) => d.close()));
  });

  it('keeps the tables of stores opened with different schema parameters apart', async () => {
    const migrations = [{ version: 1, sql: 'CREATE TABLE rows (x INTEGER)' }];
    const a = await Database.open({ path: `${url}?schema=repo_a`, name: 'mirror', migrations });
    const b = await Database.open({ path: `${url}?schema=repo_b`, name: 'mirror', migrations });
    await a.run('INSERT INTO rows VALUES (?)', [1]);
    expect(await b.all('SELECT x FROM rows')).to.deep.equal([]);
    expect(await a.all('SELECT x FROM rows')).to.deep.equal([{ x: 1 }]);
    await a.close();
    await b.close();
  });

  it('holds an advisory lock until the transaction ends, across handles', async () => {
    const migrations = [{ version: 1, sql: 'CREATE TABLE seen (who TEXT)' }];
    const a = await Database.open({ path: url, name: 'a', migrations });
    const b = await Database.open({ path: url, name: 'b', migrations: [] });
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => { locked = r; });
    const first = a.transaction(async (tx) => {
      await tx.advisoryLock('sync:acme/api');
      locked();
      await held;
      await tx.run("INSERT INTO seen VALUES ('a')");
    });
    await isLocked;
    const second = b.transaction(async (tx) => {
      await tx.advisoryLock('sync:acme/api');
      await tx.run("INSERT INTO seen VALUES ('b')");
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(await a.all('SELECT who FROM seen')).to.deep.equal([]);
    release();
    await Promise.all([first, second]);
    expect((await a.all<{ who: string }>('SELECT who FROM seen')).map((r) => r.who)).to.deep.equal(['a', 'b']);
    await a.close();
    await b.close();
  });

  it('answers an unreachable server with GITGATE_DB_UNAVAILABLE and never quotes the password', async () => {
    const port = await freePort();
    const password = `pw${Date.now()}`;
    const err = await rejection(Database.open({ path: `postgres://gitgate:${password}@127.0.0.1:${port}/x`, name: 's', migrations: [] }));
    expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_UNAVAILABLE');
    expect(String((err as Error).message)).to.not.include(password);
  });

  it('withholds the server message of a data exception, which could quote a bound value', async () => {
    const db = await Database.open({ path: url, name: 's', migrations: [{ version: 1, sql: 'CREATE TABLE n (x INTEGER)' }] });
    const value = `not-a-number-${Date.now()}`;
    const err = await rejection(db.run('INSERT INTO n VALUES (CAST(? AS INTEGER))', [value]));
    expect(err).to.be.instanceOf(DbError);
    expect(String((err as Error).message)).to.not.include(value);
    await db.close();
  });

  it('refuses a schema parameter that is not a plain lower-case name', () => {
    expect(() => parsePgLocation(`${url}?schema=x;drop`)).to.throw(DbError);
    expect(parsePgLocation(`${url}?schema=repo_1&pool=2`)).to.include({ schema: 'repo_1', pool: 2 });
  });

  it('numbers ? parameters outside quotes and comments only', () => {
    expect(numberParameters("SELECT ?, '?', \"?\" -- ?\n, ? /* ? */")).to.equal("SELECT $1, '?', \"?\" -- ?\n, $2 /* ? */");
  });
});
