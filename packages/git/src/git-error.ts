/** Errors of the process runner: one class, a stable code, the exit code and a bounded stderr tail. */
export class GitError extends Error {
  readonly code: string;
  readonly data?: Record<string, unknown>;
  constructor(code: string, message: string, options?: { cause?: unknown; data?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GitError';
    this.code = code;
    this.data = options?.data;
  }
}

/** Stable error codes of this package. */
export const GIT_ERROR = {
  /** git could not be started, or exited with a code the caller did not accept. */
  failed: 'GITGATE_GIT_FAILED',
  /** git ran longer than its timeout and was killed. */
  timeout: 'GITGATE_GIT_TIMEOUT',
  /** The caller's AbortSignal fired and git was killed. */
  aborted: 'GITGATE_GIT_ABORTED',
} as const;
