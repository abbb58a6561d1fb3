/**
 * Appending to and reading the chained `records` table. Appends run inside the caller's transaction
 * and take seq and prev_hash from the last stored row, so the chain is computed from what is on disk,
 * never from in-memory state that a restart or a purge could have made stale.
 */
import type { Database } from '@gitgate/db';
import type { PendingRecord } from './audit-event.js';
import { GENESIS_HASH, recordHash, type ChainLink, type ChainedRecord } from './hash-chain.js';

/** Rows per multi-row INSERT: 8 parameters each stays far below SQLite's parameter limit. */
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
}

/** Maps a stored row to the shape the chain walker checks. */
export function toChained(row: RecordsRow): ChainedRecord {
  return { seq: row.seq, at: row.at, kind: row.kind, actor: row.actor, repo: row.repo, data: row.data, prevHash: row.prev_hash, hash: row.hash };
}

/** The purge anchor (the last purged row's seq and hash), if a purge ever ran. */
export async function readAnchor(db: Database): Promise<ChainLink | undefined> {
  return db.get<ChainLink>('SELECT seq, hash FROM chain_anchor ORDER BY seq DESC LIMIT 1');
}

/** The link the next row attaches to: the last row, else the purge anchor, else genesis. */
export async function readHead(db: Database): Promise<ChainLink> {
  const last = await db.get<ChainLink>('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1');
  if (last) return last;
  return (await readAnchor(db)) ?? { seq: 0, hash: GENESIS_HASH };
}

/**
 * Chains and inserts `pending` in order. Call inside a transaction (the seq read and the inserts must
 * not interleave with another writer). Returns the head found before the append and the new head.
 */
export async function appendRecords(tx: Database, pending: readonly PendingRecord[]): Promise<{ from: ChainLink; to: ChainLink }> {
  const from = await readHead(tx);
  let head = from;
  for (let i = 0; i < pending.length; i += INSERT_CHUNK) {
    const chunk = pending.slice(i, i + INSERT_CHUNK);
    const params: unknown[] = [];
    for (const r of chunk) {
      const seq = head.seq + 1;
      const hash = recordHash(head.hash, seq, r.at, r.kind, r.actor, r.repo, r.data);
      params.push(seq, r.at, r.kind, r.actor, r.repo, r.data, head.hash, hash);
      head = { seq, hash };
    }
    const values = chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    await tx.run(`INSERT INTO records (seq, at, kind, actor, repo, data, prev_hash, hash) VALUES ${values}`, params);
  }
  return { from, to: head };
}
