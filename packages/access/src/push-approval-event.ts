/**
 * What the push approval service reports on every state change, for the audit and webhooks. The types
 * are the detokenize ones (the same approval flow); `subject: 'push'` tells them apart. Never a value.
 */

/** The status of a push request: waiting, allowed (being released), ended by a decision or the clock, or released. */
export type PushRequestStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'released' | 'failed';

/** Every status, in life-cycle order. */
export const PUSH_REQUEST_STATUSES: readonly PushRequestStatus[] = Object.freeze(['pending', 'approved', 'denied', 'expired', 'released', 'failed'] as PushRequestStatus[]);

/** One state change of a push request. */
export interface PushApprovalEvent {
  type: 'detokenize-request' | 'detokenize-approve' | 'detokenize-deny' | 'detokenize-expire';
  subject: 'push';
  requestId: string;
  repo: string;
  /** The subject who caused it, or 'system' for expiry. */
  actor: string;
  at: string;
  status: PushRequestStatus;
  /** The pusher. */
  requester: string;
  /** The ref updates held (sanitized ids, names as pushed). */
  refs: { ref: string; oldId: string; newId: string }[];
  approver?: string;
  comment?: string | null;
  approvals?: number;
  requiredApprovals?: number;
  expiresAt?: string;
  phase?: 'request';
}
