// `node scripts/bench.mjs --scan-workers 1,2,4`: the cold sync once per scan-thread count (issue 14).
// Per count: a fresh gateway child and data dir, one `ls-remote` (its advertisement waits for the whole
// cold sync), the sync's stages from the gateway's `sync phase` log with the CPU of the gateway's process
// tree (threads included), then one clone right after the sync, while the background full repack runs,
// with the peak RSS of the gateway's git children meanwhile. The served refs must be identical for
// every count (the rewrite does not depend on it).
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { gitOk } from './bench-git.mjs';
import { spawnGatewayChild } from './gateway-child.mjs';
import { sampleTree, cpuBetween, mainThreadCpuMs, memoryOf } from './proc-sampler.mjs';
import { table } from './bench-report.mjs';
import { readCpuProfile, summariseCpuProfile } from './cpu-profile.mjs';

const STAGES = ['pass 1 scan', 'plan', 'pass 2 rewrite'];
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * Stops the background full repack the gateway `pid` runs (SIGTERM to each `git repack` below it), so a
 * sync-only run does not wait for it; the gateway logs the repack as failed and closes.
 */
function stopFullRepack(pid) {
  const parent = (p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return 0;
    }
  };
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ');
    } catch {
      continue;
    }
    if (!cmd.includes(' repack ') || !cmd.includes(' -f')) continue;
    for (let p = parent(Number(name)), hops = 0; p > 1 && hops < 8; p = parent(p), hops++) {
      if (p === pid) {
        // The runner starts git in its own process group: its pack-objects goes with it.
        process.kill(-Number(name), 'SIGTERM');
        break;
      }
    }
  }
}

/** One count: cold sync by stage, the clone after it (unless syncOnly), the repack competing with it. */
async function measureCount({ upstream, count, work, say, children, syncOnly, cpuProfDir }) {
  const repoName = 'bench/scan';
  const dataDir = join(work, `scan-workers-${count}`);
  // One token key for every count (the first one's), so the served ids can be compared.
  const key = join(work, 'scan-workers.key');
  mkdirSync(dataDir, { recursive: true });
  try {
    copyFileSync(key, join(dataDir, 'gitgate.key'));
    chmodSync(join(dataDir, 'gitgate.key'), 0o600);
  } catch {
    /* the first count creates it */
  }
  const profDir = cpuProfDir === undefined ? undefined : join(cpuProfDir, `scan-workers-${count}`);
  const child = spawnGatewayChild({ cpuProfDir: profDir });
  children.add(child);
  const sampler = sampleTree(child.pid);
  // The main thread's own CPU, apart from the scan threads': the part of a stage no thread takes over.
  const mainCpu = [];
  const mainTimer = setInterval(() => mainCpu.push({ t: Date.now(), cpuMs: mainThreadCpuMs(child.pid) ?? 0 }), 25);
  try {
    const base = await child.start({ port: 0, dataDir, auth: { mode: 'none' }, coalesceMs: 60_000, scanWorkers: count, scanWorkersMinObjects: 0, repos: [{ name: repoName, upstream: { url: upstream } }] });
    const url = `${base}/${repoName}.git`;
    const loadBefore = load();
    const t0 = Date.now();
    const refs = (await gitOk(['-c', 'protocol.version=2', 'ls-remote', url])).stdout;
    const sync = await child.lastSync(repoName);
    copyFileSync(join(dataDir, 'gitgate.key'), key);
    sampler.mark('clone after sync');
    const cloneDir = join(work, `scan-workers-${count}-clone`);
    const clone = syncOnly ? { ms: null } : await gitOk(['-c', 'protocol.version=2', 'clone', '--bare', '-q', url, cloneDir]);
    rmSync(cloneDir, { recursive: true, force: true });
    if (syncOnly) stopFullRepack(child.pid);
    sampler.mark('rest');
    // The gateway's own peak, the sync included (before closing: the process is gone after).
    const gatewayHwmKb = memoryOf(child.pid)?.hwmKb ?? null;
    // Closing waits for the background repack; its lifetime and peak come from the samples.
    await child.stop();
    const samples = sampler.stop();
    clearInterval(mainTimer);
    const stages = child.logs.filter((l) => l.t >= t0 && l.msg === 'sync phase').map((l) => {
      const cpuMs = cpuBetween(samples.cpu, l.t - l.meta.ms, l.t);
      const mainMs = cpuBetween(mainCpu, l.t - l.meta.ms, l.t);
      return { phase: l.meta.phase, objects: l.meta.objects, ms: l.meta.ms, endMono: l.mono, cpuMs, mainMs, cores: cpuMs === null || l.meta.ms === 0 ? null : cpuMs / l.meta.ms };
    });
    const syncMs = sync?.ms ?? null;
    const syncCpu = syncMs === null ? null : cpuBetween(samples.cpu, t0, t0 + syncMs);
    const during = samples.phases.find((p) => p.label === 'clone after sync');
    const repacks = samples.phases.flatMap((p) => p.descendants).filter((d) => / repack /.test(` ${d.cmd} `) || d.cmd.includes('pack-objects') && d.cmd.includes('--all'));
    const result = {
      count, loadBefore, gatewayHwmKb, loadAfter: load(), refs, objects: sync?.objects ?? null, syncMs, syncCores: syncCpu === null || !syncMs ? null : syncCpu / syncMs, stages,
      cloneAfterMs: clone.ms, cloneAfterPeakChildrenKb: during?.peakChildrenKb ?? null, repackPeakKb: Math.max(0, ...repacks.map((d) => d.hwmKb)),
    };
    // Each isolate writes its profile as it ends: the main thread's when the process exits.
    if (profDir !== undefined) {
      await child.exit();
      result.profile = stageProfiles(profDir, stages);
    }
    const hwm = gatewayHwmKb === null ? '' : `, gateway VmHWM ${(gatewayHwmKb / 1024).toFixed(0)} MiB`;
    say(`[scan workers ${count}] sync ${(syncMs / 1000).toFixed(2)} s${hwm}, clone right after ${clone.ms === null ? 'not measured' : `${(clone.ms / 1000).toFixed(2)} s`} (load ${result.loadAfter})`);
    return result;
  } finally {
    clearInterval(mainTimer);
    await child.exit();
    children.delete(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The profiles of the gateway's isolates (the main thread, then each thread in the order it started:
 * `--cpu-prof` writes one file per isolate, named by thread id) cut by stage: per stage, the functions
 * with the most self time while it ran.
 */
function stageProfiles(profDir, stages) {
  const threadOf = (f) => Number(/\.(\d+)\.\d+\.cpuprofile$/.exec(f)?.[1] ?? -1);
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => threadOf(a) - threadOf(b));
  return {
    dir: profDir,
    isolates: files.map((f) => {
      const prof = readCpuProfile(join(profDir, f));
      return {
        isolate: threadOf(f) === 0 ? 'main thread' : `thread ${threadOf(f)}`,
        stages: stages.map((s) => ({ phase: s.phase, ms: s.ms, ...summariseCpuProfile(prof, { top: 12, fromUs: s.endMono - s.ms * 1000, toUs: s.endMono }) })),
      };
    }),
  };
}

/** Runs every count in turn; throws when two counts serve different refs. */
export async function measureScanWorkers({ upstream, counts, work, say, children, syncOnly = false, cpuProfDir }) {
  const results = [];
  for (const count of counts) results.push(await measureCount({ upstream, count, work, say, children, syncOnly, cpuProfDir }));
  const differing = results.filter((r) => r.refs !== results[0].refs);
  if (differing.length > 0) throw new Error(`scan workers ${differing.map((r) => r.count).join(', ')} served other refs than ${results[0].count}`);
  return results;
}

/** The worker-count table, one row per count. */
export function printScanWorkers(results, p) {
  const sec = (ms) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
  const rate = (objects, ms) => (objects === null || !ms ? '—' : Math.round((objects * 1000) / ms).toLocaleString('en-US'));
  const mib = (kb) => (kb === null ? '—' : `${Math.round(kb / 1024)} MiB`);
  const head = ['scan workers'];
  for (const s of STAGES) head.push(`${s} wall`, 'objects/s', 'cores');
  head.push('pass 1 CPU (main thread)');
  head.push('whole sync', 'cores', 'clone right after', 'git children peak', 'load before / after');
  const body = results.map((r) => {
    const row = [String(r.count)];
    for (const name of STAGES) {
      const s = r.stages.find((x) => x.phase === name);
      row.push(sec(s?.ms), rate(s?.objects ?? null, s?.ms), s?.cores == null ? '—' : s.cores.toFixed(2));
    }
    const scan = r.stages.find((x) => x.phase === STAGES[0]);
    row.push(`${sec(scan?.cpuMs)} (${sec(scan?.mainMs)})`);
    row.push(sec(r.syncMs), r.syncCores === null ? '—' : r.syncCores.toFixed(2), sec(r.cloneAfterMs), mib(r.cloneAfterPeakChildrenKb), `${r.loadBefore} / ${r.loadAfter}`);
    return row;
  });
  p(`scan workers (cold sync per count; ${results[0]?.objects ?? '?'} objects; served refs identical for every count):`);
  p(table(head, body));
  p('cores = CPU of the gateway\'s process tree (its threads and git children) / wall; pass 1 CPU likewise, with the main thread\'s alone in parentheses');
  p(`background full repack: peak RSS ${results.map((r) => `${r.count}: ${mib(r.repackPeakKb)}`).join(', ')} (sampled)`);
  for (const r of results.filter((x) => x.profile)) {
    p();
    p(`CPU profiles by stage, ${r.count} scan workers (${r.profile.dir}); self time, idle apart:`);
    for (const iso of r.profile.isolates) {
      for (const s of iso.stages.filter((x) => x.ms >= 1000 && x.totalMs - x.idleMs >= 500)) {
        p(`  ${iso.isolate}, ${s.phase}: ${sec(s.ms)} wall, ${sec(s.totalMs - s.idleMs)} busy; ` + s.byArea.filter((a) => a.area !== '(idle)').slice(0, 5).map((a) => `${a.area} ${sec(a.selfMs)}`).join(', '));
        for (const f of s.top.slice(0, 8)) p(`    ${sec(f.selfMs).padStart(8)}  ${f.name}  ${f.where}`);
      }
    }
  }
}
