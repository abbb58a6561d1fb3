/**
 * Audit retention: records older than `retentionMs` are exported as JSON lines into `exportDir`, then
 * purged; checked at start and every 6 h.
 */
import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditLog } from '@gitgate/audit';
import type { Logger } from '@gitgate/log';

export interface AuditRetentionOptions {
  retentionMs: number;
  exportDir: string;
}

/** Runs one purge now and schedules the next ones; returns the timer (unref'd) to clear on close. */
export function startAuditRetention(audit: AuditLog, opts: AuditRetentionOptions, log: Logger): NodeJS.Timeout {
  const { retentionMs, exportDir } = opts;
  const purge = (): void => {
    mkdirSync(exportDir, { recursive: true, mode: 0o700 });
    const exportPath = join(exportDir, `audit-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
    audit.exportAndPurge({ before: new Date(Date.now() - retentionMs), exportPath, actor: 'retention' }).then(
      (r) => { if (r.purged > 0) log.info('audit records purged', { exported: r.exported, purged: r.purged, exportPath }); else unlinkSync(exportPath); },
      (e: unknown) => log.error('audit retention failed', { error: (e as Error).message }),
    );
  };
  purge();
  const timer = setInterval(purge, 6 * 3600e3);
  timer.unref();
  return timer;
}
