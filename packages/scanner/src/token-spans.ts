/** Where gateway tokens sit in scanned text: what is (or runs into) a token was already sanitized. */
import { TOKEN_PATTERN } from './token-pattern.js';

/** Spans of the gateway tokens in `text`, sorted and disjoint (matches of a global regex are). */
export function tokenSpans(text: string): Array<[number, number]> {
  if (!text.includes('[[TOKEN_')) return [];
  const re = new RegExp(TOKEN_PATTERN.source, 'g');
  const spans: Array<[number, number]> = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/**
 * Where a candidate [start, end) that may overlap tokens should end: `end` when it overlaps none,
 * the start of the first token it runs into when it begins before that token (`password=<pw>[[TOKEN_…]]`:
 * the part before the token is still a secret), or -1 when it begins inside a token (already sanitized).
 */
export function endBeforeTokens(spans: ReadonlyArray<[number, number]>, start: number, end: number): number {
  if (!overlapsAny(spans, start, end)) return end;
  const first = spans.find((s) => s[1] > start)!;
  return first[0] > start ? first[0] : -1;
}

/** Whether [start, end) overlaps one of the sorted disjoint `spans`. */
export function overlapsAny(spans: ReadonlyArray<[number, number]>, start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]![1] <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length && spans[lo]![0] < end;
}
