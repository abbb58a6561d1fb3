/** Errors of the protocol package: every malformed or refused wire message throws ProtocolError. */

/** Stable error codes of this package; the server maps each to an HTTP status in one table. */
export const codes = {
  /** A pkt-line header is not 4 hex digits, is 0003, exceeds 65520, or the body ends mid-pkt. */
  pktMalformed: 'GITGATE_PKT_MALFORMED',
  /** A data pkt is longer than the reader's `maxData` limit. */
  pktTooLong: 'GITGATE_PKT_TOO_LONG',
  /** A request holds more pkts than `maxPkts`. */
  requestTooLarge: 'GITGATE_REQUEST_TOO_LARGE',
  /** An object id is not exactly 40 lowercase hex digits. */
  badObjectId: 'GITGATE_BAD_OBJECT_ID',
  /** A request is structurally wrong: missing command, bad line, bad number, conflicting options. */
  badRequest: 'GITGATE_BAD_REQUEST',
  /** A v2 fetch or ls-refs argument this package does not know. */
  unknownArgument: 'GITGATE_UNKNOWN_ARGUMENT',
  /** A filter spec outside blob:none, blob:limit, tree:<n> and combine: of those. */
  filterNotAllowed: 'GITGATE_FILTER_NOT_ALLOWED',
  /** A v0/v1 ref advertisement (git's output) that does not have the expected shape. */
  badAdvertisement: 'GITGATE_BAD_ADVERTISEMENT',
} as const;

/** One of the stable codes in `codes`. */
export type ProtocolErrorCode = (typeof codes)[keyof typeof codes];

/** A malformed or refused git wire message. `code` is stable; `data` holds structured, truncated details. */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly data?: Record<string, unknown>;
  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown; data?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProtocolError';
    this.code = code;
    this.data = options?.data;
  }
}

/** Longest piece of client input echoed into a message or `data`. */
const MAX_QUOTED = 100;

/**
 * Shortens client input to 100 characters so an error never reflects a large (or secret-bearing)
 * request back into logs and responses.
 */
export function truncateInput(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}...` : text;
}

/** Quotes client input for an error message: truncated, and JSON-escaped so control bytes stay visible. */
export function quoteInput(text: string): string {
  return JSON.stringify(truncateInput(text));
}
