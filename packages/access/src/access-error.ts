/** Errors of the access package. Messages name subjects, request ids and tokens, never a JWT or a secret. */

/** Stable error codes of this package; `status` of an AccessError is the HTTP status for its code. */
export const codes = {
  /** No credential, or one that failed verification; `data.reason` says which check failed. */
  unauthenticated: 'GITGATE_UNAUTHENTICATED',
  /** The identity is authenticated but not allowed to do this. */
  forbidden: 'GITGATE_FORBIDDEN',
  /** No such request or token (or none this identity may see). */
  notFound: 'GITGATE_NOT_FOUND',
  /** The request or token is not in a state that allows this (not pending, revoked, already open). */
  conflict: 'GITGATE_CONFLICT',
  /** The grant is used up: revealed once already, expired, or its token was revoked. */
  gone: 'GITGATE_GONE',
  /** The caller's input is malformed (not a token, missing reason, unknown status). */
  badInput: 'GITGATE_BAD_INPUT',
  /** The identity provider's discovery document or key set could not be fetched. */
  oidcUnavailable: 'GITGATE_OIDC_UNAVAILABLE',
  /** A webhook delivery failed after every attempt. */
  webhookFailed: 'GITGATE_WEBHOOK_FAILED',
  /** The audit record a step needs first (a reveal's) could not be written, so the step did not happen. */
  auditUnavailable: 'GITGATE_AUDIT_UNAVAILABLE',
} as const;

/** One of the stable codes in `codes`. */
export type AccessErrorCode = (typeof codes)[keyof typeof codes];

/** The HTTP status each code maps to (the server uses `error.status`). */
export const statusOf: Readonly<Record<AccessErrorCode, number>> = Object.freeze({
  GITGATE_UNAUTHENTICATED: 401,
  GITGATE_FORBIDDEN: 403,
  GITGATE_NOT_FOUND: 404,
  GITGATE_CONFLICT: 409,
  GITGATE_GONE: 410,
  GITGATE_BAD_INPUT: 400,
  GITGATE_OIDC_UNAVAILABLE: 503,
  GITGATE_WEBHOOK_FAILED: 502,
  GITGATE_AUDIT_UNAVAILABLE: 503,
});

/**
 * An access failure. `code` is stable, `status` is its HTTP status, `data` holds structured,
 * non-secret details (for GITGATE_UNAUTHENTICATED always a short `reason` such as 'expired').
 */
export class AccessError extends Error {
  readonly code: AccessErrorCode;
  readonly status: number;
  readonly data?: Record<string, unknown>;
  constructor(code: AccessErrorCode, message: string, options?: { cause?: unknown; data?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AccessError';
    this.code = code;
    this.status = statusOf[code];
    this.data = options?.data;
  }
}
