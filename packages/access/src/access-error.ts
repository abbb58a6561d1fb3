/** Errors of the access package. Messages name subjects, request ids and tokens, never a JWT or a secret. */
import { defineError, codesOf, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const accessErrors = {
  /** No credential, or one that failed verification; `data.reason` says which check failed. */
  unauthenticated: defineError('GITGATE_UNAUTHENTICATED', 401, 'authentication required'),
  /** The identity is authenticated but not allowed to do this. */
  forbidden: defineError('GITGATE_FORBIDDEN', 403, 'not allowed'),
  /** No such request or token (or none this identity may see). */
  notFound: defineError('GITGATE_NOT_FOUND', 404, 'not found'),
  /** The request or token is not in a state that allows this (not pending, revoked, already open). */
  conflict: defineError('GITGATE_CONFLICT', 409, 'conflict'),
  /** The grant is used up: revealed once already, expired, or its token was revoked. */
  gone: defineError('GITGATE_GONE', 410, 'gone'),
  /** The caller's input is malformed (not a token, missing reason, unknown status). */
  badInput: defineError('GITGATE_BAD_INPUT', 400, 'bad input'),
  /** A denial without a comment: the requester is owed a reason. */
  commentRequired: defineError('GITGATE_COMMENT_REQUIRED', 400, 'a deny needs a comment saying why'),
  /** The identity provider's discovery document or key set could not be fetched. */
  oidcUnavailable: defineError('GITGATE_OIDC_UNAVAILABLE', 503, 'the identity provider is unavailable'),
  /** A webhook delivery failed after every attempt. */
  webhookFailed: defineError('GITGATE_WEBHOOK_FAILED', 502, 'a webhook delivery failed'),
  /** The audit record a step needs first (a reveal's, a pack's) could not be written, so the step did not happen. */
  auditUnavailable: defineError('GITGATE_AUDIT_UNAVAILABLE', 503, 'the audit log cannot be written right now; try again later'),
};

/**
 * An access failure. `code` is stable, `status` is the HTTP status declared for its code, `data` holds
 * structured, non-secret details (for GITGATE_UNAUTHENTICATED always a short `reason` such as 'expired').
 */
export class AccessError extends errorClass('AccessError', accessErrors) {}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(accessErrors);
export type AccessErrorCode = (typeof codes)[keyof typeof codes];
