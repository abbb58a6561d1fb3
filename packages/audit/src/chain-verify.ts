/**
 * Verifies the whole stored chain: every row against its predecessor (keyed rows with the audit
 * key), the first remaining row against the purge anchor, the anchor against the latest purge record
 * (which is itself chained, so an anchor moved to hide deleted rows no longer matches it), and the
 * chain against external anchors kept off the host (which show a cut-off tail or a rewrite).
 */
import type { Database } from '@gitgate/db';
import { GENESIS_HASH, ChainWalker, type ChainBreak, type ChainLink } from './hash-chain.js';
import { readAnchor, toChained, type RecordsRow } from './record-store.js';

/** What `verify` found. `head` is the last row (keep it outside the host to detect a cut-off tail). */
export interface VerifyResult {
  ok: boolean;
  /** Rows checked. */
  checked: number;
  /** Rows checked with the audit key (chain version 2). */
  keyed: number;
  /** External anchors compared with a row (or with the purge anchor). */
  anchorsChecked: number;
  /** External anchors older than the purge anchor: their rows were purged, nothing left to compare. */
  anchorsSkipped: number;
  /** The broken link with the lowest seq, when any. */
  firstBroken?: ChainBreak;
  /** The last row's seq and hash, or the anchor (or genesis) when no row remains. */
  head: ChainLink;
}

/** Options of `verifyChain`. */
export interface VerifyOptions {
  /** The audit key; required when the chain holds keyed rows. With it, an unkeyed tail is a break. */
  key?: Uint8Array;
  /** Heads exported earlier (`gitgate audit anchor`): each seq must still exist with that hash. */
  anchors?: readonly ChainLink[];
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

/** Throws TypeError unless every anchor has a positive integer seq and a 64-hex hash. */
function checkAnchors(anchors: readonly ChainLink[]): void {
  if (!Array.isArray(anchors)) throw new TypeError('anchors must be an array of { seq, hash }');
  for (const a of anchors) {
    if (!Number.isSafeInteger(a?.seq) || a.seq < 1 || typeof a.hash !== 'string' || !/^[0-9a-f]{64}$/.test(a.hash)) {
      throw new TypeError('each anchor must be { seq: a positive integer, hash: 64 lower-case hex characters }');
    }
  }
}

/**
 * Walks every row in seq order and reports the first broken link. Read-only. Throws TypeError on bad
 * options, AuditError GITGATE_AUDIT_KEY_REQUIRED when the chain holds keyed rows and no key is given.
 */
export async function verifyChain(db: Database, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const anchors = opts.anchors ?? [];
  checkAnchors(anchors);
  // Anchor, latest purge and first page in one transaction, so a purge cannot slip in between.
  const start = await db.transaction(async (tx) => ({
    anchor: await readAnchor(tx),
    purge: await tx.get<{ seq: number; data: string }>("SELECT seq, data FROM records WHERE kind = 'purge' ORDER BY seq DESC LIMIT 1"),
    page: await tx.all<RecordsRow>('SELECT * FROM records ORDER BY seq LIMIT ?', [PAGE]),
  }));
  const walker = new ChainWalker(start.anchor ?? { seq: 0, hash: GENESIS_HASH }, opts.key);
  const breaks: ChainBreak[] = [];
  // External anchors by seq; several may name the same seq (a different hash there is a rewrite too).
  const wanted = new Map<number, string[]>();
  for (const a of anchors) wanted.set(a.seq, [...(wanted.get(a.seq) ?? []), a.hash]);
  let anchorsChecked = 0;
  let anchorsSkipped = 0;
  const compare = (seq: number, hash: string): void => {
    for (const h of wanted.get(seq) ?? []) {
      anchorsChecked++;
      if (h !== hash) breaks.push({ seq, reason: 'rewritten', detail: `row ${seq} no longer has the hash of the external anchor` });
    }
    wanted.delete(seq);
  };
  let page = start.page;
  while (page.length > 0) {
    for (const row of page) {
      walker.push(toChained(row));
      if (wanted.has(row.seq)) compare(row.seq, row.hash);
    }
    if (page.length < PAGE) break;
    page = await db.all<RecordsRow>('SELECT * FROM records WHERE seq > ? ORDER BY seq LIMIT ?', [walker.head.seq, PAGE]);
  }
  if (walker.firstBroken) breaks.push(walker.firstBroken);
  const anchorBreak = checkAnchor(start.anchor, start.purge);
  if (anchorBreak) breaks.push(anchorBreak);
  if (start.anchor && walker.checked === 0) {
    // A purge always leaves its own record behind, so an anchored chain is never empty.
    breaks.push({ seq: start.anchor.seq + 1, reason: 'seq-gap', detail: 'every row after the purge anchor is missing' });
  }
  const head = walker.head;
  if (opts.key && walker.unkeyedSince !== undefined) {
    // A keyed writer marks the chain keyed when it opens, so with the key a chain never ends unkeyed.
    breaks.push({ seq: walker.unkeyedSince, reason: 'unkeyed-tail', detail: `rows ${walker.unkeyedSince} to ${head.seq} are not keyed` });
  }
  for (const [seq, hashes] of wanted) {
    if (seq > head.seq) {
      anchorsChecked += hashes.length;
      breaks.push({ seq: head.seq + 1, reason: 'truncated', detail: `the chain ends at seq ${head.seq} but an external anchor names seq ${seq}` });
    } else if (start.anchor && seq === start.anchor.seq) {
      compare(seq, start.anchor.hash);
    } else {
      anchorsSkipped += hashes.length;
    }
  }
  breaks.sort((a, b) => a.seq - b.seq);
  const firstBroken = breaks[0];
  const result = { checked: walker.checked, keyed: walker.keyed, anchorsChecked, anchorsSkipped, head };
  return firstBroken ? { ok: false, ...result, firstBroken } : { ok: true, ...result };
}
