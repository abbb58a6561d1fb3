/** Errors of the scanner. Messages never contain scanned content (it may hold secrets). */

/** Stable error codes of this package. */
export const codes = {
  /** The content is larger than the scanner's `maxBytes`; the caller must fail closed. */
  scanLimit: 'GITGATE_SCAN_LIMIT',
} as const;

/** One of the stable codes in `codes`. */
export type ScannerErrorCode = (typeof codes)[keyof typeof codes];

/** A scan that could not complete. `code` is stable; `data` holds sizes, never content. */
export class ScannerError extends Error {
  readonly code: ScannerErrorCode;
  readonly data?: Record<string, unknown>;
  constructor(code: ScannerErrorCode, message: string, options?: { cause?: unknown; data?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScannerError';
    this.code = code;
    this.data = options?.data;
  }
}
