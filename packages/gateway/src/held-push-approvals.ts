/**
 * Held pushes end to end (`push.requireApproval`, docs/architecture.md "Held pushes"): the push request of
 * a held push is decided by the detokenize approvers through PushApprovalService; the approval that
 * completes it releases the held push upstream (RepoMirror.releaseHeld) and records what upstream did; a
 * denial or expiry discards it. Decisions land in the audit (detokenize kinds, `subject: 'push'`), the
 * releases as `push` rows, and every event goes to the webhook.
 */
import { PushApprovalService, type Policy, type PushApprovalEvent, type PushRequestView } from '@gitgate/access';
import type { WebhookDeliveries } from './webhook-deliveries.js';
import type { AuditLog } from '@gitgate/audit';
import type { Logger } from '@gitgate/log';
import { PushRules, type PushOutcome, type PushSettings, type RepoMirror } from '@gitgate/mirror';
import { recordPushRefs, type GatewayMetrics, type HeldPushInput, type PushApprovalApi } from '@gitgate/server';

export interface HeldPushApprovalsOptions {
  /** DataDir.accessDb (beside the detokenize requests). */
  dbPath: string;
  policy: () => Policy;
  /** The served mirrors by name (live: a reload changes it). */
  repos: ReadonlyMap<string, RepoMirror>;
  /** A repository's push settings in force (a reload may have changed them since the push was held). */
  pushSettings: (repo: string) => PushSettings | undefined;
  audit: AuditLog;
  metrics: GatewayMetrics;
  webhook?: WebhookDeliveries;
  logger: Logger;
  /** How often pending requests past their deadline are expired and their held pushes discarded (ms, default 60 000). */
  expiryIntervalMs?: number;
}

/** The running approval of held pushes. */
export interface HeldPushApprovals extends PushApprovalApi {
  close(): Promise<void>;
}

/**
 * Why the push settings in force now refuse a held push (authorization at the moment of use), or
 * undefined. A fast-forward is not re-judged: the release's lease refuses a ref that moved.
 */
function refusedNow(settings: PushSettings | undefined, view: PushRequestView): string | undefined {
  if (settings === undefined) return 'the repository no longer accepts pushes';
  const rules = new PushRules(settings);
  for (const r of view.refs) {
    const d = rules.decide({ ref: r.ref, oldId: r.oldId, newId: r.newId });
    if (!d.ok) return `the push settings no longer allow it (${d.reason})`;
  }
  return undefined;
}

/**
 * At start, keeps on disk only the held pushes still waiting: one whose request ended, or that has no
 * request (a stop between holding and opening it), is discarded; one approved but not released (a stop
 * during its release) is discarded and its request ends `failed`, so the pusher pushes again.
 */
async function reconcile(service: PushApprovalService, repos: ReadonlyMap<string, RepoMirror>, log: Logger, failed: (view: PushRequestView, reason: string) => Promise<unknown>): Promise<void> {
  for (const mirror of repos.values()) {
    const ids = mirror.heldPushes();
    if (ids.length === 0) continue;
    const requests = await service.byIds(ids);
    for (const id of ids) {
      const request = requests.get(id);
      if (request?.status === 'pending') continue;
      await mirror.discardHeld(id);
      if (request?.status === 'approved') await failed(request, 'the gateway stopped while releasing it; fetch to see whether the branch arrived, then push again if not');
      log.warn('held push discarded at start', { repo: mirror.name, requestId: id, status: request?.status ?? 'no request' });
    }
  }
}

/** Opens the push request store and starts the expiry timer. */
export async function openHeldPushApprovals(opts: HeldPushApprovalsOptions): Promise<HeldPushApprovals> {
  const { repos, audit, metrics, webhook, logger: log } = opts;
  const discard = (e: PushApprovalEvent): void => {
    void repos.get(e.repo)?.discardHeld(e.requestId).catch((err: unknown) => log.error('held push not discarded', { repo: e.repo, requestId: e.requestId, error: (err as Error).message }));
  };
  const service = await PushApprovalService.open({
    dbPath: opts.dbPath, policy: opts.policy, logger: log,
    events: (e) => {
      void audit.record({ kind: e.type, actor: e.actor, repo: e.repo, data: { ...e } });
      // A denial discards in `deny`, before it answers; expiry happens in any call's sweep or on the timer.
      if (e.type === 'detokenize-expire') discard(e);
      webhook?.notifyPush(e);
    },
  });
  /** Records a release that did not happen (one `push` row per ref, outcome error) and ends the request failed. */
  const failed = async (view: PushRequestView, reason: string): Promise<PushRequestView> => {
    const outcome = { refs: view.refs.map((r) => ({ ...r, ok: false, reason })), tokensRestored: [], commits: view.commits, error: true as const };
    await recordPushRefs({ audit, metrics, log }, view.repo, view.pusher, { id: view.id, clientAddress: '', userAgent: '', pushRequestId: view.id }, outcome);
    return service.settle(view.id, outcome.refs);
  };
  await reconcile(service, repos, log, failed);
  const timer = setInterval(() => {
    service.expireDue().catch((err: unknown) => log.warn('push request expiry failed', { error: (err as Error).message }));
  }, opts.expiryIntervalMs ?? 60_000);
  timer.unref();

  /** Pushes an approved request's held push upstream, records each ref, and settles the request. */
  const release = async (view: PushRequestView): Promise<PushRequestView> => {
    const mirror = repos.get(view.repo);
    let outcome: PushOutcome;
    try {
      if (!mirror) throw new Error('the repository is no longer served');
      const refused = refusedNow(opts.pushSettings(view.repo), view);
      if (refused) {
        await mirror.discardHeld(view.id);
        outcome = { refs: view.refs.map((r) => ({ ...r, ok: false, reason: refused })), tokensRestored: [], commits: view.commits };
      } else {
        outcome = await mirror.releaseHeld(view.id);
      }
    } catch (e) {
      log.error('held push release failed', { repo: view.repo, requestId: view.id, code: (e as { code?: string }).code, error: (e as Error).message?.slice(0, 300) });
      return failed(view, 'the gateway could not complete the release (upstream unavailable or an internal error); fetch to see whether the branch arrived, then push again if not');
    }
    await recordPushRefs({ audit, metrics, log }, view.repo, view.pusher, { id: view.id, clientAddress: '', userAgent: '', pushRequestId: view.id }, outcome);
    return service.settle(view.id, outcome.refs.map((r) => ({ ref: r.ref, ok: r.ok, ...(r.reason !== undefined ? { reason: r.reason } : {}) })));
  };

  return {
    hold: (id, held: HeldPushInput) => service.hold(id, held),
    listForApprover: (id, q) => service.listForApprover(id, q),
    get: (id, rid) => service.get(id, rid),
    async approve(id, rid, comment) {
      const view = await service.approve(id, rid, comment);
      return view.status === 'approved' ? release(view) : view;
    },
    async deny(id, rid, comment) {
      const view = await service.deny(id, rid, comment);
      await repos.get(view.repo)?.discardHeld(view.id);
      return view;
    },
    async close() {
      clearInterval(timer);
      await service.close();
    },
  };
}
