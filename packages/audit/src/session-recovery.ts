/**
 * Crash recovery: a fetch writes `session-start` when it begins and `session` when it ends. A start
 * without an end means the process died mid-request; on open each one gets a `session` record with
 * outcome 'incomplete', so every fetch that began shows up in `sessions`.
 */
import type { Database } from '@gitgate/db';
import { canonicalJson } from './canonical-json.js';
import type { PendingRecord } from './audit-event.js';
import { appendRecords } from './record-store.js';
import { jsonText } from './audit-schema-pg.js';
import type { Logger } from '@gitgate/log';

interface StartRow {
  at: string;
  actor: string;
  repo: string | null;
  data: string;
}

/**
 * Appends an 'incomplete' session for every session-start older than `graceMs` that has no session
 * with the same id, in one transaction. The new record copies the start's data and adds `outcome:
 * 'incomplete'` and `startedAt`, keyed when `key` is given. Returns how many were written. The grace
 * is for replicas sharing one PostgreSQL audit: a younger start may belong to a fetch another replica
 * is still serving.
 */
export async function recordIncompleteSessions(db: Database, now: Date, logger: Logger, key?: Uint8Array, graceMs = 0): Promise<number> {
  const id = (alias: string): string => jsonText(db.dialect, `${alias}.data`, 'id');
  return db.transaction(async (tx) => {
    const starts = await tx.all<StartRow>(`
      SELECT s.at, s.actor, s.repo, s.data FROM records s
      WHERE s.kind = 'session-start' AND s.at <= ?
        AND ${id('s')} IS NOT NULL
        AND NOT EXISTS (
          SELECT 1 FROM records e
          WHERE e.kind = 'session' AND ${id('e')} = ${id('s')})
      ORDER BY s.seq`, [new Date(now.getTime() - graceMs).toISOString()]);
    if (starts.length === 0) return 0;
    const at = now.toISOString();
    const pending: PendingRecord[] = starts.map((s) => {
      const start = JSON.parse(s.data) as Record<string, unknown>;
      return {
        at,
        kind: 'session',
        actor: s.actor,
        repo: s.repo,
        data: canonicalJson({ ...start, outcome: 'incomplete', startedAt: s.at }),
      };
    });
    await appendRecords(tx, pending, key);
    logger.warn('incomplete sessions recorded', { count: pending.length });
    return pending.length;
  });
}
