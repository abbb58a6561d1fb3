/**
 * The new objects of one sync, held compactly: each id as 20 binary bytes in one typed array, found
 * through an open-addressing hash table, with its type and (once rewritten) its sanitized id beside it.
 * About 30 bytes per object, where a Map of hex strings costs several times that and keeps tens of
 * thousands of small heap objects alive for the whole sync.
 */
import type { ObjectType } from '@gitgate/objects';
import type { IdPair } from './id-map.js';

const WORDS = 5; // a 20-byte SHA-1 id as five 32-bit words
const HEX_ID = /^[0-9a-f]{40}$/;
const TYPES: readonly (ObjectType | undefined)[] = [undefined, 'blob', 'tree', 'commit', 'tag'];
const TYPE_CODE: Record<ObjectType, number> = { blob: 1, tree: 2, commit: 3, tag: 4 };

/** An insertion-ordered set of object ids; an object's index is its position in insertion order. */
export class ObjectTable {
  #ids: Int32Array;
  #idBytes: Buffer;
  #types: Uint8Array;
  /** 0 when the object is unchanged, else 1 + its slot in #sanitized. */
  #rewrittenAt: Int32Array;
  #sanitized: Int32Array;
  #sanitizedBytes: Buffer;
  #rewritten = 0;
  /** Open addressing, linear probing: 0 is an empty slot, else 1 + the object's index. */
  #slots: Int32Array;
  #size = 0;
  // Hex ids are decoded here to be hashed and compared without allocating.
  readonly #scratch = new Int32Array(WORDS);
  readonly #scratchBytes = Buffer.from(this.#scratch.buffer);

  constructor(capacity = 1024) {
    const cap = Math.max(16, capacity);
    this.#ids = new Int32Array(cap * WORDS);
    this.#idBytes = Buffer.from(this.#ids.buffer);
    this.#types = new Uint8Array(cap);
    this.#rewrittenAt = new Int32Array(cap);
    this.#sanitized = new Int32Array(64 * WORDS);
    this.#sanitizedBytes = Buffer.from(this.#sanitized.buffer);
    this.#slots = new Int32Array(slotsFor(cap));
  }

  /** Number of objects. */
  get size(): number {
    return this.#size;
  }

  /** Number of objects with a sanitized id (see `rewrite`). */
  get rewritten(): number {
    return this.#rewritten;
  }

  /** Adds an id (lowercase 40-hex) and returns its index; an id already present keeps its index. Throws TypeError for anything else. */
  add(id: string): number {
    if (!this.#decode(id)) throw new TypeError('object id must be 40 lowercase hex digits');
    return this.#insert();
  }

  /** Like `add`, for the binary id at `offset` in `bytes` (20 bytes, e.g. inside a tree). */
  addRaw(bytes: Uint8Array, offset: number): number {
    if (!(offset >= 0 && offset + 20 <= bytes.length)) throw new RangeError('object id out of range');
    const b = this.#scratchBytes;
    for (let i = 0; i < 20; i++) b[i] = bytes[offset + i];
    return this.#insert();
  }

  /** The index of an id, or -1 when the table does not hold it (or it is not a lowercase 40-hex id). */
  indexOf(id: string): number {
    if (!this.#decode(id)) return -1;
    return this.#slots[this.#find()] - 1;
  }

  /** The index of the binary id at `offset` in `bytes` (20 bytes, e.g. inside a tree), or -1. */
  indexOfRaw(bytes: Uint8Array, offset: number): number {
    if (!(offset >= 0 && offset + 20 <= bytes.length)) throw new RangeError('object id out of range');
    const b = this.#scratchBytes;
    for (let i = 0; i < 20; i++) b[i] = bytes[offset + i];
    return this.#slots[this.#find()] - 1;
  }

  /** The id at an index. */
  id(index: number): string {
    this.#check(index);
    return this.#idBytes.toString('hex', index * 20, index * 20 + 20);
  }

  /** The type recorded for an object, if any. */
  type(index: number): ObjectType | undefined {
    this.#check(index);
    return TYPES[this.#types[index]];
  }

  setType(index: number, type: ObjectType): void {
    this.#check(index);
    this.#types[index] = TYPE_CODE[type];
  }

  /** Records the sanitized id an object was rewritten to. Throws TypeError if it already has one. */
  rewrite(index: number, sanitizedId: string): void {
    this.#check(index);
    if (this.#rewrittenAt[index] !== 0) throw new TypeError('object was already rewritten');
    if (!HEX_ID.test(sanitizedId)) throw new TypeError('object id must be 40 lowercase hex digits');
    if ((this.#rewritten + 1) * WORDS > this.#sanitized.length) {
      const next = new Int32Array(this.#sanitized.length * 2);
      next.set(this.#sanitized);
      this.#sanitized = next;
      this.#sanitizedBytes = Buffer.from(next.buffer);
    }
    this.#sanitizedBytes.write(sanitizedId, this.#rewritten * 20, 20, 'hex');
    this.#rewrittenAt[index] = ++this.#rewritten;
  }

  /**
   * Changes the sanitized id of an object already rewritten (a blob re-settled once a secret it holds
   * became known). Throws TypeError when it was not rewritten.
   */
  replace(index: number, sanitizedId: string): void {
    this.#check(index);
    const at = this.#rewrittenAt[index]!;
    if (at === 0) throw new TypeError('object was not rewritten');
    if (!HEX_ID.test(sanitizedId)) throw new TypeError('object id must be 40 lowercase hex digits');
    this.#sanitizedBytes.write(sanitizedId, (at - 1) * 20, 20, 'hex');
  }

  /** The sanitized id of a rewritten object; undefined while it is unchanged. */
  sanitized(index: number): string | undefined {
    this.#check(index);
    const at = this.#rewrittenAt[index];
    return at === 0 ? undefined : this.#sanitizedBytes.toString('hex', (at - 1) * 20, at * 20);
  }

  /**
   * The sanitized id of a rewritten object as 20 binary bytes (a view, valid until the next `rewrite`
   * or `replace`); undefined while it is unchanged. For tree entries, which hold ids as bytes.
   */
  sanitizedRaw(index: number): Uint8Array | undefined {
    this.#check(index);
    const at = this.#rewrittenAt[index]!;
    return at === 0 ? undefined : this.#sanitizedBytes.subarray((at - 1) * 20, at * 20);
  }

  /** Every id, in index order. */
  *ids(): Generator<string> {
    for (let i = 0; i < this.#size; i++) yield this.id(i);
  }

  /**
   * The ids of objects that were not rewritten, in index order: all of them, or (`blobs` true) only the
   * blobs, or (false) all but the blobs.
   */
  *unchanged(blobs?: boolean): Generator<string> {
    const blob = TYPE_CODE.blob;
    for (let i = 0; i < this.#size; i++) {
      if (this.#rewrittenAt[i] === 0 && (blobs === undefined || (this.#types[i] === blob) === blobs)) yield this.id(i);
    }
  }

  /** Upstream → sanitized pairs of the rewritten objects, in index order. */
  *pairs(): Generator<IdPair> {
    for (let i = 0; i < this.#size; i++) {
      if (this.#rewrittenAt[i] === 0) continue;
      yield { upstreamId: this.id(i), sanitizedId: this.sanitized(i)!, type: this.type(i)! };
    }
  }

  /** Adds the scratch id unless present; its index. */
  #insert(): number {
    if (this.#size === this.#types.length) this.#grow();
    const slot = this.#find();
    if (this.#slots[slot] !== 0) return this.#slots[slot] - 1;
    const index = this.#size++;
    this.#ids.set(this.#scratch, index * WORDS);
    this.#slots[slot] = index + 1;
    return index;
  }

  #check(index: number): void {
    if (!(index >= 0 && index < this.#size)) throw new RangeError(`no object at index ${index}`);
  }

  /** Decodes a hex id into the scratch words; false for anything but 40 lowercase hex digits. */
  #decode(id: string): boolean {
    if (id.length !== 40 || !HEX_ID.test(id)) return false;
    this.#scratchBytes.write(id, 0, 20, 'hex');
    return true;
  }

  /** The slot holding the scratch id, or the empty slot where it would go. */
  #find(): number {
    const s = this.#scratch;
    const mask = this.#slots.length - 1;
    // SHA-1 ids are uniformly distributed, so their first word is as good a hash as any.
    for (let slot = s[0] & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot];
      if (entry === 0) return slot;
      const at = (entry - 1) * WORDS;
      const ids = this.#ids;
      if (ids[at] === s[0] && ids[at + 1] === s[1] && ids[at + 2] === s[2] && ids[at + 3] === s[3] && ids[at + 4] === s[4]) return slot;
    }
  }

  #grow(): void {
    const cap = this.#types.length * 2;
    const ids = new Int32Array(cap * WORDS);
    ids.set(this.#ids);
    this.#ids = ids;
    this.#idBytes = Buffer.from(ids.buffer);
    const types = new Uint8Array(cap);
    types.set(this.#types);
    this.#types = types;
    const at = new Int32Array(cap);
    at.set(this.#rewrittenAt);
    this.#rewrittenAt = at;
    this.#slots = new Int32Array(slotsFor(cap));
    const mask = this.#slots.length - 1;
    for (let i = 0; i < this.#size; i++) {
      let slot = ids[i * WORDS] & mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
      this.#slots[slot] = i + 1;
    }
  }
}

/** A power of two at least twice the capacity, so probes stay short. */
function slotsFor(capacity: number): number {
  let n = 1;
  while (n < capacity * 2) n *= 2;
  return n;
}
