/** Errors of the scanner. Messages never contain scanned content (it may hold secrets). */
import { defineError, codesOf, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const scannerErrors = {
  /** The content is larger than the scanner's `maxBytes`; the caller must fail closed. */
  scanLimit: defineError('GITGATE_SCAN_LIMIT', 500, 'content over the scan limit'),
  /** Decoded content (gzip, zip) would exceed the total decoded-size bound. */
  decodedTooLarge: defineError('GITGATE_SCAN_DECODED_TOO_LARGE', 500, 'decoded content too large'),
  /** A compressed stream expands beyond the ratio bound (a decompression bomb). */
  expansionRatio: defineError('GITGATE_SCAN_EXPANSION_RATIO', 500, 'expansion ratio exceeded'),
  /** Containers nested deeper than the depth bound (a zip in a gzip in a zip …). */
  nestingDepth: defineError('GITGATE_SCAN_NESTING_DEPTH', 500, 'containers nested too deep'),
  /** More zip entries or gzip members than the entry bound. */
  tooManyEntries: defineError('GITGATE_SCAN_TOO_MANY_ENTRIES', 500, 'too many container entries'),
  /** An encrypted zip entry: its content cannot be read, so it cannot be scanned. */
  encrypted: defineError('GITGATE_SCAN_ENCRYPTED', 500, 'encrypted content'),
  /** A container that does not parse or whose stream or checksum is broken. */
  corrupt: defineError('GITGATE_SCAN_CORRUPT', 500, 'corrupt container'),
  /** A container form this scanner does not read (zip64, multi-disk, a compression method other than stored/deflate). */
  unsupported: defineError('GITGATE_SCAN_UNSUPPORTED', 500, 'unsupported container'),
  /** A secret in the container's own bytes (entry names, comments, extra fields) that cannot be replaced in place. */
  secretInContainer: defineError('GITGATE_SCAN_SECRET_IN_CONTAINER', 500, 'a secret in the container itself'),
};

/** A scan that could not complete. `code` is stable; `data` holds sizes, never content. */
export class ScannerError extends errorClass('ScannerError', scannerErrors) {}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(scannerErrors);
export type ScannerErrorCode = (typeof codes)[keyof typeof codes];
