/** The one error shape of every gitgate package: a stable code, its HTTP status, a message, `cause` and `data`. */

/** What a thrower may add to an error: the underlying error and structured, secret-free details. */
export interface GitgateErrorOptions {
  cause?: unknown;
  data?: Record<string, unknown>;
}

/**
 * Base class of every package's error class. `code` is stable (clients, tests and the audit match on
 * it), `status` is the HTTP status declared with the code, `data` holds structured details that never
 * contain a secret. Messages never contain a secret either.
 */
export class GitgateError extends Error {
  readonly code: string;
  readonly status: number;
  readonly data?: Record<string, unknown>;
  constructor(code: string, status: number, message: string, options?: GitgateErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GitgateError';
    this.code = code;
    this.status = status;
    this.data = options?.data;
  }
}
