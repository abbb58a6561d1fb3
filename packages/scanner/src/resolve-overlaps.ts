/** Turns overlapping candidate findings into a deterministic, sorted, non-overlapping list. */
import type { Confidence, Finding } from './rule.js';

const confidenceRank: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

/** Ordinal comparison: locale-aware ordering would make results depend on the host. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Priority between two candidates: longer first, then higher confidence, then lower rule id, then earlier. */
function byPriority(a: Finding, b: Finding): number {
  return (
    b.end - b.start - (a.end - a.start) ||
    confidenceRank[b.confidence] - confidenceRank[a.confidence] ||
    compareIds(a.ruleId, b.ruleId) ||
    a.start - b.start
  );
}

/**
 * Keeps, greedily by priority (longer span, then higher confidence, then lower rule id), every
 * candidate that overlaps no candidate already kept; returns the kept ones sorted by start.
 * The order of `candidates` does not affect the result.
 */
export function resolveOverlaps(candidates: readonly Finding[]): Finding[] {
  const kept: Finding[] = []; // sorted by start, pairwise disjoint
  for (const c of [...candidates].sort(byPriority)) {
    // First kept finding that ends after c starts: the only one that can overlap c from the left or inside.
    const lo = firstEndingAfter(kept, c.start);
    const next = kept[lo];
    if (next !== undefined && next.start < c.end) continue;
    kept.splice(lo, 0, c);
  }
  return kept;
}

/**
 * Resolves candidates for every file kind and name at once: the result holds every candidate that
 * `resolveOverlaps` keeps for some selection of them, where a selection keeps every candidate that is
 * not `conditional` (it applies everywhere) and any of the conditional ones. Greedy by the same
 * priority: a candidate is surely kept when it is unconditional and no candidate that might be kept
 * overlaps it from above; it is surely dropped when a surely kept one does; the rest might be kept.
 * Returns the candidates not surely dropped, sorted by start (they may overlap when some are
 * conditional). Then `resolveOverlaps(result.filter(sel))` equals `resolveOverlaps(candidates.filter(sel))`
 * for every such selection `sel`: the result holds what the selection keeps, and no more than it offers.
 */
export function resolveForEveryKind(candidates: readonly Finding[], conditional: (f: Finding) => boolean): Finding[] {
  const sure: Finding[] = []; // surely kept: sorted by start, pairwise disjoint
  const maybe: Finding[] = [];
  const maybeCover = new SpanUnion();
  for (const c of [...candidates].sort(byPriority)) {
    const lo = firstEndingAfter(sure, c.start);
    const next = sure[lo];
    if (next !== undefined && next.start < c.end) continue; // surely dropped
    // Unconditional and clear of every candidate that might be kept above it: surely kept.
    if (!conditional(c) && !maybeCover.overlaps(c.start, c.end)) sure.splice(lo, 0, c);
    else {
      maybe.push(c);
      maybeCover.add(c.start, c.end);
    }
  }
  if (maybe.length === 0) return sure;
  return sortByStart([...sure, ...maybe]);
}

/** Sorts findings by start, then by priority (deterministic for equal starts); in place. */
export function sortByStart(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.start - b.start || byPriority(a, b));
}

/** Index of the first of `spans` (sorted and disjoint) that ends after `at`; `spans.length` if none. */
function firstEndingAfter(spans: readonly { end: number }[], at: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.end <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A union of byte spans as sorted, disjoint, merged intervals. */
class SpanUnion {
  readonly #spans: { start: number; end: number }[] = [];

  overlaps(start: number, end: number): boolean {
    const next = this.#spans[firstEndingAfter(this.#spans, start)];
    return next !== undefined && next.start < end;
  }

  add(start: number, end: number): void {
    const i = firstEndingAfter(this.#spans, start);
    let j = i;
    const merged = { start, end };
    while (j < this.#spans.length && this.#spans[j]!.start < merged.end) {
      merged.start = Math.min(merged.start, this.#spans[j]!.start);
      merged.end = Math.max(merged.end, this.#spans[j]!.end);
      j++;
    }
    this.#spans.splice(i, j - i, merged);
  }
}
