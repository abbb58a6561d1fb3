/** Object ids on the wire: SHA-1 only, as 40 lowercase hex digits (gitprotocol-common, object-format=sha1). */
import { ProtocolError, codes, quoteInput, truncateInput } from './errors.js';

const OBJECT_ID = /^[0-9a-f]{40}$/;

/** The all-zero id: the old id of a ref a push creates, the new id of one it deletes (gitprotocol-pack). */
export const ZERO_ID = '0'.repeat(40);

/** True when `text` is exactly 40 lowercase hex digits. */
export function isObjectId(text: string): boolean {
  return OBJECT_ID.test(text);
}

/**
 * Returns `id` when it is a valid object id; otherwise throws ProtocolError GITGATE_BAD_OBJECT_ID with
 * the (truncated) offending line in `data.line`.
 */
export function checkObjectId(id: string, line: string): string {
  if (!OBJECT_ID.test(id)) {
    throw new ProtocolError(codes.badObjectId, `expected a 40-digit lowercase hex object id in line ${quoteInput(line)}`, {
      data: { line: truncateInput(line) },
    });
  }
  return id;
}
