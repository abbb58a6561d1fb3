/**
 * Verifies the whole stored chain: every row against its predecessor, the first remaining row
 * against the purge anchor, and the anchor against the latest purge record (which is itself chained,
 * so an anchor moved to hide deleted rows no longer matches it).
 */
import type { Database } from '@gitgate/db';
import { GENESIS_HASH, ChainWalker, type ChainBreak, type ChainLink } from './hash-chain.js';
import { readAnchor, toChained, type RecordsRow } from './record-store.js';

/** What `verify` found. `head` is the last row (keep it outside the host to detect a cut-off tail). */
export interface VerifyResult {
  ok: boolean;
  /** Rows checked. */
  checked: number;
  /** The broken link with the lowest seq, when any. */
  firstBroken?: ChainBreak;
  /** The last row's seq and hash, or the anchor (or genesis) when no row remains. */
  head: ChainLink;
}

/** Rows read per query, so a large audit never sits in memory at once. */
const PAGE = 1000;

/** Checks the anchor against the latest purge record's data. */
function checkAnchor(anchor: ChainLink | undefined, purge: { seq: number; data: string } | undefined): ChainBreak | undefined {
  if (!anchor && !purge) return undefined;
  if (!anchor) {
    return { seq: purge!.seq, reason: 'anchor-mismatch', detail: `purge record ${purge!.seq} exists but the purge anchor is missing` };
  }
  if (!purge) {
    return { seq: anchor.seq + 1, reason: 'anchor-mismatch', detail: 'the purge anchor has no purge record' };
  }
  let data: { purgedThroughSeq?: unknown; lastPurgedHash?: unknown } = {};
  try {
    data = JSON.parse(purge.data) as typeof data;
  } catch {
    // Unparseable data fails the comparison below; the row's own hash check reports the edit.
  }
  if (data.purgedThroughSeq !== anchor.seq || data.lastPurgedHash !== anchor.hash) {
    return { seq: purge.seq, reason: 'anchor-mismatch', detail: `the purge anchor does not match purge record ${purge.seq}` };
  }
  return undefined;
}

/** Walks every row in seq order and reports the first broken link. Read-only. */
export async function verifyChain(db: Database): Promise<VerifyResult> {
  // Anchor, latest purge and first page in one transaction, so a purge cannot slip in between.
  const start = await db.transaction(async (tx) => ({
    anchor: await readAnchor(tx),
    purge: await tx.get<{ seq: number; data: string }>("SELECT seq, data FROM records WHERE kind = 'purge' ORDER BY seq DESC LIMIT 1"),
    page: await tx.all<RecordsRow>('SELECT * FROM records ORDER BY seq LIMIT ?', [PAGE]),
  }));
  const walker = new ChainWalker(start.anchor ?? { seq: 0, hash: GENESIS_HASH });
  let page = start.page;
  while (page.length > 0) {
    for (const row of page) walker.push(toChained(row));
    if (page.length < PAGE) break;
    page = await db.all<RecordsRow>('SELECT * FROM records WHERE seq > ? ORDER BY seq LIMIT ?', [walker.head.seq, PAGE]);
  }
  const breaks: ChainBreak[] = [];
  if (walker.firstBroken) breaks.push(walker.firstBroken);
  const anchorBreak = checkAnchor(start.anchor, start.purge);
  if (anchorBreak) breaks.push(anchorBreak);
  if (start.anchor && walker.checked === 0) {
    // A purge always leaves its own record behind, so an anchored chain is never empty.
    breaks.push({ seq: start.anchor.seq + 1, reason: 'seq-gap', detail: 'every row after the purge anchor is missing' });
  }
  breaks.sort((a, b) => a.seq - b.seq);
  const firstBroken = breaks[0];
  return firstBroken
    ? { ok: false, checked: walker.checked, firstBroken, head: walker.head }
    : { ok: true, checked: walker.checked, head: walker.head };
}
