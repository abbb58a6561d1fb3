import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { startPostgres } from '../src/index.js';

describe('test PostgreSQL server', () => {
  it('starts a real server on loopback and hands out separate empty databases', async () => {
    const pg = await startPostgres();
    const a = pg.createDatabase();
    const b = pg.createDatabase();
    expect(a).to.not.equal(b);
    const psql = (url: string, sql: string): string => execFileSync('psql', [url, '-XAtc', sql], { encoding: 'utf8' }).trim();
    psql(a, 'CREATE TABLE t (x int); INSERT INTO t VALUES (7)');
    expect(psql(a, 'SELECT x FROM t')).to.equal('7');
    expect(psql(b, "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).to.equal('0');
    expect(psql(pg.url, 'SHOW listen_addresses')).to.equal('127.0.0.1');
  });

  it('returns the same server to every caller in one process', async () => {
    expect((await startPostgres()).port).to.equal((await startPostgres()).port);
  });
});
