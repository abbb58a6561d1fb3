// Samples a process tree through /proc (Linux): the root's exact peak RSS comes from VmHWM; for its
// descendants (the git processes the gateway spawns) the peak is sampled, so a child shorter than the
// interval can be missed. Each descendant's command line and lifetime are kept, which times the phases.
import { readFileSync, readdirSync } from 'node:fs';

/** Reads VmHWM and VmRSS (KiB) of a process; null when it is gone. */
export function memoryOf(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { hwmKb: kb('VmHWM'), rssKb: kb('VmRSS') };
}

/**
 * CPU time of a process (ms): `selfMs` its own user+system time, `childrenMs` that of its descendants
 * it has waited for (cutime+cstime). Null when it is gone.
 */
export function cpuOf(pid) {
  const s = statOf(pid);
  return s && { selfMs: s.selfMs, childrenMs: s.childrenMs };
}

/** Parent pid and CPU times (ms) of a process from /proc/<pid>/stat; null when it is gone. */
function statOf(pid, file = `/proc/${pid}/stat`) {
  try {
    const stat = readFileSync(file, 'latin1');
    // The command name is in parentheses and may hold spaces: the fields follow the last ')'. Fields 4
    // and 14-17 of proc(5) (ppid, utime, stime, cutime, cstime) sit at 1 and 11-14 once pid and comm are cut off.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = 1000 / 100; // USER_HZ is 100 on Linux
    return { ppid: Number(f[1]), selfMs: (Number(f[11]) + Number(f[12])) * tick, childrenMs: (Number(f[13]) + Number(f[14])) * tick };
  } catch {
    return null;
  }
}

/** CPU time (ms) the main thread of process `pid` has used so far (its other threads not counted), or null. */
export function mainThreadCpuMs(pid) {
  return statOf(pid, `/proc/${pid}/task/${pid}/stat`)?.selfMs ?? null;
}

/**
 * CPU time (ms) the tree under `pid` has used so far: its own, its reaped descendants' (cutime, cstime)
 * and, recursively, that of its live children. `stats` maps pid to statOf; `kids` pid to child pids.
 */
function treeCpuMs(pid, stats, kids, depth = 0) {
  const s = stats.get(pid);
  if (!s) return 0;
  let ms = s.selfMs + s.childrenMs;
  if (depth < 16) for (const c of kids.get(pid) ?? []) ms += treeCpuMs(c, stats, kids, depth + 1);
  return ms;
}

/**
 * CPU seconds the sampled tree used between two epoch times (ms), from the `cpu` series of
 * sampleTree().stop(), interpolated between samples; null when the series does not cover the span.
 */
export function cpuBetween(series, fromMs, toMs) {
  const at = (t) => {
    if (series.length === 0 || t < series[0].t || t > series[series.length - 1].t) return null;
    let lo = 0;
    let hi = series.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (series[mid].t <= t) lo = mid;
      else hi = mid;
    }
    const a = series[lo];
    const b = series[hi];
    return b.t === a.t ? a.cpuMs : a.cpuMs + ((b.cpuMs - a.cpuMs) * (t - a.t)) / (b.t - a.t);
  };
  const from = at(fromMs);
  const to = at(toMs);
  return from === null || to === null ? null : Math.max(0, to - from);
}

function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ').slice(0, 160);
  } catch {
    return '?';
  }
}

/**
 * Starts sampling the tree under `rootPid` every `intervalMs`. `mark(label)` starts a new phase;
 * `stop()` returns { phases: [{ label, descendants: [{pid, cmd, startMs, endMs, hwmKb}], peakTreeKb }],
 * cpu: [{ t, cpuMs }] }: phase times are ms since the sampler started; `cpu` is the CPU the whole tree
 * has used by epoch time `t` (ms) at each sample, for cpuBetween.
 */
export function sampleTree(rootPid, { intervalMs = 25 } = {}) {
  const t0 = process.hrtime.bigint();
  const now = () => Number(process.hrtime.bigint() - t0) / 1e6;
  const phases = [];
  const rootCmd = commandOf(rootPid);
  let phase = null;
  const mark = (label) => {
    phase = { label, startMs: now(), descendants: new Map(), peakTreeKb: 0, peakChildrenKb: 0 };
    phases.push(phase);
  };
  mark('start');
  const cpu = [];
  const tick = () => {
    const parents = new Map();
    const stats = new Map();
    const kids = new Map();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const s = statOf(name);
      if (s === null) continue;
      const pid = Number(name);
      parents.set(pid, s.ppid);
      stats.set(pid, s);
      if (!kids.has(s.ppid)) kids.set(s.ppid, []);
      kids.get(s.ppid).push(pid);
    }
    cpu.push({ t: Date.now(), cpuMs: treeCpuMs(rootPid, stats, kids) });
    const inTree = (pid) => {
      for (let p = parents.get(pid), hops = 0; p !== undefined && hops < 16; p = parents.get(p), hops++) {
        if (p === rootPid) return true;
      }
      return false;
    };
    const t = now();
    let children = 0;
    for (const pid of parents.keys()) {
      if (!inTree(pid)) continue;
      const m = memoryOf(pid);
      if (!m) continue;
      children += m.rssKb;
      let d = phase.descendants.get(pid);
      if (!d) {
        d = { pid, cmd: commandOf(pid), startMs: t, endMs: t, hwmKb: 0 };
        phase.descendants.set(pid, d);
      }
      // A child seen between fork and exec still shows the parent's command line: read it again later.
      if (d.cmd === rootCmd) d.cmd = commandOf(pid);
      d.endMs = t;
      d.hwmKb = Math.max(d.hwmKb, m.hwmKb);
    }
    const rootMem = memoryOf(rootPid);
    phase.peakChildrenKb = Math.max(phase.peakChildrenKb, children);
    phase.peakTreeKb = Math.max(phase.peakTreeKb, children + (rootMem?.rssKb ?? 0));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    mark,
    stop() {
      clearInterval(timer);
      return {
        phases: phases.map((p) => ({
          label: p.label, startMs: p.startMs, peakTreeKb: p.peakTreeKb, peakChildrenKb: p.peakChildrenKb,
          descendants: [...p.descendants.values()],
        })),
        cpu,
      };
    },
  };
}
