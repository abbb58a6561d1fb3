import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { postgresBinDir, startPostgres } from '../src/index.js';

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

  it('stops the server and removes its cluster when the process that started it is killed by a signal', async function () {
    this.timeout(60_000);
    const index = new URL('../src/index.js', import.meta.url).href;
    // The child starts its own server, says where, and waits; SIGKILL runs none of its exit handlers.
    const code = `import { startPostgres } from ${JSON.stringify(index)};
const pg = await startPostgres();
console.log(JSON.stringify({ port: pg.port, dir: pg.dir }));
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', () => reject(new Error('the child exited before its server started')));
    });
    const { port, dir } = JSON.parse(first) as { port: number; dir: string };
    const ready = (): boolean => spawnSync(join(postgresBinDir()!, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0;
    expect(ready(), 'the child\'s server answers').to.equal(true);
    expect(existsSync(dir)).to.equal(true);
    child.kill('SIGKILL');
    await exited;
    const deadline = Date.now() + 30_000;
    while ((ready() || existsSync(dir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(ready(), 'the server still answers').to.equal(false);
    expect(existsSync(dir), 'the cluster dir is still there').to.equal(false);
  });
});

