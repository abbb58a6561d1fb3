/**
 * The one error class of @gitgate/objects. `code` is stable and safe to match on; `data` holds
 * structured, secret-free detail (offsets, sizes), never object bytes.
 */
export class ObjectsError extends Error {
  /** Stable machine-readable code, e.g. 'GITGATE_BAD_TREE'. */
  readonly code: string;
  /** Structured detail for logs and callers; never contains object content. */
  readonly data: Record<string, unknown>;

  constructor(code: string, message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ObjectsError';
    this.code = code;
    this.data = options.data ?? {};
  }
}
