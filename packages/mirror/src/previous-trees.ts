/**
 * Pass 1's memory of the newest version of each directory it has read (docs/architecture.md, "The
 * rewrite"). A history lists a directory again at every commit that changes anything under it, and
 * each version repeats almost every entry of the one before; resolving each entry's id in the object
 * table (a hash probe into a table of the whole history) and recording its name was most of pass 1's
 * own work on git/git (~28 s of ~35 M entries). An entry that is byte for byte an entry of the previous
 * version of its directory (same mode, name and id) has the same child, and everything recorded for it
 * then (its name for the blob's variants, an id outside the table) is recorded already: only the tree
 * edge is repeated. Versions are matched by the tree delta's signature (first and last entry names);
 * a wrong match costs only misses, since entries are compared whole.
 */
import { compareRanges, rangesEqual, treeSignature, type EntryKind } from '@gitgate/objects';
import { scanTreeOrThrow } from './object-policy.js';

/** Bytes of remembered versions (content, entry offsets, children); the least recently read go first. */
const REMEMBERED_BYTES = 8 << 20;
/** Bytes of an entry after its NUL: the binary object id. */
const ID_BYTES = 20;

interface Version {
  content: Buffer;
  /** Per entry: where its name starts and its NUL (the entry ends ID_BYTES after it). */
  entries: Int32Array;
  /** Per entry: the child `fresh` gave it. */
  children: Int32Array;
}

/** Called for an entry the previous version does not hold; returns its child (table index, or any number). */
export type FreshEntry = (kind: EntryKind, idOffset: number, nameStart: number) => number;
/** Called for an entry the previous version holds byte for byte, with the child `fresh` gave it then. */
export type RepeatedEntry = (kind: EntryKind, child: number) => void;

export class PreviousTrees {
  readonly #versions = new Map<string, Version>();
  readonly #maxBytes: number;
  #bytes = 0;
  readonly #scratch = { entries: new Int32Array(256), children: new Int32Array(128) };
  /** Entries resolved by `fresh` and carried over from a previous version (for the sync's statistics). */
  fresh = 0;
  repeated = 0;

  constructor(maxBytes = REMEMBERED_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /**
   * Visits every entry of tree `raw` (`treeId` names it in errors; malformed → MirrorError as
   * scanTreeOrThrow), in order: `repeat` for an entry equal to one of the previous version of its
   * directory, else `fresh`. Then remembers `raw` (copied) as that directory's newest version.
   */
  walk(treeId: string, raw: Buffer, fresh: FreshEntry, repeat: RepeatedEntry): void {
    const signature = treeSignature(raw);
    const base = signature === null ? undefined : this.#versions.get(signature);
    const scratch = this.#scratch; // walks do not nest: `fresh` and `repeat` only record
    let count = 0;
    let i = 0;
    let start = 0;
    scanTreeOrThrow(treeId, raw, (kind, at, nameStart) => {
      const nul = at - 1;
      const end = at + ID_BYTES;
      let value: number;
      if (base !== undefined) i = skipBefore(base, i, raw, nameStart, nul);
      if (base !== undefined && i < base.children.length && sameEntry(base, i, raw, start, end)) {
        value = this.#repeat(repeat, kind, base.children[i++]!);
      } else {
        value = this.#fresh(fresh, kind, at, nameStart);
      }
      if (count === scratch.children.length) grow(scratch);
      scratch.entries[2 * count] = nameStart;
      scratch.entries[2 * count + 1] = nul;
      scratch.children[count++] = value;
      start = end;
    });
    if (signature !== null) {
      // Copied out of the pipe's chunk, and not into Buffer's shared pool (a kept slice would keep its whole slab).
      const content = Buffer.allocUnsafeSlow(raw.length);
      raw.copy(content);
      this.#remember(signature, { content, entries: scratch.entries.slice(0, 2 * count), children: scratch.children.slice(0, count) });
    }
  }

  #fresh(fresh: FreshEntry, kind: EntryKind, at: number, nameStart: number): number {
    this.fresh++;
    return fresh(kind, at, nameStart);
  }

  #repeat(repeat: RepeatedEntry, kind: EntryKind, child: number): number {
    this.repeated++;
    repeat(kind, child);
    return child;
  }

  #remember(signature: string, version: Version): void {
    const size = (v: Version): number => v.content.length + v.entries.byteLength + v.children.byteLength;
    const old = this.#versions.get(signature);
    if (old !== undefined) {
      this.#versions.delete(signature);
      this.#bytes -= size(old);
    }
    this.#versions.set(signature, version);
    this.#bytes += size(version);
    for (const [key, oldest] of this.#versions) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#versions.delete(key);
      this.#bytes -= size(oldest);
    }
  }
}

/** From entry `i` of `base`, the first entry whose name does not sort before `raw`'s [nameStart, nul) (skipping deleted or renamed-away entries). */
function skipBefore(base: Version, from: number, raw: Buffer, nameStart: number, nul: number): number {
  const b = base.entries;
  const count = base.children.length;
  let i = from;
  while (i < count && compareRanges(base.content, b[2 * i]!, b[2 * i + 1]!, raw, nameStart, nul) < 0) i++;
  return i;
}

/** Whether entry `i` of `base` is byte for byte the entry of `raw` at [start, end). */
function sameEntry(base: Version, i: number, raw: Buffer, start: number, end: number): boolean {
  const b = base.entries;
  const bStart = i === 0 ? 0 : b[2 * i - 1]! + 1 + ID_BYTES;
  const bEnd = b[2 * i + 1]! + 1 + ID_BYTES;
  return bEnd - bStart === end - start && rangesEqual(base.content, bStart, raw, start, end - start);
}

function grow(scratch: { entries: Int32Array; children: Int32Array }): void {
  const entries = new Int32Array(scratch.entries.length * 2);
  entries.set(scratch.entries);
  const children = new Int32Array(scratch.children.length * 2);
  children.set(scratch.children);
  scratch.entries = entries;
  scratch.children = children;
}
