/**
 * Appending to and reading the chained `records` table. Appends run inside the caller's transaction
 * and take seq and prev_hash from the last stored row, so the chain is computed from what is on disk,
 * never from in-memory state that a restart or a purge could have made stale.
 */
import type { Database } from '@gitgate/db';
import { AuditError, codes } from './audit-error.js';
import type { PendingRecord } from './audit-event.js';
import { CHAIN_KEYED, CHAIN_UNKEYED, GENESIS_HASH, chainHash, type ChainLink, type ChainedRecord } from './hash-chain.js';

/** Rows per multi-row INSERT: 9 parameters each stays below SQLite's oldest parameter limit (999). */
const INSERT_CHUNK = 100;

/** A `records` row as SQLite returns it. */
export interface RecordsRow {
  seq: number;
  at: string;
  kind: string;
  actor: string;
  repo: string | null;
  data: string;
  prev_hash: string;
  hash: string;
  chain_version: number;
}

/** The head of the chain: the last row (with its chain version and time), else the purge anchor, else genesis. */
export interface HeadLink extends ChainLink {
  /** chain_version of the last row; undefined when no row remains. */
  chain?: number;
  /** `at` of the last row; undefined when no row remains. */
  at?: string;
}

/** Maps a stored row to the shape the chain walker checks. */
export function toChained(row: RecordsRow): ChainedRecord {
  return {
    seq: row.seq, at: row.at, kind: row.kind, actor: row.actor, repo: row.repo, data: row.data,
    prevHash: row.prev_hash, hash: row.hash, chain: row.chain_version,
  };
}

/** The purge anchor (the last purged row's seq and hash), if a purge ever ran. */
export async function readAnchor(db: Database): Promise<ChainLink | undefined> {
  return db.get<ChainLink>('SELECT seq, hash FROM chain_anchor ORDER BY seq DESC LIMIT 1');
}

/** The link the next row attaches to: the last row, else the purge anchor, else genesis. */
export async function readHead(db: Database): Promise<HeadLink> {
  const last = await db.get<HeadLink>('SELECT seq, hash, chain_version AS chain, at FROM records ORDER BY seq DESC LIMIT 1');
  if (last) return last;
  return (await readAnchor(db)) ?? { seq: 0, hash: GENESIS_HASH };
}

/** The last stored row in full, if any. */
export async function readLastRow(db: Database): Promise<RecordsRow | undefined> {
  return db.get<RecordsRow>('SELECT * FROM records ORDER BY seq DESC LIMIT 1');
}

/**
 * Chains and inserts `pending` in order, keyed (chain version 2) when `key` is given. Call inside a
 * transaction (the seq read and the inserts must not interleave with another writer). Returns the
 * head found before the append and the new head. Throws AuditError GITGATE_AUDIT_KEY_REQUIRED when
 * the chain ends in a keyed row and no key is given: an unkeyed row there would break the chain.
 */
export async function appendRecords(tx: Database, pending: readonly PendingRecord[], key?: Uint8Array): Promise<{ from: ChainLink; to: ChainLink }> {
  const found = await readHead(tx);
  if (!key && found.chain === CHAIN_KEYED) {
    throw new AuditError(codes.keyRequired, 'the audit chain is keyed: rows can only be appended with the audit key');
  }
  const chain = key ? CHAIN_KEYED : CHAIN_UNKEYED;
  const from = { seq: found.seq, hash: found.hash };
  let head = from;
  for (let i = 0; i < pending.length; i += INSERT_CHUNK) {
    const chunk = pending.slice(i, i + INSERT_CHUNK);
    const params: unknown[] = [];
    for (const r of chunk) {
      const seq = head.seq + 1;
      const hash = chainHash(chain, key, head.hash, seq, r.at, r.kind, r.actor, r.repo, r.data);
      params.push(seq, r.at, r.kind, r.actor, r.repo, r.data, head.hash, hash, chain);
      head = { seq, hash };
    }
    const values = chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    await tx.run(`INSERT INTO records (seq, at, kind, actor, repo, data, prev_hash, hash, chain_version) VALUES ${values}`, params);
  }
  return { from, to: head };
}
