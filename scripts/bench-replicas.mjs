#!/usr/bin/env node
// Scale-out benchmark (issue 16). On one real PostgreSQL server (Debian's binaries, a temp cluster):
//   1. the warm full clone from one gateway on PostgreSQL against one on SQLite (median of --runs);
//   2. --clones concurrent `--depth 1` clones through one round-robin TCP balancer, in front of one
//      gateway and then of two replicas (separate data dirs, one database): the throughput ratio;
//   3. that both replicas advertise the same refs and ids (deterministic rewrite under one key).
// Each gateway runs in its own process (scripts/lib/bench-gateway.mjs). Figures are noisy on a shared
// machine: the load average is printed with them.
import { createServer, connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gitOk } from './lib/bench-git.mjs';
import { spawnGatewayChild } from './lib/gateway-child.mjs';
import { BENCH_REPO_OPTIONS, bareCopy, cachedBenchRepo } from './lib/bench-repo-cache.mjs';
import { median, table } from './lib/bench-report.mjs';
import { benchArgs, benchSession, integerOption } from './lib/bench-session.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const usage = `node scripts/bench-replicas.mjs [--clones N] [--runs N] [--repo-source PATH] [--objects N] [--keep] [--json]
  --clones N         concurrent --depth 1 clones per configuration (default 40)
  --runs N           warm full clones per backend (default 3)
  --repo-source PATH a local repository to serve (default: the generated bench repository, --objects)`;
const { values: opt } = benchArgs(usage, {
  ...BENCH_REPO_OPTIONS,
  clones: { type: 'string', default: '40' },
  runs: { type: 'string', default: '3' },
  'repo-source': { type: 'string' },
});
const say = (s) => process.stderr.write(`${s}\n`);
const session = benchSession({ prefix: 'gitgate-bench-replicas-', keep: opt.keep, say });
const { work } = session;
const REPO = 'bench/repo';

/** A round-robin TCP balancer on loopback over `targets` (host:port); resolves with its port and close(). */
function startBalancer(targets) {
  let next = 0;
  const server = createServer((client) => {
    const [host, port] = targets[next++ % targets.length].split(':');
    const upstream = connect(Number(port), host);
    client.pipe(upstream).pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end);
    upstream.on('error', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => new Promise((r) => server.close(r)) })));
}

/** Starts a gateway child; resolves with { child, url, hostPort }. */
async function gateway(name, { database, keys, upstream }) {
  const child = spawnGatewayChild();
  session.atEnd(() => child.exit?.() ?? child.kill?.());
  const dataDir = join(work, `data-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const url = await child.start({
    port: 0, dataDir, auth: { mode: 'none' }, repos: [{ name: REPO, upstream: { url: upstream } }],
    ...(database ? { database: { url: database }, masterKeyHex: keys.master, auditKeyHex: keys.audit } : {}),
  });
  return { child, url, hostPort: new URL(url).host };
}

async function clone(url, extra = []) {
  const dir = join(work, 'clones', Math.random().toString(36).slice(2, 10));
  mkdirSync(dirname(dir), { recursive: true });
  const r = await gitOk(['-c', 'protocol.version=2', 'clone', '--bare', '-q', ...extra, url, dir]);
  rmSync(dir, { recursive: true, force: true });
  return r.ms;
}

async function warmClones(url, runs) {
  await clone(`${url}/${REPO}.git`); // the first clone syncs
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await clone(`${url}/${REPO}.git`));
  return times;
}

/** `n` concurrent --depth 1 clones through the balancer; resolves with the wall time in ms. */
async function burst(port, n) {
  const t0 = Date.now();
  await Promise.all(Array.from({ length: n }, () => clone(`http://127.0.0.1:${port}/${REPO}.git`, ['--depth', '1'])));
  return Date.now() - t0;
}

/** Waits (up to 3 min) until no `git repack` runs on this machine: a replica's background repack after its first sync. */
async function repacksDone() {
  const deadline = Date.now() + 180_000;
  const running = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((p) => {
    try { return /^git\0repack\0/.test(readFileSync(`/proc/${p}/cmdline`, 'latin1')); } catch { return false; }
  });
  while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
}

async function refs(url) {
  return (await gitOk(['ls-remote', `${url}/${REPO}.git`])).stdout;
}

await session.run(async () => {
  const clones = integerOption(opt.clones, '--clones', 1);
  const runs = integerOption(opt.runs, '--runs', 1);
  const testkit = await import(pathToFileURL(join(ROOT, 'packages', 'testkit', 'dist', 'src', 'index.js')).href);
  const pg = await testkit.startPostgres();
  session.atEnd(() => pg.stop());
  const source = opt['repo-source'] ?? (await cachedBenchRepo({ objects: integerOption(opt.objects, '--objects', 100), seed: opt.seed, say })).gitDir;
  const upstream = await bareCopy(source, join(work, 'upstream.git'));
  const keys = { master: randomBytes(32).toString('hex'), audit: randomBytes(32).toString('hex') };
  const load0 = loadavg().map((x) => x.toFixed(2)).join(' / ');

  say('warm clones: SQLite gateway');
  const sqlite = await gateway('sqlite', { upstream });
  const sqliteWarm = await warmClones(sqlite.url, runs);
  say('warm clones: PostgreSQL gateway');
  const database = pg.createDatabase();
  const a = await gateway('a', { database, keys, upstream });
  const pgWarm = await warmClones(a.url, runs);
  await sqlite.child.stop();

  say('second replica: its own data dir, the same database');
  const b = await gateway('b', { database, keys, upstream });
  await clone(`${b.url}/${REPO}.git`, ['--depth', '1']); // B syncs its own store once
  const same = (await refs(a.url)) === (await refs(b.url));
  await repacksDone();
  const one = await startBalancer([a.hostPort]);
  const two = await startBalancer([a.hostPort, b.hostPort]);
  const oneTimes = [];
  const twoTimes = [];
  for (let round = 1; round <= runs; round++) {
    say(`round ${round}: ${clones} concurrent --depth 1 clones, one gateway, then two replicas, behind the balancer`);
    oneTimes.push(await burst(one.port, clones));
    twoTimes.push(await burst(two.port, clones));
  }
  await one.close();
  await two.close();
  const oneMs = median(oneTimes);
  const twoMs = median(twoTimes);

  const load1 = loadavg().map((x) => x.toFixed(2)).join(' / ');
  const result = {
    cores: cpus().length, loadBefore: load0, loadAfter: load1, clones, runs,
    warm: { sqliteMs: median(sqliteWarm), postgresMs: median(pgWarm), ratio: median(pgWarm) / median(sqliteWarm) },
    burst: { oneMs, twoMs, oneTimes, twoTimes, throughputRatio: oneMs / twoMs }, sameRefsAndIds: same,
  };
  if (opt.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    process.stdout.write(table(['figure', 'value', 'against', 'ratio'], [
      [`warm full clone, median of ${runs}`, `PostgreSQL ${(result.warm.postgresMs / 1000).toFixed(2)} s`, `SQLite ${(result.warm.sqliteMs / 1000).toFixed(2)} s`, `${result.warm.ratio.toFixed(2)}×`],
      [`${clones} concurrent --depth 1 clones, median of ${runs} alternating rounds`, `two replicas ${(twoMs / 1000).toFixed(2)} s`, `one gateway ${(oneMs / 1000).toFixed(2)} s`, `${result.burst.throughputRatio.toFixed(2)}× throughput`],
      ['both replicas advertise the same refs and ids', same ? 'yes' : 'NO', '', ''],
    ]) + '\n');
    process.stdout.write(`${result.cores} cores; load average ${load0} before, ${load1} after\n`);
  }
  if (!same) process.exitCode = 1;
});
