// Git object ids: SHA-1 over "<type> <size>\0" followed by the content (gitformat-loose object header).
import { createHash } from 'node:crypto';

/** The four object types git stores. */
export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

const OBJECT_TYPES: ReadonlySet<string> = new Set(['blob', 'tree', 'commit', 'tag']);

/** Each type's number in a pack entry's header (gitformat-pack), and the type of each number. */
export const PACK_TYPE_CODES: Readonly<Record<ObjectType, number>> = { commit: 1, tree: 2, blob: 3, tag: 4 };
export const PACK_TYPES: Readonly<Record<number, ObjectType>> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

/** True when `value` names one of the four git object types. */
export function isObjectType(value: string): value is ObjectType {
  return OBJECT_TYPES.has(value);
}

/**
 * The loose-object header `"<type> <size>\0"` that prefixes content when git hashes it.
 * Throws TypeError for an unknown type or a size that is not a non-negative safe integer.
 */
export function objectHeader(type: ObjectType, size: number): Buffer {
  if (!isObjectType(type)) throw new TypeError(`unknown object type: ${String(type)}`);
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`invalid object size: ${size}`);
  return Buffer.from(`${type} ${size}\0`, 'latin1');
}

/**
 * The object id (lowercase hex SHA-1) git gives `content` stored as `type`; equal to
 * `git hash-object -t <type> --literally --stdin`. Throws TypeError for an unknown type.
 */
export function hashObject(type: ObjectType, content: Uint8Array): string {
  return createHash('sha1').update(objectHeader(type, content.length)).update(content).digest('hex');
}
