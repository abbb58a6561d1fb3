// Byte-exact tree codec: "<mode> <name>\0<20-byte id>" repeated (gitformat-loose / tree-walk.c).
// Entries keep their order and mode strings exactly as stored: git's own trees are sorted and
// canonical, but old tools wrote '040000' and unsorted trees, and re-encoding them changes ids.
import { ObjectsError, codes } from './objects-error.js';

/** One tree entry, exactly as stored. `name` is a view into the parsed buffer. */
export interface TreeEntry {
  /** Octal mode digits as written, e.g. '100644', '40000', or the odd '040000' / '100664'. */
  mode: string;
  /** Raw name bytes: anything except NUL (git reads '/' too, though fsck warns about it). */
  name: Buffer;
  /** Lowercase 40-hex object id. */
  id: string;
}

const ID_BYTES = 20;
const SPACE = 0x20;
const NUL = 0x00;
const ZERO = 0x30;
const SEVEN = 0x37;
const HEX_ID = /^[0-9a-fA-F]{40}$/;
const OCTAL = /^[0-7]+$/;

function badTree(message: string, offset: number): ObjectsError {
  return new ObjectsError(codes.badTree, `malformed tree: ${message} at offset ${offset}`, { data: { offset } });
}

/**
 * Parses tree content into entries, in stored order. Throws ObjectsError 'GITGATE_BAD_TREE' for an
 * empty or non-octal mode, a missing NUL after the name, an empty name, or a truncated id.
 */
export function parseTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  // scanTree validates; an entry's mode runs from the previous entry's end to the space before its name.
  let pos = 0;
  scanTree(content, (_kind, idOffset, nameStart) => {
    entries.push({
      mode: content.toString('latin1', pos, nameStart - 1),
      name: content.subarray(nameStart, idOffset - 1),
      id: content.toString('hex', idOffset, idOffset + ID_BYTES),
    });
    pos = idOffset + ID_BYTES;
  });
  return entries;
}

/** What a tree entry points at; see `entryKind`. */
export type EntryKind = 'tree' | 'blob' | 'gitlink';

/**
 * Visits each entry of tree content, in stored order, without building entries: `visit` gets what the
 * entry points at (judged by its mode as `entryKind` does), the offset of its 20-byte binary id in
 * `content`, and where its name starts (the name is `content.subarray(nameStart, idOffset - 1)`). For walks that only need ids, where `parseTree` would allocate an object, a name view and
 * a hex string per entry. Throws ObjectsError 'GITGATE_BAD_TREE' where `parseTree` would, before
 * visiting an entry that is malformed.
 */
export function scanTree(content: Buffer, visit: (kind: EntryKind, idOffset: number, nameStart: number) => void): void {
  scanTreeFrom(content, 0, content.length, visit);
}

/**
 * `scanTree` over the entries from offset `from` (where an entry starts) on, up to the first entry that
 * starts at or past `to`: returns where that entry starts, or `content.length` when none is left.
 */
export function scanTreeFrom(content: Buffer, from: number, to: number, visit: (kind: EntryKind, idOffset: number, nameStart: number) => void): number {
  let pos = from;
  while (pos < content.length && pos < to) {
    // Walk the mode by hand so a stray byte is reported here, not as a far-away space.
    let space = pos;
    let mode = 0;
    while (space < content.length && content[space] !== SPACE) {
      const c = content[space]!;
      if (c < ZERO || c > SEVEN) throw badTree('non-octal mode', pos);
      mode = ((mode << 3) + (c - ZERO)) >>> 0;
      space++;
    }
    if (space === content.length) throw badTree('missing space after mode', pos);
    if (space === pos) throw badTree('empty mode', pos);
    const nul = content.indexOf(NUL, space + 1);
    if (nul === -1) throw badTree('missing NUL after name', space + 1);
    if (nul === space + 1) throw badTree('empty name', space + 1);
    const idEnd = nul + 1 + ID_BYTES;
    if (idEnd > content.length) throw badTree('truncated object id', nul + 1);
    visit(kindOfMode(mode), nul + 1, space + 1);
    pos = idEnd;
  }
  return pos;
}

/**
 * Serializes entries in the order given, with mode strings as given (no sorting, no normalising),
 * so `serializeTree(parseTree(b))` equals `b`. Throws TypeError for a mode that is not octal digits,
 * an empty name or one containing NUL, or an id that is not 40 hex digits.
 */
export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  let size = 0;
  for (const e of entries) {
    if (!OCTAL.test(e.mode)) throw new TypeError('tree entry mode must be octal digits');
    if (e.name.length === 0 || e.name.includes(NUL)) throw new TypeError('tree entry name must be non-empty and free of NUL');
    if (!HEX_ID.test(e.id)) throw new TypeError('tree entry id must be 40 hex digits');
    size += e.mode.length + 1 + e.name.length + 1 + ID_BYTES;
  }
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const e of entries) {
    pos += out.write(e.mode, pos, 'latin1');
    out[pos++] = SPACE;
    pos += e.name.copy(out, pos);
    out[pos++] = NUL;
    pos += out.write(e.id, pos, 'hex');
  }
  return out;
}

/**
 * What an entry points at, judged by the file-type bits of its octal mode as git does
 * (object.h `object_type()`): 040000 → 'tree' (so '40000' and '040000'), 0160000 → 'gitlink'
 * (a submodule commit, not in this repository), anything else → 'blob' (files, 120000 symlinks).
 * Throws TypeError for a mode that is not octal digits.
 */
export function entryKind(mode: string): EntryKind {
  if (!OCTAL.test(mode)) throw new TypeError('tree entry mode must be octal digits');
  let value = 0;
  // Unsigned 32-bit wrap-around, like git's get_mode(), for absurdly long digit strings.
  for (let i = 0; i < mode.length; i++) value = ((value << 3) + (mode.charCodeAt(i) - ZERO)) >>> 0;
  return kindOfMode(value);
}

function kindOfMode(value: number): EntryKind {
  const format = value & 0o170000;
  if (format === 0o040000) return 'tree';
  if (format === 0o160000) return 'gitlink';
  return 'blob';
}
