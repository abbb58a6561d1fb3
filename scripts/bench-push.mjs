#!/usr/bin/env node
// `npm run bench:push`: times `git push` of a 1-commit change through gitgate (issue 13: quarantine,
// token restore, verification rewrite, leased push upstream, sync back) against a direct push to stock
// `git http-backend`, on the same generated repository, in the same run. Two cases per side: a new
// branch holding one commit (edit of an existing file in a subdirectory plus one new file), and a
// fast-forward of that branch by one more commit. Then one more gateway push with --progress, timed
// line by line against the gateway's log, says where the gateway's time goes.
//
//   node scripts/bench-push.mjs [--objects 50000] [--seed bench] [--runs 5] [--keep] [--json] [--trace-git] [--cpu-prof]
//
// The repository is the one scripts/bench.mjs uses (fixtures/bench-repo.mjs, cached under .bench/).
// See docs/benchmarks.md, "Push".
import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, totalmem, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitEnv, gitOk, gitText, reachableObjects } from './lib/bench-git.mjs';
import { startHttpBackend } from './lib/http-backend-server.mjs';
import { spawnGatewayChild } from './lib/gateway-child.mjs';
import { canTraceGit, gitTraceShim } from './lib/git-trace-shim.mjs';
import { summariseCpuProfile } from './lib/cpu-profile.mjs';
import { BENCH_REPO_OPTIONS, bareCopy, cachedBenchRepo } from './lib/bench-repo-cache.mjs';
import { median, table } from './lib/bench-report.mjs';
import { benchArgs, benchSession, integerOption } from './lib/bench-session.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const USAGE = 'usage: node scripts/bench-push.mjs [--objects N] [--seed TEXT] [--runs N] [--keep] [--json] [--trace-git] [--cpu-prof]';
const REPO = 'bench/push';
// The gateway's default coalescing window (RepoMirror): an agent's pushes are minutes apart, so each
// one starts with the up-to-date check of upstream. The benchmark waits the window out before each.
const COALESCE_MS = 2000;

const { values: opt } = benchArgs(USAGE, {
  ...BENCH_REPO_OPTIONS,
  runs: { type: 'string', default: '5' },
  'trace-git': { type: 'boolean', default: false },
  'cpu-prof': { type: 'boolean', default: false },
});
const objectsWanted = integerOption(opt.objects, '--objects', 100);
const runs = integerOption(opt.runs, '--runs', 1);

/** Progress for humans; stderr, so that --json keeps stdout machine-readable. */
const say = (msg) => process.stderr.write(`bench-push: ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Everything to undo at the end, on success, failure or Ctrl-C.
const { work, atEnd, run } = benchSession({ prefix: 'gitgate-bench-push-', keep: opt.keep, say });
let gateway = null;
let httpBackend = null;
atEnd(() => httpBackend?.close());
atEnd(() => gateway?.kill());

/** A working clone of `url` (what an agent has); resolves with its directory and the clone's wall time. */
async function agentClone(url, name) {
  const dir = join(work, 'clones', name);
  mkdirSync(dirname(dir), { recursive: true });
  const r = await gitOk(['-c', 'protocol.version=2', 'clone', '-q', url, dir]);
  return { dir, ms: r.ms };
}

/**
 * One commit on top of HEAD (or of `from`, detached): a line appended to `file` (an existing file in a
 * subdirectory) and a new file next to it. Resolves with the commit id.
 */
async function commitChange(clone, file, label, from) {
  if (from) await gitOk(['-C', clone, 'checkout', '-q', '--detach', from]);
  appendFileSync(join(clone, file), `// edited by the push benchmark (${label})\n`);
  const added = join(dirname(file), `bench-push-${label}.txt`);
  writeFileSync(join(clone, added), `new file of the push benchmark (${label})\n`);
  await gitOk(['-C', clone, 'add', file, added]);
  await gitOk(['-C', clone, 'commit', '-q', '-m', `bench: push ${label}`]);
  return gitText(['-C', clone, 'rev-parse', 'HEAD']);
}

/**
 * `git push origin HEAD:<ref>` from `clone`, timed from spawn to exit; with `lines`, every stderr line
 * (progress included, --progress) is kept with the time it arrived (ms epoch). Throws when it fails.
 */
function timedPush(clone, ref, { lines = false } = {}) {
  return new Promise((resolve, reject) => {
    const args = ['-C', clone, 'push', ...(lines ? ['--progress'] : []), 'origin', `HEAD:${ref}`];
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const child = spawn('git', args, { env: gitEnv() });
    const seen = [];
    let stderr = '';
    let pending = '';
    child.stdout.resume();
    child.stderr.on('data', (c) => {
      const t = Date.now();
      const text = c.toString('utf8');
      stderr = (stderr + text).slice(-8192);
      if (!lines) return;
      const parts = (pending + text).split(/[\r\n]/);
      pending = parts.pop();
      for (const p of parts) if (p.trim()) seen.push({ t, text: p.trim() });
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`git push ${ref} failed (exit ${code}): ${stderr.trim().slice(-600)}`));
      else resolve({ ms, startedAt, endedAt: Date.now(), lines: seen });
    });
  });
}

/** The first existing file in a subdirectory of the clone's HEAD, deepest directories first (same path on both sides). */
async function fileToEdit(clone) {
  const files = (await gitText(['-C', clone, 'ls-files'])).split('\n').filter((f) => f.includes('/'));
  files.sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1));
  if (files.length === 0) throw new Error('the repository has no file in a subdirectory');
  return files[0];
}

/** The id a ref has in a bare repository, or null. */
async function refId(gitDir, ref) {
  const out = await gitText(['--git-dir', gitDir, 'for-each-ref', '--format=%(objectname)', ref]);
  return out || null;
}

/**
 * One side's case pair for run `i`: a new branch `agent/bench-<i>` with one commit, then a fast-forward
 * of it by one more. `before` runs ahead of each timed push (the gateway waits out its coalescing window).
 */
async function pushPair(side, i, before) {
  const ref = `refs/heads/agent/bench-${i}`;
  await commitChange(side.clone, side.file, `${i}a`, side.base);
  await before();
  const created = await timedPush(side.clone, ref);
  const tip = await commitChange(side.clone, side.file, `${i}b`);
  await before();
  const forwarded = await timedPush(side.clone, ref);
  // Sanity: the branch is where the agent put it, as the agent sees it (through the same server).
  const listed = (await gitText(['-C', side.clone, 'ls-remote', 'origin', ref])).split('\t')[0];
  if (listed !== tip) throw new Error(`${side.name}: ${ref} is served at ${listed || 'nothing'} after the push, not at ${tip}`);
  const upstreamTip = await refId(side.upstream, ref);
  if (!upstreamTip) throw new Error(`${side.name}: ${ref} did not reach upstream`);
  return { created: created.ms, forwarded: forwarded.ms, upstreamTip };
}

/**
 * One new-branch push through the gateway with --progress, set against the gateway's log: the steps
 * between request and answer, each from the first line or log entry that marks it.
 */
async function breakdown(side, i, trace) {
  const ref = `refs/heads/agent/bench-${i}`;
  await commitChange(side.clone, side.file, `${i}a`, side.base);
  await sleep(COALESCE_MS + 100);
  const traceFrom = trace?.lines() ?? 0;
  const logFrom = gateway.logs.length;
  const p = await timedPush(side.clone, ref, { lines: true });
  const logs = gateway.logs.slice(logFrom).filter((l) => l.t >= p.startedAt);
  const at = (pred) => {
    const x = p.lines.find((l) => pred(l.text));
    return x ? x.t - p.startedAt : null;
  };
  const log = (pred, nth = 0) => {
    const x = logs.filter(pred)[nth];
    return x ? x.t - p.startedAt : null;
  };
  const request = (endpoint) => logs.find((l) => l.msg === 'git request' && l.meta?.endpoint === endpoint);
  const marks = {
    adverts: log((l) => l.msg === 'git request' && l.meta?.endpoint === 'info/refs'),
    upToDateCheck: logs.find((l) => l.msg === 'sync finished' && l.meta?.upToDate)?.meta?.ms ?? null,
    packWritten: at((t) => t.startsWith('Writing objects: 100%')),
    checking: at((t) => t.includes('gitgate: checking the pushed objects')),
    pushingUpstream: at((t) => t.includes('gitgate: pushing to upstream')),
    syncingBack: at((t) => t.includes('gitgate: syncing the pushed branch back')),
    syncBackFinished: log((l) => l.msg === 'sync finished' && !l.meta?.upToDate),
    postAnswered: log((l) => l.msg === 'git request' && l.meta?.endpoint === 'git-receive-pack'),
    clientExit: p.endedAt - p.startedAt,
  };
  const syncBack = logs.find((l) => l.msg === 'sync finished' && !l.meta?.upToDate)?.meta ?? null;
  const out = {
    ms: p.ms, marks, syncBack,
    requests: { infoRefsMs: request('info/refs')?.meta?.ms ?? null, receivePackMs: request('git-receive-pack')?.meta?.ms ?? null },
  };
  if (trace) out.git = trace.read(traceFrom).map((x) => ({ ms: Math.round(x.seconds * 1000), cmd: x.cmd.replaceAll(work, '<tmp>') }));
  return out;
}

async function main() {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, git: await gitText(['--version']) };
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
  const bench = await cachedBenchRepo({ objects: objectsWanted, seed: opt.seed, say });

  // The peer: a bare copy served by stock http-backend, receive-pack switched on in the copy itself.
  const peerUpstream = await bareCopy(bench.gitDir, join(work, 'serve', 'push.git'));
  await gitOk(['--git-dir', peerUpstream, 'config', 'http.receivepack', 'true']);
  httpBackend = await startHttpBackend({ projectRoot: join(work, 'serve') });
  // The gateway: its own bare copy as a local upstream, push allowed to agent/*.
  const gwUpstream = await bareCopy(bench.gitDir, join(work, 'upstream', 'push.git'));
  const trace = opt['trace-git'] && canTraceGit() ? gitTraceShim(join(work, 'trace')) : null;
  const gwOpts = {
    port: 0, dataDir: join(work, 'data'), auth: { mode: 'none' },
    repos: [{ name: REPO, upstream: { url: gwUpstream }, push: { branches: ['agent/*'] } }],
  };
  gateway = spawnGatewayChild({ env: trace?.env });
  let base = await gateway.start(gwOpts);
  const objects = await reachableObjects(gwUpstream);
  say(`${objects} reachable objects; http-backend at ${httpBackend.url}, gateway at ${base}`);

  // Warm-up: the first clone through the gateway does the whole first sync, which is not measured here.
  const gwClone = await agentClone(`${base}/${REPO}.git`, 'gateway');
  const peerClone = await agentClone(`${httpBackend.url}/push.git`, 'peer');
  say(`first clone: gateway ${(gwClone.ms / 1000).toFixed(2)} s (includes the first sync), http-backend ${(peerClone.ms / 1000).toFixed(2)} s`);
  let profDir = null;
  if (opt['cpu-prof']) {
    // A profiled gateway on the synced data dir, so the profile holds the pushes, not the first sync;
    // one ls-remote does the restart's up-to-date sync first.
    await gateway.exit();
    profDir = join(ROOT, '.bench', 'profiles', `${new Date().toISOString().replace(/[:.]/g, '-')}-push`);
    mkdirSync(profDir, { recursive: true });
    gateway = spawnGatewayChild({ cpuProfDir: profDir, env: trace?.env });
    base = await gateway.start(gwOpts);
    await gitOk(['-C', gwClone.dir, 'remote', 'set-url', 'origin', `${base}/${REPO}.git`]);
    await gitOk(['-C', gwClone.dir, 'ls-remote', 'origin']);
  }
  const file = await fileToEdit(peerClone.dir);
  const baseRef = 'origin/HEAD';
  const sides = {
    peer: { name: 'http-backend', clone: peerClone.dir, upstream: peerUpstream, file, base: baseRef },
    gateway: { name: 'gitgate', clone: gwClone.dir, upstream: gwUpstream, file, base: baseRef },
  };
  const waitWindow = () => sleep(COALESCE_MS + 100);
  const noWait = async () => {};

  const times = { peer: { created: [], forwarded: [] }, gateway: { created: [], forwarded: [] } };
  const logFrom = gateway.logs.length;
  for (let i = 1; i <= runs; i++) {
    const p = await pushPair(sides.peer, i, noWait);
    const g = await pushPair(sides.gateway, i, waitWindow);
    for (const [k, r] of [['peer', p], ['gateway', g]]) {
      times[k].created.push(r.created);
      times[k].forwarded.push(r.forwarded);
    }
    say(`run ${i}/${runs}: new branch gitgate ${g.created.toFixed(0)} ms, http-backend ${p.created.toFixed(0)} ms; fast-forward gitgate ${g.forwarded.toFixed(0)} ms, http-backend ${p.forwarded.toFixed(0)} ms`);
  }
  const syncsBack = gateway.logs.slice(logFrom).filter((l) => l.msg === 'sync finished' && !l.meta?.upToDate).map((l) => l.meta);
  say('one more gateway push with --progress, for where the time goes ...');
  const where = await breakdown(sides.gateway, runs + 1, trace);

  await gateway.exit();
  gateway = null;
  const profile = profDir ? readdirSync(profDir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  const cpuProfile = profile ? { file: join(profDir, profile), ...summariseCpuProfile(join(profDir, profile)) } : null;
  machine.loadavg = { before: loadBefore, after: loadavg().map((x) => x.toFixed(2)).join(' ') };
  const row = (name, key) => {
    const g = median(times.gateway[key]);
    const p = median(times.peer[key]);
    return { case: name, gitgateMs: g, httpBackendMs: p, ratio: g / p };
  };
  const res = {
    machine, objects, runs, file, source: `fixtures/bench-repo.mjs --objects ${objectsWanted} --seed ${opt.seed}${bench.cached ? ' (cached in .bench/)' : ''}`,
    firstClone: { gitgateMs: gwClone.ms, httpBackendMs: peerClone.ms },
    rows: [row('new branch, 1 commit', 'created'), row('fast-forward, 1 more commit', 'forwarded')],
    times, syncsBack, breakdown: where, cpuProfile,
  };
  if (opt.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
  else printReport(res);
}

const ms = (x) => (x === null || x === undefined ? '—' : `${Math.round(x)} ms`);

function printReport(res) {
  const p = (s = '') => process.stdout.write(s + '\n');
  p(`gitgate push benchmark — ${res.machine.cpus} cores (${res.machine.cpuModel}), ${res.machine.memGiB} GiB, node ${res.machine.node}, ${res.machine.git}`);
  p(`load average before: ${res.machine.loadavg.before}; after: ${res.machine.loadavg.after}`);
  p(`repository: ${res.source}; ${res.objects} reachable objects; edited file ${res.file} (+ one new file beside it)`);
  p(`first clone (not measured below): gitgate ${ms(res.firstClone.gitgateMs)} incl. the first sync, http-backend ${ms(res.firstClone.httpBackendMs)}`);
  p();
  p(table(['git push origin HEAD:refs/heads/agent/bench-N', `gitgate (median of ${res.runs})`, 'http-backend', 'ratio'],
    res.rows.map((r) => [r.case, ms(r.gitgateMs), ms(r.httpBackendMs), `${r.ratio.toFixed(2)}×`])));
  p();
  p(`all runs (ms), gitgate: new ${res.times.gateway.created.map(Math.round).join(', ')}; ff ${res.times.gateway.forwarded.map(Math.round).join(', ')}`);
  p(`all runs (ms), http-backend: new ${res.times.peer.created.map(Math.round).join(', ')}; ff ${res.times.peer.forwarded.map(Math.round).join(', ')}`);
  p(`syncs back after the pushes: ${res.syncsBack.map((s) => `${s.objects} objects in ${s.ms} ms`).join('; ')}`);
  p();
  const b = res.breakdown;
  const m = b.marks;
  p(`where a gitgate push's ${ms(b.ms)} go (one more new-branch push with --progress; ms since git push started):`);
  const steps = [
    [m.adverts, 'info/refs answered (receive-pack advertisement, after an up-to-date check of upstream: ' + ms(m.upToDateCheck) + ')'],
    [m.packWritten, 'client has written its pack (POST under way)'],
    [m.checking, 'request parsed, pack indexed into the quarantine, refs checked; translation starts'],
    [m.pushingUpstream, 'translated, verification rewrite done, pushed ids recorded; git push to upstream starts'],
    [m.syncingBack, 'upstream took it; forced sync back starts'],
    [m.syncBackFinished, `sync back finished${b.syncBack ? ` (${b.syncBack.objects} objects, ${b.syncBack.ms} ms)` : ''}`],
    [m.postAnswered, 'receive-pack POST answered (report-status, after the audit rows are durable)'],
    [m.clientExit, 'git push exited'],
  ];
  let prev = 0;
  for (const [t, what] of steps) {
    p(`  ${t === null ? '     —' : `+${String(Math.round(t)).padStart(5)}`} ms  ${t === null ? '' : `(${String(Math.round(t - prev)).padStart(5)})`}  ${what}`);
    if (t !== null) prev = t;
  }
  p(`  server-side: info/refs ${ms(b.requests.infoRefsMs)}, receive-pack POST ${ms(b.requests.receivePackMs)}`);
  if (b.git) {
    // In exit order: everything before the upstream `git push` belongs to the check and the translation.
    const at = b.git.findIndex((g) => / push --porcelain /.test(g.cmd));
    const sum = (xs) => `${xs.reduce((a, g) => a + g.ms, 0)} ms in ${xs.length} process${xs.length === 1 ? '' : 'es'}`;
    if (at >= 0) p(`  git time (--trace-git): up to the translation ${sum(b.git.slice(0, at))}; push to upstream ${sum(b.git.slice(at, at + 1))}; sync back ${sum(b.git.slice(at + 1))}`);
    p('  git processes the gateway ran during that push (--trace-git, exit order, elapsed):');
    for (const g of b.git) p(`    ${String(g.ms).padStart(6)} ms  ${g.cmd.slice(0, 160)}`);
  }
  if (res.cpuProfile) {
    const c = res.cpuProfile;
    p();
    p(`CPU profile of the gateway process over all ${res.runs * 2 + 1} pushes (${c.file}): ${ms(c.totalMs)} sampled, ${ms(c.idleMs)} idle`);
    p('  self time by area: ' + c.byArea.slice(0, 10).map((a) => `${a.area} ${ms(a.selfMs)}`).join(', '));
    for (const f of c.top.slice(0, 15)) p(`  ${ms(f.selfMs).padStart(8)}  ${f.name}  ${f.where}`);
  }
}

await run(main);
