/**
 * A real PostgreSQL server for tests: Debian's server binaries, a fresh cluster in a temp dir, on a
 * free loopback port, trusting local connections. One server per test process (started on first use,
 * stopped when the process exits); each caller gets its own empty database, so suites never share rows.
 *
 * PostgreSQL refuses to run as root; when the tests run as root (CI), the cluster is owned by and run
 * as the `postgres` user that Debian's package creates. A test process killed by a signal runs no exit
 * handler: a watchdog stops its server and removes the cluster then (see stopWhenGone).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './webhook-receiver.js';

/** A running test server; `createDatabase` hands out a new empty database's connection URL. */
export interface TestPostgres {
  /** Connection URL of the server's `postgres` maintenance database. */
  readonly url: string;
  readonly port: number;
  /** The temp dir of the cluster (removed when the server stops). */
  readonly dir: string;
  /** Creates an empty database with a unique name and returns its URL (postgres://gitgate@127.0.0.1:PORT/NAME). */
  createDatabase(): string;
  /** Stops the server now (it is also stopped at process exit). */
  stop(): void;
}

const USER = 'gitgate';
let running: TestPostgres | undefined;
let counter = 0;

/** Where the server binaries are: `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string | undefined {
  const viaConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (viaConfig.status === 0 && existsSync(join(viaConfig.stdout.trim(), 'initdb'))) return viaConfig.stdout.trim();
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  return undefined;
}

/** Runs a server binary, as the `postgres` user when this process is root. */
function runAsServerUser(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
}

/** A temp dir the server user may write; chowned to `postgres` when running as root. */
function serverDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitgate-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  return dir;
}

/**
 * A detached shell that outlives this process: once this process is gone, by any signal, it stops the
 * server and removes `dir`. After a normal exit the `exit` handler has done both already, and so it
 * finds nothing left to do.
 */
function stopWhenGone(bin: string, data: string, dir: string): void {
  const asRoot = process.getuid?.() === 0;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
if [ -f "$2/postmaster.pid" ]; then ${asRoot ? 'runuser -u postgres -- ' : ''}"$1" -D "$2" -m immediate stop >/dev/null 2>&1; fi
rm -rf "$3"`;
  const child = spawn('sh', ['-c', script, 'gitgate-pg-watchdog', join(bin, 'pg_ctl'), data, dir], { detached: true, stdio: 'ignore', cwd: tmpdir() });
  child.unref();
}

/**
 * The test process's PostgreSQL server, started on first call (initdb + pg_ctl start, ~2 s).
 * Throws with the install hint when the server binaries are missing.
 */
export async function startPostgres(): Promise<TestPostgres> {
  if (running) return running;
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (Debian: apt-get install postgresql); .ci/run installs them');
  const dir = serverDir();
  const data = join(dir, 'data');
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  try {
    runAsServerUser(join(bin, 'initdb'), ['-D', data, '-U', USER, '--auth=trust', '--encoding=UTF8', '--no-sync']);
    runAsServerUser(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = (): void => {
    if (!running) return;
    running = undefined;
    try { runAsServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  stopWhenGone(bin, data, dir);
  const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
  running = {
    url,
    port,
    dir,
    createDatabase: () => {
      const name = `t${process.pid}_${++counter}`;
      runAsServerUser(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', USER, name]);
      return `postgres://${USER}@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
  return running;
}
