/**
 * Runs a repository's sync on behalf of the gateway — for a git request or in the background — and
 * records it: one audit `sync` row and the sync metrics per finished sync (a coalesced sync shared by
 * many requests is recorded once), an audit row and a clear 502 error when it fails. The error names the
 * repository and the kind of failure only (sync-failure.ts); the full message goes to the log and the audit.
 */
import type { RepoMirror, SyncReport } from '@gitgate/mirror';
import { ServerError, codes } from './errors.js';
import { noopLogger, type Logger } from './logger.js';
import { nullAudit, type AuditSink } from './audit-sink.js';
import type { GatewayMetrics } from './metrics.js';
import type { SyncHealth } from './sync-health.js';
import { syncFailureMessage } from './sync-failure.js';

/** Brings a mirror up to date and records the sync; throws ServerError GITGATE_UPSTREAM_FAILED (502). */
export type SyncRunner = (mirror: RepoMirror) => Promise<SyncReport>;

export interface SyncRunnerOptions {
  audit?: AuditSink;
  metrics?: GatewayMetrics;
  /** Where each repository's last outcome is kept (for /readyz). */
  health?: SyncHealth;
  logger?: Logger;
}

export function createSyncRunner(opts: SyncRunnerOptions = {}): SyncRunner {
  const log = opts.logger ?? noopLogger;
  const audit = opts.audit ?? nullAudit;
  const recorded = new WeakSet<SyncReport>();
  // A failed sync shared by several requests is one failure.
  const failures = new WeakSet<object>();
  return async (mirror) => {
    const started = Date.now();
    try {
      const report = await mirror.sync();
      if (!recorded.has(report)) {
        recorded.add(report);
        const at = opts.health?.succeeded(mirror.name) ?? new Date();
        opts.metrics?.syncLastSuccess.set({ repo: mirror.name }, Math.floor(at.getTime() / 1000));
        if (opts.metrics) {
          opts.metrics.syncDuration.observe(undefined, report.ms / 1000);
          opts.metrics.objectsRewritten.inc({ repo: mirror.name }, report.rewritten);
          for (const [rule, n] of Object.entries(report.secretsByRule)) opts.metrics.secretsTokenized.inc({ rule }, n);
        }
        audit.record({
          kind: 'sync', actor: 'system', repo: mirror.name,
          data: { repo: mirror.name, upToDate: report.upToDate, objects: report.objects, rewritten: report.rewritten, unchanged: report.unchanged, withheld: report.withheld, secrets: report.secrets, secretsByRule: report.secretsByRule, refs: report.refs, durationMs: report.ms, outcome: 'ok' },
        });
      }
      return report;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (typeof e !== 'object' || e === null || !failures.has(e)) {
        if (typeof e === 'object' && e !== null) failures.add(e);
        opts.health?.failed(mirror.name, err.code ?? 'GITGATE_INTERNAL');
        opts.metrics?.syncFailures.inc({ repo: mirror.name });
      }
      log.error('sync failed', { repo: mirror.name, code: err.code, error: err.message });
      audit.record({ kind: 'sync', actor: 'system', repo: mirror.name, data: { repo: mirror.name, durationMs: Date.now() - started, outcome: 'error', errorCode: err.code ?? 'GITGATE_INTERNAL', error: String(err.message ?? 'unknown error').slice(0, 2000) } });
      throw new ServerError(codes.upstreamFailed, syncFailureMessage(mirror.name, e), { cause: e });
    }
  };
}
