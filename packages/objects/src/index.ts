// Public API of @gitgate/objects: byte-exact git object codecs, object ids and pack writing.
export { ObjectsError, codes } from './objects-error.js';
export type { ObjectsErrorCode } from './objects-error.js';
export type { ObjectType } from './object-id.js';
export { hashObject, isObjectType, objectHeader } from './object-id.js';
export type { EntryKind, TreeEntry } from './tree.js';
export { entryKind, parseTree, scanTree, scanTreeFrom, serializeTree } from './tree.js';
export type { HeaderedObject, ObjectHeader } from './headered.js';
export {
  foldHeaderValue,
  headerValue,
  makeHeader,
  parseHeadered,
  serializeHeadered,
  unfoldHeaderValue,
} from './headered.js';
export { splitTagSignature } from './tag-signature.js';
export type { PackFinished, PackWriterOptions } from './pack-writer.js';
export type { PackIndexColumns } from './pack-index.js';
export { packIndex } from './pack-index.js';
export { compareRanges, rangesEqual } from './byte-ranges.js';
export { PackWriter } from './pack-writer.js';
export { sharedEnds, treeSignature, type SharedEnds } from './tree-delta.js';
export { PackWriterThread } from './pack-thread.js';
