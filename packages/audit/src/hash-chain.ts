/**
 * The hash chain over `records` (docs/audit.md, "Tamper evidence"): each row's hash covers the
 * previous row's hash and every column of the row, so editing a row breaks its own hash and deleting
 * one breaks the sequence or the next row's link. Rows of chain version 2 are keyed (HMAC-SHA256 with
 * the deployment's audit key), so nobody without the key can recompute them; version 1 rows (written
 * before the audit was keyed) keep their plain sha256, and once a chain is keyed it never goes back.
 */
import { createHash, createHmac } from 'node:crypto';
import { AuditError, codes } from './audit-error.js';

/** prev_hash of the first row ever written: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** `chain_version` of a row hashed with plain sha256 (written before the audit was keyed). */
export const CHAIN_UNKEYED = 1;
/** `chain_version` of a row hashed with HMAC-SHA256 under the audit key. */
export const CHAIN_KEYED = 2;

/** `data.action` of the admin row that starts the keyed part of a chain that began unkeyed. */
export const KEYED_MARKER_ACTION = 'audit-chain-keyed';

/** Bytes an audit key must have. */
export const AUDIT_KEY_LENGTH = 32;

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
  /** CHAIN_UNKEYED or CHAIN_KEYED. */
  chain: number;
}

/** The link a row attaches to: the previous row's seq and hash (or the purge anchor, or genesis). */
export interface ChainLink {
  seq: number;
  hash: string;
}

/** Why a link is broken. */
export type ChainBreakReason =
  /** The row's hash does not match its contents (or was not made with this key): the row was edited. */
  | 'hash-mismatch'
  /** The row's seq does not follow the previous row's: rows before it were deleted. */
  | 'seq-gap'
  /** The row's prev_hash is not the previous row's hash: a row before it was deleted or replaced. */
  | 'prev-hash-mismatch'
  /** kind, actor or repo hold a newline (or repo is ''), or chain_version is unknown. */
  | 'malformed-row'
  /** The purge anchor does not match the latest purge record: the anchor or the purge was altered. */
  | 'anchor-mismatch'
  /** An unkeyed row follows a keyed one: keyed rows were rewritten with plain sha256. */
  | 'downgraded'
  /** A keyed row follows an unkeyed one without the marker the gateway writes when it starts keying. */
  | 'unmarked-key-start'
  /** Verified with a key, the chain ends in unkeyed rows: its keyed part was rewritten or cut off. */
  | 'unkeyed-tail'
  /** An external anchor names a seq beyond the last row: the newest rows were deleted. */
  | 'truncated'
  /** The row at an external anchor's seq no longer has the anchor's hash: the chain was rewritten. */
  | 'rewritten';

/** The first broken link found: the seq of the row where the chain breaks, and why. */
export interface ChainBreak {
  seq: number;
  reason: ChainBreakReason;
  /** A short human explanation (seq numbers only). */
  detail: string;
}

function hashInput(prevHash: string, seq: number, at: string, kind: string, actor: string, repo: string | null, data: string): string {
  return `${prevHash}\n${seq}\n${at}\n${kind}\n${actor}\n${repo ?? ''}\n${data}`;
}

/**
 * The unkeyed (chain version 1) row hash: sha256 (hex) of prev_hash, seq, at, kind, actor, repo (''
 * when null) and data, joined by '\n'. The writer refuses newlines in kind, actor and repo, so the
 * fields cannot shift.
 */
export function recordHash(prevHash: string, seq: number, at: string, kind: string, actor: string, repo: string | null, data: string): string {
  return createHash('sha256').update(hashInput(prevHash, seq, at, kind, actor, repo, data), 'utf8').digest('hex');
}

/**
 * The keyed (chain version 2) row hash: HMAC-SHA256 (hex) under `key` of 'gitgate-audit-v2\n' and
 * the same fields as `recordHash`. Throws TypeError unless the key has AUDIT_KEY_LENGTH bytes.
 */
export function keyedRecordHash(key: Uint8Array, prevHash: string, seq: number, at: string, kind: string, actor: string, repo: string | null, data: string): string {
  checkAuditKey(key);
  return createHmac('sha256', key).update(`gitgate-audit-v2\n${hashInput(prevHash, seq, at, kind, actor, repo, data)}`, 'utf8').digest('hex');
}

/** Throws TypeError unless `key` is a Uint8Array of AUDIT_KEY_LENGTH bytes (the message never shows it). */
export function checkAuditKey(key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== AUDIT_KEY_LENGTH) throw new TypeError(`the audit key must be ${AUDIT_KEY_LENGTH} bytes`);
}

/** The hash a row of `chain` version must have. */
export function chainHash(chain: number, key: Uint8Array | undefined, prevHash: string, seq: number, at: string, kind: string, actor: string, repo: string | null, data: string): string {
  if (chain === CHAIN_KEYED) {
    if (!key) throw new AuditError(codes.keyRequired, 'the audit chain is keyed: the audit key is required');
    return keyedRecordHash(key, prevHash, seq, at, kind, actor, repo, data);
  }
  return recordHash(prevHash, seq, at, kind, actor, repo, data);
}

/** True when a kind, actor or repo value could not be told apart from its neighbours in the hash input. */
export function isAmbiguousField(value: string): boolean {
  return value.includes('\n');
}

/** True when the row is the admin marker that starts a keyed part (its own HMAC is checked separately). */
export function isKeyedMarker(row: Pick<ChainedRecord, 'kind' | 'data'>): boolean {
  if (row.kind !== 'admin') return false;
  try {
    return (JSON.parse(row.data) as { action?: unknown }).action === KEYED_MARKER_ACTION;
  } catch {
    return false;
  }
}

/**
 * Walks rows in ascending seq order and remembers the first broken link. Every row is checked
 * against the previous row's stored hash, so one edited row is reported once, not as a cascade.
 * Keyed rows need the key: without it `push` throws AuditError GITGATE_AUDIT_KEY_REQUIRED.
 */
export class ChainWalker {
  #head: ChainLink;
  /** chain_version of the previous row; 0 at genesis, undefined after a purge anchor (not known). */
  #prevChain: number | undefined;
  readonly #key: Uint8Array | undefined;
  #checked = 0;
  #keyed = 0;
  #unkeyedSince: number | undefined;
  #firstBroken: ChainBreak | undefined;

  /**
   * `start` is the link the first row must attach to: the purge anchor, or seq 0 with GENESIS_HASH.
   * `key` checks keyed rows.
   */
  constructor(start: ChainLink, key?: Uint8Array) {
    if (key !== undefined) checkAuditKey(key);
    this.#head = { ...start };
    this.#prevChain = start.seq === 0 && start.hash === GENESIS_HASH ? 0 : undefined;
    this.#key = key;
  }

  /** Checks one row; returns the break it shows, if any (only the first is kept in `firstBroken`). */
  push(row: ChainedRecord): ChainBreak | undefined {
    this.#checked++;
    const found = check(this.#head, this.#prevChain, row, this.#key);
    if (found && !this.#firstBroken) this.#firstBroken = found;
    if (row.chain === CHAIN_KEYED) {
      this.#keyed++;
      this.#unkeyedSince = undefined;
    } else if (this.#unkeyedSince === undefined) {
      this.#unkeyedSince = row.seq;
    }
    // The next row links to what is stored here, even when this row is broken.
    this.#head = { seq: row.seq, hash: row.hash };
    this.#prevChain = row.chain;
    return found;
  }

  /** Rows checked so far. */
  get checked(): number {
    return this.#checked;
  }

  /** Keyed rows checked so far. */
  get keyed(): number {
    return this.#keyed;
  }

  /** The seq of the first row of the unkeyed run the chain currently ends with, if it ends unkeyed. */
  get unkeyedSince(): number | undefined {
    return this.#unkeyedSince;
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

function check(head: ChainLink, prevChain: number | undefined, row: ChainedRecord, key: Uint8Array | undefined): ChainBreak | undefined {
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
  if (row.chain !== CHAIN_UNKEYED && row.chain !== CHAIN_KEYED) {
    return { seq: row.seq, reason: 'malformed-row', detail: `row ${row.seq} has an unknown chain_version` };
  }
  if (row.chain === CHAIN_UNKEYED && prevChain === CHAIN_KEYED) {
    return { seq: row.seq, reason: 'downgraded', detail: `row ${row.seq} is unkeyed after keyed rows` };
  }
  if (chainHash(row.chain, key, row.prevHash, row.seq, row.at, row.kind, row.actor, row.repo, row.data) !== row.hash) {
    return { seq: row.seq, reason: 'hash-mismatch', detail: `row ${row.seq} does not match its hash` };
  }
  if (row.chain === CHAIN_KEYED && prevChain === CHAIN_UNKEYED && !isKeyedMarker(row)) {
    return { seq: row.seq, reason: 'unmarked-key-start', detail: `keyed row ${row.seq} follows unkeyed rows without the keying marker` };
  }
  return undefined;
}
