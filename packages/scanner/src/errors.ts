/** Errors of the scanner. Messages never contain scanned content (it may hold secrets). */

/** Stable error codes of this package. */
export const codes = {
  /** The content is larger than the scanner's `maxBytes`; the caller must fail closed. */
  scanLimit: 'GITGATE_SCAN_LIMIT',
  /** Decoded content (gzip, zip) would exceed the total decoded-size bound. */
  decodedTooLarge: 'GITGATE_SCAN_DECODED_TOO_LARGE',
  /** A compressed stream expands beyond the ratio bound (a decompression bomb). */
  expansionRatio: 'GITGATE_SCAN_EXPANSION_RATIO',
  /** Containers nested deeper than the depth bound (a zip in a gzip in a zip …). */
  nestingDepth: 'GITGATE_SCAN_NESTING_DEPTH',
  /** More zip entries or gzip members than the entry bound. */
  tooManyEntries: 'GITGATE_SCAN_TOO_MANY_ENTRIES',
  /** An encrypted zip entry: its content cannot be read, so it cannot be scanned. */
  encrypted: 'GITGATE_SCAN_ENCRYPTED',
  /** A container that does not parse or whose stream or checksum is broken. */
  corrupt: 'GITGATE_SCAN_CORRUPT',
  /** A container form this scanner does not read (zip64, multi-disk, a compression method other than stored/deflate). */
  unsupported: 'GITGATE_SCAN_UNSUPPORTED',
  /** A secret in the container's own bytes (entry names, comments, extra fields) that cannot be replaced in place. */
  secretInContainer: 'GITGATE_SCAN_SECRET_IN_CONTAINER',
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
