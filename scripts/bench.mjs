#!/usr/bin/env node
// `npm run bench`: serves one upstream repository two ways in the same run — through gitgate (in a
// child process, so its memory is measured alone) and through stock `git http-backend` — and times the
// real git client against both: cold first clone, warm clone, 1-commit incremental fetch, --depth 1
// clone; plus `git filter-repo --replace-text` on a fresh mirror (the cold-clone target) and the
// gateway's peak RSS on this repository and on the small demo repository.
//
//   node scripts/bench.mjs [<repo-path> | --repo git|<repo-path>] [--repo-source URL|PATH]
//                          [--objects 50000] [--seed bench] [--runs 3] [--keep] [--json] [--cpu-prof] [--no-small]
//
// Without a repository the 50k-object bench repository is generated once by fixtures/bench-repo.mjs and
// cached under .bench/ (git-ignored), keyed by seed and object count. `--repo git` clones the heads and
// tags of git/git once into .bench/git-git/ from --repo-source, else $GITGATE_BENCH_GIT_SOURCE, else
// GitHub. The cold sync is also reported per stage (objects per second, cores kept busy) with the cold
// clone's time to first byte, and the client's own `index-pack` of the clone (the part of any first clone
// no server can shorten). See docs/benchmarks.md.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git, gitOk, gitText, reachableObjects, hasFilterRepo, packetTimes } from './lib/bench-git.mjs';
import { startHttpBackend } from './lib/http-backend-server.mjs';
import { spawnGatewayChild } from './lib/gateway-child.mjs';
import { sampleTree, memoryOf, cpuOf, cpuBetween } from './lib/proc-sampler.mjs';
import { summariseCpuProfile } from './lib/cpu-profile.mjs';
import { canTraceGit, gitTraceShim } from './lib/git-trace-shim.mjs';
import { BENCH_REPO_OPTIONS, GIT_GIT_SOURCE, bareCopy, cachedBenchRepo, cachedGitRepo } from './lib/bench-repo-cache.mjs';
import { median, table } from './lib/bench-report.mjs';
import { advanceByCommitTree, timedFetch } from './lib/bench-advance.mjs';
import { benchArgs, benchSession, integerOption } from './lib/bench-session.mjs';
import { measureScanWorkers, printScanWorkers } from './lib/bench-scan-workers.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const USAGE = `usage: node scripts/bench.mjs [<repo-path> | --repo git|<repo-path>] [--repo-source URL|PATH] [--objects N] [--seed TEXT] [--runs N] [--keep] [--json] [--cpu-prof] [--trace-git] [--no-small] [--medium N] [--concurrent N] [--scan-workers 1,2,4 [--sync-only]]`;

// Targets of the product (docs/benchmarks.md): warm clone within 10% of stock git, cold clone no
// slower than a filter-repo rewrite, and gateway memory that does not grow with repository size.
const TARGET = { warm: 1.1, cold: 1.0, rss: 1.25, audit: 1.05 };

const { values: opt, positionals } = benchArgs(USAGE, {
  ...BENCH_REPO_OPTIONS,
  runs: { type: 'string', default: '3' },
  repo: { type: 'string' },
  'repo-source': { type: 'string' },
  'cpu-prof': { type: 'boolean', default: false },
  'no-small': { type: 'boolean', default: false },
  medium: { type: 'string' },
  'trace-git': { type: 'boolean', default: false },
  'scan-workers': { type: 'string' },
  'sync-only': { type: 'boolean', default: false },
  concurrent: { type: 'string', default: '20' },
}, { allowPositionals: true });
const objectsWanted = integerOption(opt.objects, '--objects', 100);
const runs = integerOption(opt.runs, '--runs', 1);
// Concurrent `--depth 1` clones per side in the throughput figure (0 skips it).
const concurrent = integerOption(opt.concurrent, '--concurrent', 0);
// The repository to measure: `git` (git/git, cloned once), a path, or none (the generated one).
const repoArg = opt.repo ?? positionals[0];
if (opt.repo !== undefined && positionals[0] !== undefined) throw new TypeError('give the repository either as <repo-path> or with --repo, not both');
// A second generated repository, a fifth of the size by default: memory measured at two sizes tells
// growth with size apart from the fixed cost any gateway that streams packs pays (0: skip).
const mediumObjects = opt.medium === undefined ? Math.floor(objectsWanted / 5) : Number(opt.medium);
if (!Number.isInteger(mediumObjects) || (mediumObjects !== 0 && mediumObjects < 100)) throw new TypeError('--medium must be 0 or an integer >= 100');

/** Progress for humans; stderr, so that --json keeps stdout machine-readable. */
const say = (msg) => process.stderr.write(`bench: ${msg}\n`);

// Everything to undo at the end, on success, failure or Ctrl-C.
const { work, atEnd, run } = benchSession({ prefix: 'gitgate-bench-', keep: opt.keep, say });
const children = new Set();
let httpBackend = null;
atEnd(() => httpBackend?.close());
atEnd(() => {
  for (const c of children) c.kill();
});

/**
 * Clones with protocol v2 into a new temp dir; returns { ms, dir }. With `firstBytes`, the client's
 * packets are traced (GIT_TRACE_PACKET) and { firstRefMs, fetchAnswerMs, firstPackByteMs } is added.
 */
async function timedClone(url, label, extra = [], { firstBytes = false } = {}) {
  const dir = join(work, 'clones', `${label}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dirname(dir), { recursive: true });
  const traceFile = `${dir}.packet-trace`;
  const startedAt = Date.now();
  const r = await gitOk(['-c', 'protocol.version=2', 'clone', '--bare', '-q', ...extra, url, dir], firstBytes ? { env: { GIT_TRACE_PACKET: traceFile } } : undefined);
  return { ms: r.ms, dir, ...(firstBytes ? { firstBytes: packetTimes(traceFile, startedAt) } : {}) };
}

/**
 * `concurrent` `--depth 1` clones started together against one side, then against the other (gitgate
 * first, then http-backend): the wall time until the last one ends, and clones per second. Every clone
 * must succeed and hold the same tip as the first.
 */
async function concurrentClones(gwUrl, hbUrl, label) {
  const side = async (url, tag) => {
    const t = process.hrtime.bigint();
    const clones = await Promise.all(Array.from({ length: concurrent }, (_, i) => timedClone(url, `${label}-${tag}-conc${i}`, ['--depth', '1'])));
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const tips = new Set(await Promise.all(clones.map((c) => gitText(['--git-dir', c.dir, 'rev-parse', 'HEAD']))));
    for (const c of clones) rmSync(c.dir, { recursive: true, force: true });
    if (tips.size !== 1) throw new Error(`[${label}] ${concurrent} concurrent clones from ${tag} disagree on HEAD`);
    return { ms, perSecond: (concurrent * 1000) / ms, slowestMs: Math.max(...clones.map((c) => c.ms)) };
  };
  const gitgate = await side(gwUrl, 'gw');
  const httpBackend = await side(hbUrl, 'hb');
  say(`[${label}] ${concurrent} concurrent --depth 1 clones: gitgate ${(gitgate.ms / 1000).toFixed(2)} s, http-backend ${(httpBackend.ms / 1000).toFixed(2)} s`);
  return { clones: concurrent, gitgate, httpBackend };
}

/** A bare copy of a repository in the served project root, so that advancing it never touches the original. */
async function servedCopy(source, name) {
  return bareCopy(source, join(work, 'serve', `${name}.git`));
}

/** The gitgate log lines of one kind logged after time `since` (ms epoch). */
const logsSince = (child, msg, since) => child.logs.filter((l) => l.msg === msg && l.t >= since);

/**
 * Runs every measurement for one repository against both servers. `secrets` (strings) feed
 * filter-repo's replacement file when `filterRepo` is set. Returns a result record.
 */
async function measureRepo({ label, upstream, httpUrl, advance, secrets, filterRepo }) {
  const repoName = `bench/${label}`;
  const dataDir = join(work, `data-${label}`);
  const profDir = opt['cpu-prof'] ? join(ROOT, '.bench', 'profiles', `${new Date().toISOString().replace(/[:.]/g, '-')}-${label}`) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const gwOpts = (coalesceMs) => ({
    port: 0, dataDir, auth: { mode: 'none' }, repos: [{ name: repoName, upstream: { url: upstream } }],
    ...(coalesceMs === undefined ? {} : { coalesceMs }),
  });
  const trace = opt['trace-git'] && canTraceGit() ? gitTraceShim(join(work, `trace-${label}`)) : null;
  const child = spawnGatewayChild({ cpuProfDir: profDir, env: trace?.env });
  children.add(child);
  const sampler = sampleTree(child.pid);
  const result = { label, objects: await reachableObjects(upstream) };
  say(`[${label}] ${result.objects} reachable objects`);
  // Per-phase peaks of the gateway process: VmHWM is reset at each phase start (it then starts from the
  // RSS left by the previous phase, reported as rssAtStartKb) and read at its end.
  const phases = {};
  let current = null;
  let hwmResets = true;
  const endPhase = () => {
    if (current) {
      const c = cpuOf(child.pid);
      Object.assign(phases[current], {
        hwmKb: child.hwmKb(),
        nodeCpuMs: c ? c.selfMs - phases[current].cpu0.selfMs : null,
        gitCpuMs: c ? c.childrenMs - phases[current].cpu0.childrenMs : null,
      });
      delete phases[current].cpu0;
      if (trace) {
        const spawned = trace.read(phases[current].traceFrom);
        phases[current].git = groupTraced(spawned);
        phases[current].gitMaxRssKb = Math.max(0, ...spawned.map((x) => x.maxRssKb));
      }
      delete phases[current].traceFrom;
    }
    current = null;
  };
  const beginPhase = (name) => {
    endPhase();
    hwmResets = child.resetHwm() && hwmResets;
    phases[name] = { rssAtStartKb: memoryOf(child.pid)?.rssKb ?? null, hwmKb: null, cpu0: cpuOf(child.pid) ?? { selfMs: 0, childrenMs: 0 }, traceFrom: trace?.lines() ?? 0 };
    sampler.mark(name);
    current = name;
  };

  // Cold: a fresh data directory, so the clone waits for the whole sync (fetch, rewrite, pack, repack).
  let base = await child.start(gwOpts(0));
  const startupHwmKb = child.hwmKb();
  beginPhase('cold');
  let t0 = Date.now();
  result.coldStartT = t0;
  const gCold = await timedClone(`${base}/${repoName}.git`, `${label}-gw-cold`, [], { firstBytes: true });
  const coldEnd = Date.now();
  result.coldSync = await child.lastSync(repoName);
  result.coldLogs = child.logs.filter((l) => l.t >= t0 && ['upstream fetched', 'sync started', 'sync finished'].includes(l.msg));
  const coldStages = child.logs.filter((l) => l.t >= t0 && l.t <= coldEnd && l.msg === 'sync phase').map((l) => ({ phase: l.meta.phase, objects: l.meta.objects, ms: l.meta.ms, endT: l.t }));
  say(`[${label}] gitgate cold clone ${(gCold.ms / 1000).toFixed(2)} s (sync ${result.coldSync?.ms} ms)`);
  const hCold = await timedClone(`${httpUrl}/${label}.git`, `${label}-hb-cold`, [], { firstBytes: true });
  say(`[${label}] http-backend first clone ${(hCold.ms / 1000).toFixed(2)} s`);
  result.cold = { gitgate: gCold.ms, httpBackend: hCold.ms };
  result.coldFirstBytes = { gitgate: gCold.firstBytes, httpBackend: hCold.firstBytes };
  result.cloneObjects = { gitgate: await reachableObjects(gCold.dir), httpBackend: await reachableObjects(hCold.dir) };
  await child.stop();
  if (filterRepo) result.clientIndexMs = await timeClientIndex(hCold.dir, label);

  // Warm: a restarted gateway with the default coalescing window, on the store synced above. One
  // ls-remote first does the restart's up-to-date sync, as any earlier client would have.
  beginPhase('warm');
  base = await child.start(gwOpts(undefined));
  let gwUrl = `${base}/${repoName}.git`;
  await gitOk(['-c', 'protocol.version=2', 'ls-remote', gwUrl]);
  const warm = { gitgate: [], httpBackend: [], syncsDuring: [] };
  for (let i = 0; i < runs; i++) {
    t0 = Date.now();
    const g = await timedClone(gwUrl, `${label}-gw-warm`);
    warm.syncsDuring.push(logsSince(child, 'sync finished', t0).length);
    const h = await timedClone(`${httpUrl}/${label}.git`, `${label}-hb-warm`);
    warm.gitgate.push(g.ms);
    warm.httpBackend.push(h.ms);
    rmSync(g.dir, { recursive: true, force: true });
    rmSync(h.dir, { recursive: true, force: true });
  }
  result.warm = warm;
  say(`[${label}] warm clone median gitgate ${(median(warm.gitgate) / 1000).toFixed(2)} s, http-backend ${(median(warm.httpBackend) / 1000).toFixed(2)} s`);

  // The audit's cost: the same warm clones with auditing off, then on again, alternating gateways.
  const auditCost = { on: [], off: [] };
  for (let i = 0; i < runs; i++) {
    for (const enabled of [false, true]) {
      await child.stop();
      base = await child.start({ ...gwOpts(undefined), auditEnabled: enabled });
      await gitOk(['-c', 'protocol.version=2', 'ls-remote', `${base}/${repoName}.git`]);
      const g = await timedClone(`${base}/${repoName}.git`, `${label}-gw-audit-${enabled ? 'on' : 'off'}`);
      (enabled ? auditCost.on : auditCost.off).push(g.ms);
      rmSync(g.dir, { recursive: true, force: true });
    }
  }
  result.auditCost = auditCost;
  gwUrl = `${base}/${repoName}.git`;
  say(`[${label}] warm clone with audit on ${(median(auditCost.on) / 1000).toFixed(2)} s, off ${(median(auditCost.off) / 1000).toFixed(2)} s`);

  beginPhase('depth1');
  const depth1 = { gitgate: [], httpBackend: [] };
  for (let i = 0; i < runs; i++) {
    const g = await timedClone(gwUrl, `${label}-gw-depth1`, ['--depth', '1']);
    const h = await timedClone(`${httpUrl}/${label}.git`, `${label}-hb-depth1`, ['--depth', '1']);
    depth1.gitgate.push(g.ms);
    depth1.httpBackend.push(h.ms);
    rmSync(g.dir, { recursive: true, force: true });
    rmSync(h.dir, { recursive: true, force: true });
  }
  result.depth1 = depth1;
  say(`[${label}] --depth 1 clone median gitgate ${(median(depth1.gitgate) / 1000).toFixed(2)} s, http-backend ${(median(depth1.httpBackend) / 1000).toFixed(2)} s`);
  if (concurrent > 0) {
    beginPhase('concurrent');
    result.concurrent = await concurrentClones(gwUrl, `${httpUrl}/${label}.git`, label);
  }
  await child.stop();

  // Incremental: coalescing off, so each fetch syncs the one new commit; clients are the cold clones.
  beginPhase('incremental');
  base = await child.start(gwOpts(0));
  const incUrl = `${base}/${repoName}.git`;
  await gitOk(['--git-dir', gCold.dir, 'remote', 'set-url', 'origin', incUrl]);
  const inc = { gitgate: [], httpBackend: [], syncs: [] };
  for (let i = 0; i < runs; i++) {
    const { branch } = await advance(i);
    const upTip = await gitText(['--git-dir', upstream, 'rev-parse', branch]);
    const gBefore = await gitText(['--git-dir', gCold.dir, 'rev-parse', branch]);
    inc.gitgate.push(await timedFetch(gCold.dir));
    inc.syncs.push(await child.lastSync(repoName));
    inc.httpBackend.push(await timedFetch(hCold.dir));
    // Sanity: both clients moved by exactly the one new commit.
    const hTip = await gitText(['--git-dir', hCold.dir, 'rev-parse', branch]);
    const gParent = await gitText(['--git-dir', gCold.dir, 'rev-parse', `${branch}^`]);
    if (hTip !== upTip) throw new Error(`[${label}] http-backend clone did not receive the new commit`);
    if (gParent !== gBefore) throw new Error(`[${label}] gitgate clone did not receive exactly one new commit on ${branch}`);
  }
  result.incremental = inc;
  say(`[${label}] 1-commit fetch median gitgate ${(median(inc.gitgate) / 1000).toFixed(2)} s, http-backend ${(median(inc.httpBackend) / 1000).toFixed(2)} s`);
  await child.stop();

  endPhase();
  // With resets, the whole-run peak is the largest phase peak (a phase starts at the RSS the last one left).
  const overall = hwmResets ? Math.max(startupHwmKb ?? 0, ...Object.values(phases).map((p) => p.hwmKb ?? 0)) : child.hwmKb();
  result.rss = { nodeHwmKb: overall, startupHwmKb, phases, perPhase: hwmResets };
  await child.exit();
  children.delete(child);

  // Memory of serving alone: a restarted gateway (its own up-to-date sync, then one clone) has no
  // first-sync high-water mark in its history.
  const fresh = spawnGatewayChild({ env: trace?.env });
  children.add(fresh);
  try {
    const b = await fresh.start(gwOpts(undefined));
    await gitOk(['-c', 'protocol.version=2', 'ls-remote', `${b}/${repoName}.git`]);
    const c = await timedClone(`${b}/${repoName}.git`, `${label}-gw-restarted`);
    rmSync(c.dir, { recursive: true, force: true });
    result.rss.restartedServeHwmKb = fresh.hwmKb();
  } finally {
    await fresh.exit();
    children.delete(fresh);
  }
  const samples = sampler.stop();
  // Cores kept busy per stage: the CPU the gateway's process tree used in the stage over its wall time.
  result.coldStages = coldStages.map((s) => {
    const cpuMs = cpuBetween(samples.cpu, s.endT - s.ms, s.endT);
    return { ...s, cpuMs, cores: cpuMs === null || s.ms === 0 ? null : cpuMs / s.ms, perSecond: s.objects === null || s.ms === 0 ? null : (s.objects * 1000) / s.ms };
  });
  const allDesc = samples.phases.flatMap((p) => p.descendants);
  result.rss.gitChildMaxHwmKb = Math.max(0, ...allDesc.map((d) => d.hwmKb));
  result.rss.gitChildMaxCmd = allDesc.find((d) => d.hwmKb === result.rss.gitChildMaxHwmKb)?.cmd ?? null;
  if (trace) {
    // Exact (getrusage) beats sampled: use the traced peak when there is one.
    const spawned = trace.read(0);
    const top = spawned.reduce((a, b) => (b.maxRssKb > (a?.maxRssKb ?? -1) ? b : a), null);
    result.rss.gitChildMaxHwmKb = top?.maxRssKb ?? 0;
    result.rss.gitChildMaxCmd = top?.cmd ?? null;
    result.rss.gitChildExact = true;
  }
  result.rss.peakTreeKb = Math.max(0, ...samples.phases.map((p) => p.peakTreeKb));
  result.rss.peakChildrenKb = Math.max(0, ...samples.phases.map((p) => p.peakChildrenKb));
  const coldPhase = samples.phases.find((p) => p.label === 'cold');
  // The --trace-git wrappers (sh, time) are not git's work; a blank command line is a process gone before it was read.
  const isWrapper = (cmd) => !cmd || cmd.startsWith('/usr/bin/time ') || (trace !== null && cmd.startsWith('/bin/sh ') && cmd.includes('/trace-'));
  result.coldProcesses = coldPhase.descendants.filter((d) => !isWrapper(d.cmd))
    .map((d) => ({ cmd: d.cmd, startMs: Math.round(d.startMs - coldPhase.startMs), ms: Math.round(d.endMs - d.startMs), hwmKb: d.hwmKb }));
  result.gitByPhase = Object.fromEntries(samples.phases.filter((p) => p.label !== 'start').map((p) => [p.label, groupBySubcommand(p.descendants.filter((d) => !isWrapper(d.cmd)))]));
  if (profDir) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) result.cpuProfile = { file: join(profDir, file), ...summariseCpuProfile(join(profDir, file)) };
  }
  for (const d of [gCold.dir, hCold.dir]) rmSync(d, { recursive: true, force: true });

  if (filterRepo) result.filterRepo = await runFilterRepo(upstream, secrets, label);
  return result;
}

/** The git subcommand of a sampled command line (`git --git-dir X rev-list …` → rev-list). */
function subcommandOf(cmd) {
  const words = cmd.split(' ');
  const first = words[0].split('/').pop();
  if (first.startsWith('git-')) return first.slice(4);
  if (first === 'sh') return 'sh';
  if (first !== 'git') return first;
  for (let i = 1; i < words.length; i++) {
    if (['--git-dir', '-C', '-c'].includes(words[i])) i++;
    else if (!words[i].startsWith('-')) return words[i];
  }
  return 'git';
}

/** Traced git runs grouped by subcommand: count, summed elapsed time, largest max RSS; longest first. */
function groupTraced(spawned) {
  const groups = new Map();
  for (const x of spawned) {
    const k = subcommandOf(x.cmd);
    const g = groups.get(k) ?? { cmd: k, count: 0, ms: 0, maxRssKb: 0 };
    g.count++;
    g.ms += x.seconds * 1000;
    g.maxRssKb = Math.max(g.maxRssKb, x.maxRssKb);
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => b.ms - a.ms);
}

/** Sampled processes grouped by git subcommand: count and summed lifetime, longest first. */
function groupBySubcommand(descendants) {
  const groups = new Map();
  for (const d of descendants) {
    const k = subcommandOf(d.cmd);
    const g = groups.get(k) ?? { cmd: k, count: 0, ms: 0 };
    g.count++;
    g.ms += Math.max(0, d.endMs - d.startMs);
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => b.ms - a.ms);
}

/**
 * The client's share of any first clone of this history: `git index-pack` (what `git clone` runs on the
 * pack it receives: inflate, hash every object, resolve deltas) over the pack the http-backend clone
 * received, on this machine. A cold first clone through the gateway is its sync plus at least this.
 */
async function timeClientIndex(cloneDir, label) {
  const packDir = join(cloneDir, 'objects', 'pack');
  const packs = readdirSync(packDir).filter((f) => f.endsWith('.pack'));
  if (packs.length !== 1) return null;
  const r = await gitOk(['index-pack', '-o', join(work, `${label}-client-floor.idx`), join(packDir, packs[0])]);
  rmSync(join(work, `${label}-client-floor.idx`), { force: true });
  say(`[${label}] the client's index-pack of that clone ${(r.ms / 1000).toFixed(2)} s`);
  return r.ms;
}

/** Times `git filter-repo --replace-text` on a fresh mirror of `upstream`; null when not installed. */
async function runFilterRepo(upstream, secrets, label) {
  if (!(await hasFilterRepo())) return { skipped: 'install git-filter-repo (apt-get install git-filter-repo)' };
  const dir = join(work, `filter-repo-${label}`);
  mkdirSync(dir, { recursive: true });
  const mirror = join(dir, 'mirror.git');
  const copy = await gitOk(['clone', '--mirror', '-q', upstream, mirror]);
  // --replace-text takes one literal per line; a multi-line value (a PEM block) is listed line by line.
  const literals = new Set();
  for (const s of secrets) for (const line of s.split('\n')) if (line.trim().length >= 8 && !line.startsWith('-----')) literals.add(line.trim());
  const rules = join(dir, 'replacements.txt');
  writeFileSync(rules, [...literals].map((l) => `${l}==>[[REDACTED]]`).join('\n') + '\n', { mode: 0o600 });
  say(`[${label}] git filter-repo --replace-text (${literals.size} literals) on a fresh mirror ...`);
  const r = await gitOk(['filter-repo', '--replace-text', rules, '--force', '--quiet'], { cwd: mirror });
  const left = await reachableObjects(mirror);
  rmSync(dir, { recursive: true, force: true });
  say(`[${label}] filter-repo ${(r.ms / 1000).toFixed(2)} s (mirror copy ${(copy.ms / 1000).toFixed(2)} s)`);
  return { ms: r.ms, mirrorCopyMs: copy.ms, literals: literals.size, objectsAfter: left };
}

// ---- report ----------------------------------------------------------------------------------------

const sec = (ms) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
const mib = (kb) => (kb === null || kb === undefined ? '—' : `${(kb / 1024).toFixed(0)} MiB`);
const ratio = (a, b) => (a && b ? a / b : null);
const fmtRatio = (r) => (r === null ? '—' : `${r.toFixed(2)}×`);

/** The gateway's peak while it only served clones (the warm, depth 1 and concurrent phases). */
const servingHwm = (r) => Math.max(...['warm', 'depth1', 'concurrent'].map((p) => r.rss.phases[p]?.hwmKb ?? 0));

function rows(large, small, medium) {
  const out = [];
  const row = (metric, a, b, peer, fmt, target) => {
    const r = ratio(a, b);
    const verdict = target === undefined || r === null ? '' : r <= target ? 'ok' : 'MISS';
    out.push({ metric, gitgate: fmt(a), peer: `${fmt(b)}${peer ? ` (${peer})` : ''}`, ratio: fmtRatio(r), target: target === undefined ? '—' : `≤ ${target.toFixed(2)}×`, verdict, value: a, peerValue: b, ratioValue: r });
  };
  if (large.filterRepo?.ms) row('cold first clone (incl. sync)', large.cold.gitgate, large.filterRepo.ms, 'filter-repo', sec, TARGET.cold);
  else out.push({ metric: 'cold first clone vs filter-repo', gitgate: sec(large.cold.gitgate), peer: `skipped: ${large.filterRepo?.skipped ?? 'not run'}`, ratio: '—', target: `≤ ${TARGET.cold.toFixed(2)}×`, verdict: '' });
  row('cold first clone', large.cold.gitgate, large.cold.httpBackend, 'http-backend', sec);
  row(`warm clone (median of ${runs})`, median(large.warm.gitgate), median(large.warm.httpBackend), 'http-backend', sec, TARGET.warm);
  if (large.auditCost) row(`warm clone, audit on vs off (median of ${runs})`, median(large.auditCost.on), median(large.auditCost.off), 'audit off', sec, TARGET.audit);
  row(`1-commit fetch (median of ${runs})`, median(large.incremental.gitgate), median(large.incremental.httpBackend), 'http-backend', sec);
  row(`--depth 1 clone (median of ${runs})`, median(large.depth1.gitgate), median(large.depth1.httpBackend), 'http-backend', sec);
  if (large.concurrent) {
    // Throughput: a ratio ≥ 1 means gitgate served as many clones per second or more (the peer's time over ours).
    const c = large.concurrent;
    row(`${c.clones} concurrent --depth 1 clones, wall`, c.gitgate.ms, c.httpBackend.ms, 'http-backend', sec);
    out.push({ metric: `  throughput (clones/s, gitgate over http-backend)`, gitgate: c.gitgate.perSecond.toFixed(2), peer: `${c.httpBackend.perSecond.toFixed(2)} (http-backend)`, ratio: fmtRatio(c.gitgate.perSecond / c.httpBackend.perSecond), target: '≥ 1.00×', verdict: c.gitgate.perSecond >= c.httpBackend.perSecond ? 'ok' : 'MISS', value: c.gitgate.perSecond, peerValue: c.httpBackend.perSecond, ratioValue: c.gitgate.perSecond / c.httpBackend.perSecond });
  }
  // Issue 14's absolute bound on the gateway process (≤ 300 MB), shown with or without a smaller repository to compare.
  const phasePeaks = Object.entries(large.rss.phases).map(([k, v]) => `${k} ${mib(v.hwmKb)}`).join(', ');
  out.push({ metric: 'gateway node VmHWM, whole run', gitgate: mib(large.rss.nodeHwmKb), peer: `per phase: ${phasePeaks}`, ratio: '—', target: '≤ 300 MB', verdict: large.rss.nodeHwmKb * 1024 <= 300e6 ? 'ok' : 'MISS', value: large.rss.nodeHwmKb });
  if (medium) {
    const label = `medium repo, ${medium.objects} objects`;
    row('gateway node VmHWM, large vs medium repo', large.rss.nodeHwmKb, medium.rss.nodeHwmKb, label, mib, TARGET.rss);
    row('  of which cold sync phase', large.rss.phases.cold?.hwmKb, medium.rss.phases.cold?.hwmKb, label, mib);
    row('  of which serving phase (warm, depth 1, concurrent)', servingHwm(large), servingHwm(medium), label, mib);
  }
  if (small) {
    row('gateway node VmHWM, large vs small repo', large.rss.nodeHwmKb, small.rss.nodeHwmKb, 'small repo', mib, TARGET.rss);
    row('  of which cold sync phase', large.rss.phases.cold?.hwmKb, small.rss.phases.cold?.hwmKb, 'small repo', mib);
    row('  of which serving phase (warm, depth 1, concurrent)', servingHwm(large), servingHwm(small), 'small repo', mib);
    row('  of which incremental fetch phase', large.rss.phases.incremental?.hwmKb, small.rss.phases.incremental?.hwmKb, 'small repo', mib);
    row('restarted gateway serving a clone (VmHWM)', large.rss.restartedServeHwmKb, small.rss.restartedServeHwmKb, 'small repo', mib);
    row(`largest git child RSS (${large.rss.gitChildExact ? 'exact' : 'sampled'}), large vs small`, large.rss.gitChildMaxHwmKb, small.rss.gitChildMaxHwmKb, 'small repo', mib);
    row('gateway + git children peak (sampled)', large.rss.peakTreeKb, small.rss.peakTreeKb, 'small repo', mib);
  }
  return out;
}

/**
 * Table rows of the cold sync's stages. The fetch stage has no count of its own: on a cold sync it
 * brings every object the object list then counts, which is the figure shown for it.
 */
function stageRows(stages) {
  const listed = stages.find((s) => s.phase === 'object list')?.objects ?? null;
  const total = { ms: 0, cpuMs: 0 };
  const out = stages.map((s) => {
    const objects = s.objects ?? (s.phase === 'fetch' ? listed : null);
    total.ms += s.ms;
    total.cpuMs += s.cpuMs ?? 0;
    const perSecond = objects === null || s.ms === 0 ? null : (objects * 1000) / s.ms;
    return [s.phase, sec(s.ms), objects === null ? '—' : String(objects), perSecond === null ? '—' : Math.round(perSecond).toLocaleString('en-US'), sec(s.cpuMs), s.cores === null ? '—' : s.cores.toFixed(2)];
  });
  out.push(['whole sync', sec(total.ms), listed === null ? '—' : String(listed), listed === null || total.ms === 0 ? '—' : Math.round((listed * 1000) / total.ms).toLocaleString('en-US'), sec(total.cpuMs), total.ms === 0 ? '—' : (total.cpuMs / total.ms).toFixed(2)]);
  return out;
}

function printReport(res) {
  const { large, small } = res;
  const p = (s = '') => process.stdout.write(s + '\n');
  p(`gitgate benchmark — ${res.machine.cpus} cores (${res.machine.cpuModel}), ${res.machine.memGiB} GiB, node ${res.machine.node}, ${res.machine.git}`);
  p(`load average before: ${res.machine.loadavg.before}; after: ${res.machine.loadavg.after} (other work on the machine makes every figure noisy)`);
  p(`repository: ${res.source}; ${large.objects} reachable objects${res.planted !== null ? `, ${res.planted} planted secrets` : ''}`);
  if (large.coldSync) {
    const s = large.coldSync;
    p(`cold sync report: objects ${s.objects}, rewritten ${s.rewritten}, unchanged ${s.unchanged}, withheld ${s.withheld}, secrets ${s.secrets} (${Object.entries(s.secretsByRule).map(([k, v]) => `${k} ${v}`).join(', ')}), ${s.ms} ms`);
  }
  p(`objects in the clones: gitgate ${large.cloneObjects.gitgate}, http-backend ${large.cloneObjects.httpBackend}`);
  p();
  p(table(['metric', 'gitgate', 'peer', 'ratio', 'target', ''], res.rows.map((r) => [r.metric, r.gitgate, r.peer, r.ratio, r.target, r.verdict])));
  p();
  p('Measured: wall time of the real git client (protocol v2, clone --bare -q) from spawn to exit.');
  p('Gateway RSS: VmHWM of the gateway node process (kernel high-water mark, exact) over all phases, and per phase');
  p(`(VmHWM reset through /proc/<pid>/clear_refs at each phase start${large.rss.perPhase ? '' : ' — NOT supported here, so per-phase figures are cumulative'});`);
  p(`RSS left at the start of each phase (large): ${Object.entries(large.rss.phases).map(([k, v]) => `${k} ${mib(v.rssAtStartKb)}`).join(', ')}.`);
  p(`CPU of the gateway per phase (large; node / its git children, both sides' clients excluded): ${Object.entries(large.rss.phases).map(([k, v]) => `${k} ${sec(v.nodeCpuMs)} / ${sec(v.gitCpuMs)}`).join(', ')}.`);
  p('git children (upload-pack, pack-objects, cat-file, index-pack, repack) are sampled from /proc every 25 ms.');
  p(`Warm clones that ran an up-to-date sync (coalescing window expired): ${large.warm.syncsDuring.join(', ')} of ${runs}.`);
  p(`1-commit fetch syncs (gitgate, coalescing off): ${large.incremental.syncs.map((x) => `${x?.objects} objects in ${x?.ms} ms`).join('; ')}.`);
  if (large.filterRepo?.ms) p(`filter-repo: ${sec(large.filterRepo.ms)} rewrite alone (+ ${sec(large.filterRepo.mirrorCopyMs)} local mirror copy), ${large.filterRepo.literals} literals.`);
  if (large.clientIndexMs) {
    const sync = large.coldSync?.ms;
    p(`cold first clone = sync ${sec(sync)} + the clone after it ${sec(sync === undefined ? null : large.cold.gitgate - sync)}; the client's own index-pack of`);
    p(`this history takes ${sec(large.clientIndexMs)} whatever the server, and the clone after a sync takes at least about that.`);
  }
  p();
  p('cold sync by stage (gateway "sync phase" log lines; CPU: the gateway process tree from /proc every 25 ms,');
  p('its own, its live descendants\' and its reaped ones\'; cores = CPU seconds / wall seconds):');
  p(table(['stage', 'wall', 'objects', 'objects/s', 'CPU', 'cores'], stageRows(large.coldStages)));
  const fb = large.coldFirstBytes;
  const msOr = (x) => (x === null || x === undefined ? '—' : `${(x / 1000).toFixed(2)} s`);
  p('cold clone, time to first byte (client GIT_TRACE_PACKET stamps from git clone\'s spawn: first ref advertised /');
  p('first packet answering the fetch / first pack byte):');
  p(`  gitgate ${msOr(fb.gitgate?.firstRefMs)} / ${msOr(fb.gitgate?.fetchAnswerMs)} / ${msOr(fb.gitgate?.firstPackByteMs)}; http-backend ${msOr(fb.httpBackend?.firstRefMs)} / ${msOr(fb.httpBackend?.fetchAnswerMs)} / ${msOr(fb.httpBackend?.firstPackByteMs)}`);
  p();
  p('cold clone phases (gateway log, ms since the client started cloning):');
  const start = large.coldStartT;
  for (const l of large.coldLogs) p(`  +${String(l.t - start).padStart(6)} ms  ${l.msg} ${JSON.stringify(l.meta ?? {})}`);
  p('git processes the gateway ran during the cold clone (sampled every 25 ms: first seen, lifetime, peak RSS; ≥ 25 ms shown):');
  for (const d of large.coldProcesses.filter((x) => x.ms >= 25)) p(`  @${String(d.startMs).padStart(6)} ms ${String(d.ms).padStart(6)} ms ${mib(d.hwmKb).padStart(8)}  ${d.cmd}`);
  if (large.rss.gitChildExact) {
    p('git processes the gateway spawned per phase (--trace-git, exact: count × summed elapsed, max RSS):');
    for (const [phase, v] of Object.entries(large.rss.phases)) p(`  ${phase.padEnd(12)} ${(v.git ?? []).map((g) => `${g.cmd} ${g.count}× ${Math.round(g.ms)} ms ${mib(g.maxRssKb)}`).join(', ')}`);
  } else {
    p('git processes the gateway ran per phase (sampled: count × summed lifetime; a process shorter than 25 ms may be missed; --trace-git for exact figures):');
    for (const [phase, groups] of Object.entries(large.gitByPhase)) p(`  ${phase.padEnd(12)} ${groups.map((g) => `${g.cmd} ${g.count}× ${Math.round(g.ms)} ms`).join(', ')}`);
  }
  if (res.medium) {
    const m = res.medium;
    p();
    p(`medium repository (generated, ${m.objects} objects): cold ${sec(m.cold.gitgate)} vs ${sec(m.cold.httpBackend)}, warm ${sec(median(m.warm.gitgate))} vs ${sec(median(m.warm.httpBackend))}, fetch ${sec(median(m.incremental.gitgate))} vs ${sec(median(m.incremental.httpBackend))}, depth 1 ${sec(median(m.depth1.gitgate))} vs ${sec(median(m.depth1.httpBackend))} (gitgate vs http-backend)`);
  }
  if (small) {
    p();
    p(`small repository (demo, ${small.objects} objects): cold ${sec(small.cold.gitgate)} vs ${sec(small.cold.httpBackend)}, warm ${sec(median(small.warm.gitgate))} vs ${sec(median(small.warm.httpBackend))}, fetch ${sec(median(small.incremental.gitgate))} vs ${sec(median(small.incremental.httpBackend))}, depth 1 ${sec(median(small.depth1.gitgate))} vs ${sec(median(small.depth1.httpBackend))} (gitgate vs http-backend)`);
  }
  if (large.cpuProfile) {
    const c = large.cpuProfile;
    p();
    p(`CPU profile of the gateway process (${c.file}): ${sec(c.totalMs)} sampled, ${sec(c.idleMs)} idle`);
    p('  self time by area: ' + c.byArea.slice(0, 10).map((a) => `${a.area} ${sec(a.selfMs)}`).join(', '));
    for (const f of c.top.slice(0, 15)) p(`  ${sec(f.selfMs).padStart(8)}  ${f.name}  ${f.where}`);
  }
}

// ---- main ------------------------------------------------------------------------------------------

async function main() {
  const gitVersion = (await gitText(['--version']));
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, git: gitVersion };

  let upstream;
  let secrets;
  let advance;
  let source;
  let planted = null;
  if (repoArg) {
    let given = repoArg === 'git' ? null : resolve(repoArg);
    if (given === null) {
      const from = opt['repo-source'] ?? process.env.GITGATE_BENCH_GIT_SOURCE ?? GIT_GIT_SOURCE;
      const cached = await cachedGitRepo({ source: from, say });
      given = cached.gitDir;
      source = `git/git, heads and tags of ${cached.meta.source} (${cached.cached ? 'cached' : 'cloned'} in .bench/git-git)`;
    } else {
      source = given;
    }
    const gitDir = await gitText(['-C', given, 'rev-parse', '--absolute-git-dir']);
    upstream = await servedCopy(gitDir, 'large');
    // A user repository has no planted list: a few dummy literals give filter-repo the same kind of work.
    secrets = ['gitgate-bench-dummy-secret-1', 'gitgate-bench-dummy-secret-2', 'gitgate-bench-dummy-secret-3'];
    advance = (i) => advanceByCommitTree(upstream, i);
  } else {
    const bench = await cachedBenchRepo({ objects: objectsWanted, seed: opt.seed, say });
    upstream = await servedCopy(bench.gitDir, 'large');
    source = `fixtures/bench-repo.mjs --objects ${objectsWanted} --seed ${opt.seed}${bench.cached ? ' (cached in .bench/)' : ''}`;
    secrets = bench.meta.secrets.map((s) => s.value);
    planted = secrets.length;
    const { advanceBenchRepo } = await import('../fixtures/bench-repo.mjs');
    advance = async () => ({ ...(await advanceBenchRepo(upstream)), branch: 'refs/heads/main' });
  }
  if (opt['scan-workers'] !== undefined) {
    // Only the worker-count table: one cold sync per count, nothing else measured.
    const counts = opt['scan-workers'].split(',').map((c) => integerOption(c, '--scan-workers', 0));
    const cpuProfDir = opt['cpu-prof'] ? join(ROOT, '.bench', 'profiles', `${new Date().toISOString().replace(/[:.]/g, '-')}-scan-workers`) : undefined;
    const results = await measureScanWorkers({ upstream, counts, work, say, children, syncOnly: opt['sync-only'], cpuProfDir });
    if (opt.json) process.stdout.write(JSON.stringify({ machine, source, scanWorkers: results.map(({ refs, ...r }) => r) }, null, 2) + '\n');
    else printScanWorkers(results, (s = '') => process.stdout.write(s + '\n'));
    return;
  }
  httpBackend = await startHttpBackend({ projectRoot: join(work, 'serve') });
  say(`git http-backend at ${httpBackend.url}`);

  const large = await measureRepo({ label: 'large', upstream, httpUrl: httpBackend.url, advance, secrets, filterRepo: true });
  let medium = null;
  if (!repoArg && mediumObjects > 0) {
    const bench = await cachedBenchRepo({ objects: mediumObjects, seed: opt.seed, say });
    const copy = await servedCopy(bench.gitDir, 'medium');
    const { advanceBenchRepo } = await import('../fixtures/bench-repo.mjs');
    medium = await measureRepo({ label: 'medium', upstream: copy, httpUrl: httpBackend.url, advance: async () => ({ ...(await advanceBenchRepo(copy)), branch: 'refs/heads/main' }), secrets: [], filterRepo: false });
  }
  let small = null;
  if (!opt['no-small']) {
    const { makeDemoRepo } = await import('../fixtures/demo-repo.mjs');
    const demoDir = join(work, 'demo-src.git');
    await makeDemoRepo(demoDir, { seed: '5eed' });
    const demo = await servedCopy(demoDir, 'small');
    small = await measureRepo({ label: 'small', upstream: demo, httpUrl: httpBackend.url, advance: (i) => advanceByCommitTree(demo, i), secrets: [], filterRepo: false });
  }
  machine.loadavg = { before: loadBefore, after: loadavg().map((x) => x.toFixed(2)).join(' ') };
  const res = { machine, source, planted, runs, large, medium, small, rows: rows(large, small, medium) };
  if (opt.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
  else printReport(res);
}

await run(main);
