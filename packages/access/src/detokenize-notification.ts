/** A detokenize event as a webhook notification: its facts, a headline, and the event itself as the generic body. */
import type { DetokenizeEvent } from './detokenize-event.js';
import type { WebhookNotification } from './webhook-notification.js';

/** Where the token of a request was seen and why it was asked for (the request's context, never the secret). */
export interface RequestFacts {
  repo: string | null;
  path: string | null;
  reason?: string | null;
}

const TITLES: Record<DetokenizeEvent['type'], string> = {
  'detokenize-request': 'Detokenize request created',
  'detokenize-approve': 'Detokenize request approved',
  'detokenize-deny': 'Detokenize request denied',
  'detokenize-reveal': 'Detokenized secret revealed to the requester',
  'detokenize-expire': 'Detokenize request expired',
  'detokenize-revoke': 'Detokenize request ended: token revoked',
  'token-revoke': 'Token revoked',
};

/** The headline of `e`; an approval that is not yet enough says so. */
function titleOf(e: DetokenizeEvent): string {
  if (e.type === 'detokenize-approve' && e.status === 'pending') return 'Detokenize request approval recorded';
  if (e.type === 'detokenize-expire' && e.phase === 'grant') return 'Detokenize grant expired';
  return TITLES[e.type] ?? String(e.type);
}

/** The notification of `e`; `facts` adds the repository, path and reason of its request. The generic body is `e` unchanged. */
export function detokenizeNotification(e: DetokenizeEvent, facts: RequestFacts = { repo: null, path: null }): WebhookNotification {
  return {
    kind: e.type,
    title: titleOf(e),
    requestId: e.requestId,
    at: e.at,
    actor: e.actor,
    repo: facts.repo,
    path: facts.path,
    requester: e.requester ?? null,
    reason: e.reason ?? facts.reason ?? null,
    comment: e.comment ?? null,
    status: e.status,
    approvals: e.approvals,
    requiredApprovals: e.requiredApprovals,
    token: e.token,
    body: e,
  };
}
