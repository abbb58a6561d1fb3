/**
 * The hash chain over `records` (docs/audit.md, "Tamper evidence"): each row's hash covers the
 * previous row's hash and every column of the row, so editing a row breaks its own hash and deleting
 * one breaks the sequence or the next row's link.
 */
import { createHash } from 'node:crypto';

/** prev_hash of the first row ever written: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** One stored row, as `records` holds it (`data` is the canonical JSON text). */
export interface ChainedRecord {
  seq: number;
  at: string;
  kind: string;
  actor: string;
  repo: string | null;
  data: string;
  prevHash: string;
  hash: string;
}

/** The link a row attaches to: the previous row's seq and hash (or the purge anchor, or genesis). */
export interface ChainLink {
  seq: number;
  hash: string;
}

/** Why a link is broken. */
export type ChainBreakReason =
  /** The row's hash does not match its contents: the row was edited. */
  | 'hash-mismatch'
  /** The row's seq does not follow the previous row's: rows before it were deleted. */
  | 'seq-gap'
  /** The row's prev_hash is not the previous row's hash: a row before it was deleted or replaced. */
  | 'prev-hash-mismatch'
  /** kind, actor or repo hold a newline (or repo is ''), which would make the hash input ambiguous. */
  | 'malformed-row'
  /** The purge anchor does not match the latest purge record: the anchor or the purge was altered. */
  | 'anchor-mismatch';

/** The first broken link found: the seq of the row where the chain breaks, and why. */
export interface ChainBreak {
  seq: number;
  reason: ChainBreakReason;
  /** A short human explanation (seq numbers only). */
  detail: string;
}

/**
 * The row hash: sha256 (hex) of prev_hash, seq, at, kind, actor, repo ('' when null) and data, joined
 * by '\n'. The writer refuses newlines in kind, actor and repo, so the fields cannot shift.
 */
export function recordHash(prevHash: string, seq: number, at: string, kind: string, actor: string, repo: string | null, data: string): string {
  return createHash('sha256')
    .update(`${prevHash}\n${seq}\n${at}\n${kind}\n${actor}\n${repo ?? ''}\n${data}`, 'utf8')
    .digest('hex');
}

/** True when a kind, actor or repo value could not be told apart from its neighbours in the hash input. */
export function isAmbiguousField(value: string): boolean {
  return value.includes('\n');
}

/**
 * Walks rows in ascending seq order and remembers the first broken link. Every row is checked
 * against the previous row's stored hash, so one edited row is reported once, not as a cascade.
 */
export class ChainWalker {
  #head: ChainLink;
  #checked = 0;
  #firstBroken: ChainBreak | undefined;

  /** `start` is the link the first row must attach to: the purge anchor, or seq 0 with GENESIS_HASH. */
  constructor(start: ChainLink) {
    this.#head = { ...start };
  }

  /** Checks one row; returns the break it shows, if any (only the first is kept in `firstBroken`). */
  push(row: ChainedRecord): ChainBreak | undefined {
    this.#checked++;
    const found = check(this.#head, row);
    if (found && !this.#firstBroken) this.#firstBroken = found;
    // The next row links to what is stored here, even when this row is broken.
    this.#head = { seq: row.seq, hash: row.hash };
    return found;
  }

  /** Rows checked so far. */
  get checked(): number {
    return this.#checked;
  }

  /** The first broken link seen, if any. */
  get firstBroken(): ChainBreak | undefined {
    return this.#firstBroken;
  }

  /** The last row checked (or the start link). */
  get head(): ChainLink {
    return { ...this.#head };
  }
}

function check(head: ChainLink, row: ChainedRecord): ChainBreak | undefined {
  const expected = head.seq + 1;
  if (row.seq !== expected) {
    const detail = row.seq > expected
      ? `rows ${expected} to ${row.seq - 1} are missing`
      : `seq ${row.seq} does not follow ${head.seq}`;
    return { seq: row.seq, reason: 'seq-gap', detail };
  }
  if (row.prevHash !== head.hash) {
    return { seq: row.seq, reason: 'prev-hash-mismatch', detail: `prev_hash is not the hash of row ${head.seq}` };
  }
  if (isAmbiguousField(row.kind) || isAmbiguousField(row.actor) || row.repo === '' || (row.repo !== null && isAmbiguousField(row.repo))) {
    return { seq: row.seq, reason: 'malformed-row', detail: 'kind, actor or repo holds a newline or an empty repo' };
  }
  if (recordHash(row.prevHash, row.seq, row.at, row.kind, row.actor, row.repo, row.data) !== row.hash) {
    return { seq: row.seq, reason: 'hash-mismatch', detail: `row ${row.seq} does not match its hash` };
  }
  return undefined;
}
