/** The `push` audit rows and gitgate_pushes_total counts of pushed ref updates: at receive-pack, and when a held push is released. */
import type { PushOutcome, RefOutcome } from '@gitgate/mirror';
import type { AuditEvent, AuditSink } from './audit-sink.js';
import type { Logger } from './logger.js';
import type { GatewayMetrics } from './metrics.js';

/** How one ref update ended, as the audit and the metric name it ('pushing': proven, about to go upstream; audit only). */
export type PushRefOutcome = 'ok' | 'held' | 'refused' | 'error' | 'pushing';

/** Where a push's records come from: the git session (or, for a release, the push request) and its client. */
export interface PushRecordBase {
  /** The git session id; for a release, the push request id. */
  id: string;
  clientAddress: string;
  userAgent: string;
  /** The push request a held or released update belongs to. */
  pushRequestId?: string;
}

function outcomeOf(r: RefOutcome, error: boolean): PushRefOutcome {
  if (r.ok) return 'ok';
  if (r.held !== undefined) return 'held';
  return error ? 'error' : 'refused';
}

/** One `push` row: ref update `r` ending `outcome`, with the tokens it restores upstream (never values). */
function pushEvent(repo: string, actor: string, base: PushRecordBase, r: RefOutcome, outcome: PushRefOutcome, tokensRestored: readonly string[], commits: number): AuditEvent {
  return {
    kind: 'push', actor, repo,
    data: {
      id: base.id, ref: r.recordedRef ?? r.ref, outcome, ...(r.reason !== undefined ? { reason: r.reason } : {}),
      oldId: r.oldId, newId: r.newId,
      ...(r.upstreamOldId !== undefined ? { upstreamOldId: r.upstreamOldId } : {}), ...(r.upstreamNewId !== undefined ? { upstreamNewId: r.upstreamNewId } : {}),
      tokensRestored: [...tokensRestored], commits,
      clientAddress: base.clientAddress, userAgent: base.userAgent, ...(base.pushRequestId !== undefined ? { pushRequestId: base.pushRequestId } : {}),
    },
  };
}

/**
 * Before a proven push goes upstream: one durable `push` row per ref with outcome `pushing` (the ids and
 * the tokens about to be restored upstream), so that a stop between upstream's update and the final row
 * still leaves who pushed what on record. Rejects when the audit cannot write: the push then fails with
 * nothing upstream.
 */
export async function recordPushStart(
  ctx: { audit: AuditSink }, repo: string, actor: string, base: PushRecordBase, planned: { refs: readonly RefOutcome[]; tokensRestored: readonly string[]; commits: number },
): Promise<void> {
  await ctx.audit.recordAllDurable(planned.refs.map((r) => pushEvent(repo, actor, base, r, 'pushing', planned.tokensRestored, planned.commits)));
}

/**
 * Writes one durable `push` row per ref (tokens, never values; upstream ids for the security team only)
 * and counts each. A failed write is logged: the refs already went where they went.
 */
export async function recordPushRefs(
  ctx: { audit: AuditSink; metrics?: GatewayMetrics; log: Logger }, repo: string, actor: string, base: PushRecordBase, outcome: PushOutcome & { error?: true },
): Promise<void> {
  const events = outcome.refs.map((r) => {
    const result = outcomeOf(r, outcome.error === true);
    ctx.metrics?.pushes.inc({ repo, outcome: result });
    return pushEvent(repo, actor, base, r, result, result === 'ok' || result === 'held' ? outcome.tokensRestored : [], outcome.commits);
  });
  try {
    await ctx.audit.recordAllDurable(events);
  } catch (e) {
    ctx.log.error('audit write failed after a push', { repo, id: base.id, code: (e as { code?: string }).code });
  }
}
