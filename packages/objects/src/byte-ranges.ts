/**
 * Comparisons of short byte ranges (tree entry names, entries with their ids) in plain loops. Buffer's
 * own `compare(target, …offsets)` crosses into C++ and checks its arguments on every call: on git/git's
 * cold sync, tens of millions of 10–60-byte comparisons spent ~12 s there (docs/benchmarks.md).
 */

/** Bytewise order of `a[aStart, aEnd)` against `b[bStart, bEnd)`, as `Buffer.compare`: <0, 0 or >0. */
export function compareRanges(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Whether `a[aStart, aStart + length)` equals `b[bStart, bStart + length)`. */
export function rangesEqual(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  // From the end: entries that differ mostly differ in their trailing object id.
  for (let i = length - 1; i >= 0; i--) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
