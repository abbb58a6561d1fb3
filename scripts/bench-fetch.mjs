#!/usr/bin/env node
// The 1-commit incremental fetch alone (issue 14): one upstream served through gitgate (a child process,
// coalescing off) and through stock `git http-backend`; after one untimed clone of each, `--runs` times:
// upstream gets one commit, then a timed `git fetch` of heads and tags on each side (alternating which
// goes first), checked to move by exactly that commit. Prints the medians, their ratio, the gateway's
// sync of each fetch by phase (its `sync phase` debug lines) and the load average.
//
//   node scripts/bench-fetch.mjs [<repo-path> | --repo git|<repo-path>] [--repo-source URL|PATH]
//                                [--objects 50000] [--seed bench] [--runs 5] [--warmup 10] [--state DIR]
//                                [--json] [--keep] [--cpu-prof]
//
// `--state DIR` keeps the served copy, the gateway's data directory and both clones in DIR: a later run
// with the same DIR skips the first sync and the clones (git/git's first sync takes minutes).
// `--cpu-prof` profiles the gateway process (node --cpu-prof) and prints where its CPU time went.
// `--warmup N` (default 10) untimed rounds (one upstream commit, both fetches) come before the timed ones.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gitOk, gitText } from './lib/bench-git.mjs';
import { startHttpBackend } from './lib/http-backend-server.mjs';
import { spawnGatewayChild } from './lib/gateway-child.mjs';
import { BENCH_REPO_OPTIONS, GIT_GIT_SOURCE, bareCopy, cachedBenchRepo, cachedGitRepo } from './lib/bench-repo-cache.mjs';
import { median, table } from './lib/bench-report.mjs';
import { benchArgs, benchSession, integerOption } from './lib/bench-session.mjs';
import { advanceByCommitTree, timedFetch } from './lib/bench-advance.mjs';
import { summariseCpuProfile } from './lib/cpu-profile.mjs';

const USAGE = 'usage: node scripts/bench-fetch.mjs [<repo-path> | --repo git|<repo-path>] [--repo-source URL|PATH] [--objects N] [--seed TEXT] [--runs N] [--warmup N] [--state DIR] [--keep] [--json] [--cpu-prof]';
const { values: opt, positionals } = benchArgs(USAGE, {
  ...BENCH_REPO_OPTIONS,
  runs: { type: 'string', default: '5' },
  warmup: { type: 'string', default: '10' },
  repo: { type: 'string' },
  'repo-source': { type: 'string' },
  state: { type: 'string' },
  'cpu-prof': { type: 'boolean', default: false },
}, { allowPositionals: true });
const runs = integerOption(opt.runs, '--runs', 1);
const warmup = integerOption(opt.warmup, '--warmup', 0);
const repoArg = opt.repo ?? positionals[0];
const say = (msg) => process.stderr.write(`bench-fetch: ${msg}\n`);
const { work, atEnd, run } = benchSession({ prefix: 'gitgate-bench-fetch-', keep: opt.keep, say });
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The upstream to copy and how to add one commit to the copy. */
async function source() {
  if (repoArg) {
    const given = repoArg === 'git'
      ? (await cachedGitRepo({ source: opt['repo-source'] ?? process.env.GITGATE_BENCH_GIT_SOURCE ?? GIT_GIT_SOURCE, say })).gitDir
      : resolve(repoArg);
    return { gitDir: await gitText(['-C', given, 'rev-parse', '--absolute-git-dir']), advance: advanceByCommitTree };
  }
  const bench = await cachedBenchRepo({ objects: integerOption(opt.objects, '--objects', 100), seed: opt.seed, say });
  const { advanceBenchRepo } = await import('../fixtures/bench-repo.mjs');
  return { gitDir: bench.gitDir, advance: async (dir) => ({ ...(await advanceBenchRepo(dir)), branch: 'refs/heads/main' }) };
}

/** Served copy, gateway data dir and both clones under `dir`; made (first sync and clones) unless there already. */
async function prepare(dir, src, gwUrl, hbUrl) {
  const paths = { upstream: join(dir, 'serve', 'repo.git'), gw: join(dir, 'clone-gitgate.git'), hb: join(dir, 'clone-http-backend.git') };
  if (existsSync(join(dir, 'ready'))) {
    say(`reusing ${dir}`);
    return paths;
  }
  await bareCopy(src.gitDir, paths.upstream);
  let t = Date.now();
  await gitOk(['-c', 'protocol.version=2', 'clone', '--bare', '-q', gwUrl, paths.gw]);
  say(`gitgate first clone (with its first sync) ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  await gitOk(['-c', 'protocol.version=2', 'clone', '--bare', '-q', hbUrl, paths.hb]);
  say(`http-backend first clone ${((Date.now() - t) / 1000).toFixed(1)} s`);
  writeFileSync(join(dir, 'ready'), '');
  return paths;
}

async function main() {
  const src = await source();
  const dir = opt.state ? resolve(opt.state) : join(work, 'state');
  mkdirSync(join(dir, 'serve'), { recursive: true });
  const hb = await startHttpBackend({ projectRoot: join(dir, 'serve') });
  atEnd(() => hb.close());
  const profDir = opt['cpu-prof'] ? join(work, 'profile') : undefined;
  const child = spawnGatewayChild({ cpuProfDir: profDir });
  atEnd(() => child.kill());
  const base = await child.start({ port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, repos: [{ name: 'repo', upstream: { url: join(dir, 'serve', 'repo.git') } }] });
  const paths = await prepare(dir, src, `${base}/repo.git`, `${hb.url}/repo.git`);
  // Whatever the clones' remotes were, they now point at this run's servers.
  await gitOk(['--git-dir', paths.gw, 'remote', 'set-url', 'origin', `${base}/repo.git`]);
  await gitOk(['--git-dir', paths.hb, 'remote', 'set-url', 'origin', `${hb.url}/repo.git`]);
  // One up-to-date fetch each first: the gateway's restart sync and both sides' caches are then warm.
  await timedFetch(paths.gw);
  await timedFetch(paths.hb);
  // Untimed rounds of the same work: a gateway serves for days, and a fresh node process runs its first
  // requests unoptimized (express: ~95 ms a fetch for the first 15, ~78 ms after; git forks anew each time).
  for (let i = 0; i < warmup; i++) {
    await src.advance(paths.upstream, `warmup-${Date.now()}-${i}`);
    await timedFetch(paths.gw);
    await timedFetch(paths.hb);
  }
  const loadBefore = load();
  const res = { gitgate: [], httpBackend: [], phases: [], syncs: [], requests: [] };
  for (let i = 0; i < runs; i++) {
    const { branch } = await src.advance(paths.upstream, `${Date.now()}-${i}`);
    const before = await gitText(['--git-dir', paths.gw, 'rev-parse', branch]);
    const t0 = Date.now();
    const sides = [['gitgate', paths.gw], ['httpBackend', paths.hb]];
    for (const [name, clone] of i % 2 === 0 ? sides : sides.reverse()) res[name].push(await timedFetch(clone));
    const phases = child.logs.filter((l) => l.t >= t0 && l.msg === 'sync phase').map((l) => l.meta);
    res.phases.push(Object.fromEntries(phases.map((p) => [p.phase, p.ms])));
    // Each git request's time inside the gateway ('git request': from its arrival to its last byte).
    res.requests.push(Object.fromEntries(child.logs.filter((l) => l.t >= t0 && l.msg === 'git request').map((l) => [l.meta.endpoint, l.meta.ms])));
    res.syncs.push(child.logs.filter((l) => l.t >= t0 && l.msg === 'sync finished').map((l) => l.meta).pop() ?? null);
    if ((await gitText(['--git-dir', paths.gw, 'rev-parse', `${branch}^`])) !== before) throw new Error('gitgate clone did not receive exactly one new commit');
    if ((await gitText(['--git-dir', paths.hb, 'rev-parse', branch])) !== (await gitText(['--git-dir', paths.upstream, 'rev-parse', branch]))) throw new Error('http-backend clone did not receive the new commit');
  }
  await child.exit();
  if (profDir) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) res.cpuProfile = { file: join(profDir, file), ...summariseCpuProfile(join(profDir, file), { top: 40 }) };
  }
  res.load = { before: loadBefore, after: load() };
  res.warmup = warmup;
  if (opt.json) {
    process.stdout.write(JSON.stringify(res, null, 2) + '\n');
    return;
  }
  const g = median(res.gitgate);
  const h = median(res.httpBackend);
  process.stdout.write([
    `1-commit fetch, median of ${runs}: gitgate ${(g / 1000).toFixed(3)} s, http-backend ${(h / 1000).toFixed(3)} s, ${(g / h).toFixed(2)}×`,
    `runs (ms): gitgate ${res.gitgate.map(Math.round).join(', ')}; http-backend ${res.httpBackend.map(Math.round).join(', ')}`,
    `syncs: ${res.syncs.map((s) => (s ? `${s.objects} objects in ${s.ms} ms` : 'none')).join('; ')}`,
    `untimed warm-up rounds before these: ${warmup}`,
    `load average before ${res.load.before}, after ${res.load.after}`,
    '',
    table(['phase', 'median ms', 'runs (ms)'], medianRows(res.phases)),
    '',
    table(['gitgate request', 'median ms', 'runs (ms)'], medianRows(res.requests)),
    '',
    ...(res.cpuProfile ? profileLines(res.cpuProfile) : []),
  ].join('\n'));
}

/** The gateway's CPU profile (whole process life, start and first sync included): totals and the top functions. */
function profileLines(c) {
  return [
    `gateway CPU profile ${c.file}: ${Math.round(c.totalMs - c.idleMs)} ms busy of ${Math.round(c.totalMs)} ms`,
    table(['self ms', 'function', 'where'], c.top.slice(0, 15).map((t) => [Math.round(t.selfMs), t.name, t.where])),
    '',
  ];
}

/** One table row per name in `runs` (one object of name → ms per run): its median and every run. */
function medianRows(runs) {
  return [...new Set(runs.flatMap((r) => Object.keys(r)))].map((n) => {
    const xs = runs.map((r) => r[n]).filter((x) => x !== undefined);
    return [n, median(xs), xs.join(', ')];
  });
}

await run(main);
