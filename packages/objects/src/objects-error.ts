/** Errors of @gitgate/objects: code, HTTP status and default message declared once per code. */
import { defineError, codesOf, errorClass, type GitgateErrorOptions } from '@gitgate/errors';

/** The declared errors of this package. */
export const objectsErrors = {
  /** A tree's bytes do not parse (`data.offset` says where). */
  badTree: defineError('GITGATE_BAD_TREE', 500, 'malformed tree'),
  /** More objects than a pack can hold. */
  packTooMany: defineError('GITGATE_PACK_TOO_MANY', 500, 'a pack holds at most 2^32-1 objects'),
  /** Writing a pack to its file failed. */
  packWrite: defineError('GITGATE_PACK_WRITE', 500, 'writing the pack failed'),
};

/**
 * The one error class of @gitgate/objects. `code` is stable and safe to match on; `data` holds
 * structured, secret-free detail (offsets, sizes), never object bytes.
 */
export class ObjectsError extends errorClass('ObjectsError', objectsErrors) {
  /** Structured detail for logs and callers; never contains object content. */
  declare readonly data: Record<string, unknown>;
  constructor(code: ObjectsErrorCode, message?: string, options: GitgateErrorOptions = {}) {
    super(code, message, { ...options, data: options.data ?? {} });
  }
}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(objectsErrors);
export type ObjectsErrorCode = (typeof codes)[keyof typeof codes];
