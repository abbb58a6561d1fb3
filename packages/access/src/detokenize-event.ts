/** What the detokenize service reports on every state change, for the audit and webhooks. Never a secret. */

/** The status of a detokenize request. */
export type RequestStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'revoked' | 'revealed';

/** Every status, in life-cycle order. */
export const REQUEST_STATUSES: readonly RequestStatus[] = Object.freeze(['pending', 'approved', 'denied', 'expired', 'revoked', 'revealed'] as RequestStatus[]);

/**
 * The kinds of event. The first five and 'token-revoke' match the audit kinds of the same name;
 * 'detokenize-revoke' is a request that ended because its token was revoked (one per request, after
 * the 'token-revoke' of the admin's action).
 */
export type DetokenizeEventType =
  | 'detokenize-request'
  | 'detokenize-approve'
  | 'detokenize-deny'
  | 'detokenize-reveal'
  | 'detokenize-expire'
  | 'detokenize-revoke'
  | 'token-revoke';

/** One state change. `actor` is the subject who caused it, or 'system' for expiry. */
export interface DetokenizeEvent {
  type: DetokenizeEventType;
  /** The request concerned; null on 'token-revoke'. */
  requestId: string | null;
  token: string;
  actor: string;
  /** When it happened (ISO 8601 UTC). */
  at: string;
  /** The request's status after the change (absent on 'token-revoke'). */
  status?: RequestStatus;
  requester?: string;
  approver?: string;
  reason?: string | null;
  comment?: string | null;
  /** Distinct approvals so far, and how many are needed ('detokenize-approve'). */
  approvals?: number;
  requiredApprovals?: number;
  /** The deadline now in force: the pending deadline, or the grant's once approved. */
  expiresAt?: string | null;
  /** On 'detokenize-expire': whether the pending request or the approved grant lapsed. */
  phase?: 'request' | 'grant';
  /** On 'token-revoke': the requests that ended because of it. */
  requestIds?: string[];
}

/** The actor of changes nobody made (expiry). */
export const SYSTEM_ACTOR = 'system';
