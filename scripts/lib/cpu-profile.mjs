// Summarises a V8 .cpuprofile (from node --cpu-prof): self time per function and per source area.
import { readFileSync } from 'node:fs';

/**
 * Reads a profile (a file, or one read already) and returns { totalMs, idleMs, top: [{ name, where, selfMs }],
 * byArea: [{ area, selfMs }] }. An area is `@gitgate/<package>`, `node:<module>`, a node_modules package,
 * `(gc)`, `(program)` or `(idle)`. `fromUs`/`toUs` keep only the samples taken in that window, on the
 * profile's clock (CLOCK_MONOTONIC in µs, as `process.hrtime.bigint() / 1000n`).
 */
export function summariseCpuProfile(file, { top = 20, fromUs = -Infinity, toUs = Infinity } = {}) {
  const prof = typeof file === 'string' ? readCpuProfile(file) : file;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // A sample stands for the time since the one before it; only the part inside the window counts (a
  // thread sampled again after a long wait would otherwise carry that wait into the window).
  let at = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    const delta = prof.timeDeltas[i] ?? 0;
    const from = Math.max(at, fromUs);
    at += delta;
    const to = Math.min(at, toUs);
    if (to <= from) continue;
    const id = prof.samples[i];
    self.set(id, (self.get(id) ?? 0) + (to - from) / 1000);
  }
  const fn = new Map();
  const areas = new Map();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const { callFrame: cf } = byId.get(id);
    totalMs += ms;
    if (cf.functionName === '(idle)') idleMs += ms;
    const where = cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`;
    const e = fn.get(key) ?? { name: cf.functionName || '(anonymous)', where, selfMs: 0 };
    e.selfMs += ms;
    fn.set(key, e);
    const area = areaOf(cf);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  return {
    totalMs,
    idleMs,
    top: [...fn.values()].filter((e) => e.name !== '(idle)').sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
    byArea: [...areas.entries()].map(([area, selfMs]) => ({ area, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

/** A .cpuprofile file, parsed. */
export function readCpuProfile(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function shortUrl(url) {
  const m = /\/packages\/([^/]+)\/dist\/src\/(.+)$/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(url);
  if (nm) return `${nm[1]}/${nm[2]}`;
  return url.replace(/^file:\/\//, '');
}

function areaOf(cf) {
  if (!cf.url) return cf.functionName.startsWith('(') ? cf.functionName : '(native)';
  const m = /\/packages\/([^/]+)\/dist\//.exec(cf.url);
  if (m) return `@gitgate/${m[1]}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(cf.url);
  if (nm) return nm[1];
  if (cf.url.startsWith('node:')) return cf.url.split('/')[0];
  return cf.url.replace(/^file:\/\//, '');
}
