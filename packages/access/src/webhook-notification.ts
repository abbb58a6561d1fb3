/**
 * What a webhook reports, whatever produced it: a detokenize event today, a push-approval request
 * later. The chat formats (slack, teams) show its facts and a link; the generic format sends `body`
 * as it is. Never a secret: tokens, identities, repository paths and users' free text only.
 */

/** One notification, as the webhook queue stores and the payload presets read it. */
export interface WebhookNotification {
  /** The event kind, sent as X-Gitgate-Event: 'detokenize-request', 'detokenize-approve', 'push-request'… */
  kind: string;
  /** The headline a person reads: 'Detokenize request approved'. */
  title: string;
  /** The request concerned: deliveries of one request keep their order, and the link points at it. Null: none. */
  requestId: string | null;
  /** When it happened (ISO 8601 UTC). */
  at: string;
  /** Who acted ('system' for expiry). */
  actor: string;
  repo: string | null;
  path: string | null;
  requester?: string | null;
  reason?: string | null;
  comment?: string | null;
  /** The request's status after the event. */
  status?: string;
  /** Distinct approvals so far and how many are needed. */
  approvals?: number;
  requiredApprovals?: number;
  /** The token concerned (never its secret). */
  token?: string;
  /** Where a person sees the request; when absent it is the approvals page with `#<requestId>`. */
  link?: string;
  /** The body of the 'generic' format, sent unchanged (JSON-serialisable). */
  body: unknown;
}

/** The facts of a notification as label and value pairs, in reading order; absent ones left out. */
export function notificationFacts(n: WebhookNotification): [string, string][] {
  const facts: [string, string | null | undefined][] = [
    ['Repository', n.repo],
    ['Path', n.path],
    ['Requester', n.requester],
    ['Reason', n.reason],
    ['Approvals', n.requiredApprovals === undefined ? undefined : `${n.approvals ?? 0} of ${n.requiredApprovals}`],
    ['By', n.actor],
    ['Comment', n.comment],
    ['Status', n.status],
    ['Token', n.token],
  ];
  return facts.filter((f): f is [string, string] => typeof f[1] === 'string' && f[1] !== '');
}

/** The link of a notification: its own, else `pageUrl#<requestId>`; undefined when neither applies. */
export function notificationLink(n: WebhookNotification, pageUrl: string | undefined): string | undefined {
  if (n.link) return n.link;
  if (n.requestId === null || !pageUrl) return undefined;
  return `${pageUrl.replace(/#.*$/, '')}#${encodeURIComponent(n.requestId)}`;
}
