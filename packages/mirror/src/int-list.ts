/** A growable list of int32, for per-object links that would cost 8+ bytes each in a JS array. */
export class IntList {
  #items = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.#items.length) {
      const next = new Int32Array(this.#items.length * 2);
      next.set(this.#items);
      this.#items = next;
    }
    this.#items[this.length++] = value;
  }

  get(i: number): number {
    return this.#items[i]!;
  }
}
