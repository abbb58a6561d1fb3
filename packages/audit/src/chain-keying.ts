/**
 * Opening a chain for writing with (or without) the audit key (docs/audit.md, "Tamper evidence"): a
 * chain that ends in unkeyed rows gets a keyed marker row, so every later row is keyed and a keyed
 * chain never legitimately ends unkeyed; a chain that ends keyed is only continued with the key that
 * verifies its last row.
 */
import type { Database } from '@gitgate/db';
import { AuditError, codes } from './audit-error.js';
import { SYSTEM_ACTOR, type AdminData, type PendingRecord } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { CHAIN_KEYED, CHAIN_UNKEYED, KEYED_MARKER_ACTION, keyedRecordHash } from './hash-chain.js';
import type { Logger } from '@gitgate/log';
import { appendRecords, readLastRow } from './record-store.js';

/**
 * Checks the last row against `key` and starts the keyed part when the chain ends unkeyed. Throws
 * AuditError GITGATE_AUDIT_KEY_REQUIRED when the chain ends keyed and no key is given,
 * GITGATE_AUDIT_KEY_MISMATCH when the key does not verify the last keyed row. Returns the seq of the
 * marker row it wrote, if any.
 */
export async function prepareChainForWriting(db: Database, key: Uint8Array | undefined, now: Date, logger: Logger): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    const last = await readLastRow(tx);
    if (!last) return undefined;
    if (last.chain_version === CHAIN_KEYED) {
      if (!key) throw new AuditError(codes.keyRequired, `the audit chain is keyed (last row ${last.seq}): open it with the audit key`, { data: { seq: last.seq } });
      if (keyedRecordHash(key, last.prev_hash, last.seq, last.at, last.kind, last.actor, last.repo, last.data) !== last.hash) {
        throw new AuditError(codes.keyMismatch, `the audit key does not verify the last audit row (seq ${last.seq}): a different key, or the row was altered (run gitgate audit verify)`, {
          data: { seq: last.seq },
        });
      }
      return undefined;
    }
    if (!key || last.chain_version !== CHAIN_UNKEYED) return undefined;
    const data: AdminData = { action: KEYED_MARKER_ACTION, details: { unkeyedThroughSeq: last.seq } };
    const marker: PendingRecord = { at: now.toISOString(), kind: 'admin', actor: SYSTEM_ACTOR, repo: null, data: canonicalJson(data) };
    const { to } = await appendRecords(tx, [marker], key);
    logger.warn('audit chain keyed from here on', { seq: to.seq, unkeyedThroughSeq: last.seq });
    return to.seq;
  });
}
