/** Errors of the HTTP layer, and the one table that maps every package's error codes to HTTP status. */
export class ServerError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServerError';
    this.code = code;
    this.status = status;
  }
}

/** Error code → HTTP status. Codes not listed are 500. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  GITGATE_PKT_MALFORMED: 400,
  GITGATE_PKT_TOO_LONG: 400,
  GITGATE_REQUEST_TOO_LARGE: 413,
  GITGATE_BAD_OBJECT_ID: 400,
  GITGATE_BAD_REQUEST: 400,
  GITGATE_UNKNOWN_ARGUMENT: 400,
  GITGATE_FILTER_NOT_ALLOWED: 400,
  GITGATE_BODY_TOO_LARGE: 413,
  GITGATE_BAD_ENCODING: 400,
  GITGATE_UNKNOWN_REPO: 404,
  GITGATE_READ_ONLY: 403,
  GITGATE_DUMB_HTTP: 403,
  GITGATE_NOT_OFFERED: 403,
  GITGATE_UPSTREAM_FAILED: 502,
  GITGATE_GITHUB_FAILED: 502,
  GITGATE_GIT_FAILED: 500,
  GITGATE_UNAUTHENTICATED: 401,
  GITGATE_FORBIDDEN: 403,
};

/** The HTTP status for any error carrying a `code`. */
export function statusFor(err: unknown): number {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code in STATUS_BY_CODE) return STATUS_BY_CODE[code];
  return 500;
}
