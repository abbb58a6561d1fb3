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
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid]!.end <= c.start) lo = mid + 1;
      else hi = mid;
    }
    const next = kept[lo];
    if (next !== undefined && next.start < c.end) continue;
    kept.splice(lo, 0, c);
  }
  return kept;
}
