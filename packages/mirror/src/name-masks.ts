/**
 * A memo from a tree entry name's bytes to a number (a name's class mask, blob-variants.ts), looked up
 * without making a string: pass 1 meets tens of millions of blob entries on a large history, and a
 * UTF-8 string and a Map look-up per entry was most of its tree work. Open addressing over an FNV-1a
 * hash of the bytes; the names are kept in one buffer. Starts over past `maxNames`.
 */
import { rangesEqual } from '@gitgate/objects';

/** The most names a memo holds before it starts over. */
export const MAX_NAME_MASKS = 100_000;

/**
 * The size of the memo of a rewrite of `objects` objects: a small sync's few trees fill a few thousand
 * names at most, and a full-size memo is 2.6 MiB of arrays zeroed for it (8 ms of a 1-commit sync).
 */
export function nameMasksFor(objects: number): number {
  return Math.min(MAX_NAME_MASKS, Math.max(4096, objects * 16));
}

export class NameMasks {
  readonly #maxNames: number;
  #bytes = Buffer.allocUnsafe(1 << 16);
  #used = 0;
  #count = 0;
  // Per slot: 0 empty, else 1 + the entry; per entry: where its name starts, its length, its value.
  readonly #slots: Int32Array;
  readonly #starts: Int32Array;
  readonly #lengths: Int32Array;
  readonly #values: Float64Array;

  constructor(maxNames = MAX_NAME_MASKS) {
    this.#maxNames = maxNames;
    let slots = 1;
    while (slots < maxNames * 2) slots *= 2;
    this.#slots = new Int32Array(slots);
    this.#starts = new Int32Array(maxNames);
    this.#lengths = new Int32Array(maxNames);
    this.#values = new Float64Array(maxNames);
  }

  /** The value of the name `raw[from, to)`, or -1 when none was set. */
  get(raw: Buffer, from: number, to: number): number {
    const entry = this.#slots[this.#find(raw, from, to)]!;
    return entry === 0 ? -1 : this.#values[entry - 1]!;
  }

  /** Sets the value (≥ 0) of the name `raw[from, to)`. */
  set(raw: Buffer, from: number, to: number, value: number): void {
    if (this.#count === this.#maxNames) this.#clear();
    const length = to - from;
    if (this.#used + length > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#used + length));
      this.#bytes.copy(grown, 0, 0, this.#used);
      this.#bytes = grown;
    }
    const slot = this.#find(raw, from, to);
    const entry = this.#slots[slot]!;
    if (entry !== 0) {
      this.#values[entry - 1] = value;
      return;
    }
    raw.copy(this.#bytes, this.#used, from, to);
    this.#starts[this.#count] = this.#used;
    this.#lengths[this.#count] = length;
    this.#values[this.#count] = value;
    this.#used += length;
    this.#slots[slot] = ++this.#count;
  }

  /** The slot holding the name, or the empty slot where it would go. */
  #find(raw: Buffer, from: number, to: number): number {
    let hash = 0x811c9dc5;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ raw[i]!, 0x01000193);
    const mask = this.#slots.length - 1;
    const length = to - from;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot]!;
      if (entry === 0) return slot;
      const e = entry - 1;
      if (this.#lengths[e] === length && rangesEqual(this.#bytes, this.#starts[e]!, raw, from, length)) return slot;
    }
  }

  #clear(): void {
    this.#slots.fill(0);
    this.#count = 0;
    this.#used = 0;
  }
}
