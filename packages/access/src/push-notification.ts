/** A push approval event as a webhook notification: its facts, a headline, and the event itself as the generic body. */
import type { PushApprovalEvent } from './push-approval-event.js';
import type { WebhookNotification } from './webhook-notification.js';

const TITLES: Record<PushApprovalEvent['type'], string> = {
  'detokenize-request': 'Push held for approval',
  'detokenize-approve': 'Held push approved',
  'detokenize-deny': 'Held push denied',
  'detokenize-expire': 'Held push expired',
};

/** The notification of `e` (kind `push-request`, `push-approve`, …); the refs pushed stand where a path would. */
export function pushNotification(e: PushApprovalEvent): WebhookNotification {
  const title = e.type === 'detokenize-approve' && e.status === 'pending' ? 'Held push: approval recorded' : TITLES[e.type] ?? String(e.type);
  return {
    kind: e.type.replace(/^detokenize-/, 'push-'),
    title,
    requestId: e.requestId,
    at: e.at,
    actor: e.actor,
    repo: e.repo,
    path: e.refs.map((r) => r.ref).join(', ') || null,
    requester: e.requester,
    comment: e.comment ?? null,
    status: e.status,
    approvals: e.approvals,
    requiredApprovals: e.requiredApprovals,
    body: e,
  };
}
