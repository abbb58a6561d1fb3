/**
 * Where known values may occur, found in one sampled pass whatever their number: each value of at
 * least {@link GRAM_SPAN} bytes is indexed by its 4-byte grams at offsets 0 to {@link STRIDE} − 1, so
 * reading the scanned bytes' gram at every STRIDE-th position meets each occurrence exactly once
 * (the sampled position inside its first STRIDE bytes). A presence table keyed by a multiplicative
 * hash of the gram turns away almost every position before the exact gram is looked up; a gram then
 * leads to the values' first GRAM_SPAN bytes (their key), compared once for all values sharing it, so
 * a gram common in text (`----` of PEM armour) costs one 8-byte comparison, not one per value.
 */

/** Bytes every indexed value has at least: the sampled gram must lie within them. */
export const GRAM_SPAN = 8;
/** Positions sampled: one in STRIDE, so that STRIDE + 3 ≤ GRAM_SPAN. */
const STRIDE = GRAM_SPAN - 3;
const MIN_BITS = 12;
const MAX_BITS = 22;
/** Golden-ratio multiplier (Knuth, TAOCP 6.4): its high product bits spread the gram's bytes. */
const MIX = 0x9e3779b1;

function gramAt(bytes: Uint8Array, i: number): number {
  return bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
}

/** Values grouped by their first GRAM_SPAN bytes (the key), and each key's grams. Grows; never shrinks. */
export class GramIndex {
  #bits = MIN_BITS;
  #table = new Uint8Array(1 << MIN_BITS);
  /** Gram → flat [key id, offset of the gram in the key, …]. */
  readonly #grams = new Map<number, number[]>();
  readonly #keyIds = new Map<string, number>();
  /** Per key id: its bytes 0–3 and 4–7 as grams, and the value indices that start with it. */
  readonly #keyLo: number[] = [];
  readonly #keyHi: number[] = [];
  readonly #members: number[][] = [];

  /** Indexes value `index`; `value` must hold at least GRAM_SPAN bytes. */
  add(index: number, value: Uint8Array): void {
    if (value.length < GRAM_SPAN) throw new TypeError(`indexed values hold at least ${GRAM_SPAN} bytes`);
    const key = String.fromCharCode(...value.subarray(0, GRAM_SPAN));
    const known = this.#keyIds.get(key);
    if (known !== undefined) {
      this.#members[known]!.push(index);
      return;
    }
    const id = this.#members.length;
    this.#keyIds.set(key, id);
    this.#keyLo.push(gramAt(value, 0));
    this.#keyHi.push(gramAt(value, 4));
    this.#members.push([index]);
    for (let k = 0; k < STRIDE; k++) {
      const gram = gramAt(value, k);
      const list = this.#grams.get(gram);
      if (list === undefined) this.#grams.set(gram, [id, k]);
      else list.push(id, k);
      this.#table[Math.imul(gram, MIX) >>> (32 - this.#bits)] = 1;
    }
    // Keep the table at most 1/16 full, so a position that starts no gram is rarely looked up.
    if (this.#grams.size * 16 > this.#table.length && this.#bits < MAX_BITS) this.#grow();
  }

  #grow(): void {
    while (this.#grams.size * 16 > 1 << this.#bits && this.#bits < MAX_BITS) this.#bits++;
    this.#table = new Uint8Array(1 << this.#bits);
    for (const gram of this.#grams.keys()) this.#table[Math.imul(gram, MIX) >>> (32 - this.#bits)] = 1;
  }

  /**
   * Calls `visit(index, start)` for every indexed value whose first GRAM_SPAN bytes occur in `bytes`
   * at `start`: a superset of the value's occurrences (the caller compares the rest), each once.
   */
  candidates(bytes: Uint8Array, visit: (index: number, start: number) => void): void {
    const table = this.#table;
    const shift = 32 - this.#bits;
    const keyEnd = bytes.length - GRAM_SPAN;
    // An occurrence at s (s + GRAM_SPAN ≤ length) holds exactly one sampled position in [s, s + STRIDE).
    for (let p = 0, last = bytes.length - 4; p <= last; p += STRIDE) {
      const gram = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
      if (table[Math.imul(gram, MIX) >>> shift] === 0) continue;
      const list = this.#grams.get(gram);
      if (list === undefined) continue;
      for (let j = 0; j < list.length; j += 2) {
        const id = list[j]!;
        const start = p - list[j + 1]!;
        if (start < 0 || start > keyEnd || gramAt(bytes, start) !== this.#keyLo[id] || gramAt(bytes, start + 4) !== this.#keyHi[id]) continue;
        for (const index of this.#members[id]!) visit(index, start);
      }
    }
  }
}
