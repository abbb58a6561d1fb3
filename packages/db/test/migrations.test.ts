import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Database, DbError, type Migration } from '../src/index.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

const v1: Migration = { version: 1, sql: "CREATE TABLE log (line TEXT NOT NULL); INSERT INTO log VALUES ('v1');" };
const v2: Migration = { version: 2, sql: "INSERT INTO log VALUES ('v2');" };

describe('migrations', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    file = path.join(dir, 'store.db');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies migrations in version order and records each version', async () => {
    const db = await Database.open({ path: file, name: 'store', migrations: [v1, v2] });
    expect(await db.all('SELECT line FROM log')).to.deep.equal([{ line: 'v1' }, { line: 'v2' }]);
    expect(await db.all('SELECT name, version FROM schema_migrations ORDER BY version')).to.deep.equal([
      { name: 'store', version: 1 },
      { name: 'store', version: 2 },
    ]);
    await db.close();
  });

  it('applies each migration only once across reopenings', async () => {
    await (await Database.open({ path: file, name: 'store', migrations: [v1, v2] })).close();
    const db = await Database.open({ path: file, name: 'store', migrations: [v1, v2] });
    expect(await db.get('SELECT COUNT(*) AS n FROM log')).to.deep.equal({ n: 2 });
    await db.close();
  });

  it('applies only the new migrations when a later build adds some', async () => {
    await (await Database.open({ path: file, name: 'store', migrations: [v1] })).close();
    const db = await Database.open({ path: file, name: 'store', migrations: [v1, v2] });
    expect(await db.all('SELECT line FROM log')).to.deep.equal([{ line: 'v1' }, { line: 'v2' }]);
    await db.close();
  });

  it('keeps the versions of two stores sharing one file apart', async () => {
    await (await Database.open({ path: file, name: 'a', migrations: [v1] })).close();
    const b = await Database.open({ path: file, name: 'b', migrations: [{ version: 1, sql: 'CREATE TABLE b_items (x)' }] });
    expect(await b.all('SELECT name, version FROM schema_migrations ORDER BY name')).to.deep.equal([
      { name: 'a', version: 1 },
      { name: 'b', version: 1 },
    ]);
    await b.close();
  });

  it('keeps none of the migrations of an open when one of them fails', async () => {
    const err = await rejection(Database.open({ path: file, name: 'store', migrations: [v1, { version: 2, sql: 'CREATE TABLE broken (' }] }));
    expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_MIGRATION');
    const db = await Database.open({ path: file, name: 'other', migrations: [] });
    expect(await db.get("SELECT name FROM sqlite_master WHERE name = 'log'")).to.equal(undefined);
    expect(await db.all("SELECT version FROM schema_migrations WHERE name = 'store'")).to.deep.equal([]);
    await db.close();
  });

  it('refuses a database migrated further than this build knows', async () => {
    await (await Database.open({ path: file, name: 'store', migrations: [v1, v2] })).close();
    const err = await rejection(Database.open({ path: file, name: 'store', migrations: [v1] }));
    expect(err).to.be.instanceOf(DbError).with.property('code', 'GITGATE_DB_SCHEMA_TOO_NEW');
  });

  it('rejects versions that are not strictly ascending with TypeError', async () => {
    const err = await rejection(Database.open({ path: ':memory:', name: 'store', migrations: [v2, v1] }));
    expect(err).to.be.instanceOf(TypeError);
  });

  it('rejects a duplicate version with TypeError', async () => {
    const err = await rejection(Database.open({ path: ':memory:', name: 'store', migrations: [v1, { version: 1, sql: 'SELECT 1' }] }));
    expect(err).to.be.instanceOf(TypeError);
  });
});
