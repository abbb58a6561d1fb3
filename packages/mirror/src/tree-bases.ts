/**
 * The last rewritten tree written at each directory path of the walk below commits, as delta bases for
 * the next version at the same path (PackWriter.writeDelta): consecutive versions of a directory differ
 * in a few entries, so the pack stores a small delta instead of deflating each tree whole. Only what is
 * written to the pack; bounded in bytes (forgets everything past the budget, then fills again).
 */
export interface TreeBase {
  id: Uint8Array;
  content: Buffer;
}

/** Bytes of tree content kept as bases before starting over. */
const MAX_BYTES = 32 << 20;

export class TreeBases {
  readonly #byPath = new Map<string, TreeBase>();
  #bytes = 0;

  /** The base for a tree at `path`, if a tree was written there. */
  get(path: string): TreeBase | undefined {
    return this.#byPath.get(path);
  }

  /** Records the tree just written at `path` (its content must not change afterwards). */
  set(path: string, id: string, content: Buffer): void {
    const old = this.#byPath.get(path);
    if (old !== undefined) this.#bytes -= old.content.length;
    if (this.#bytes + content.length > MAX_BYTES) {
      this.#byPath.clear();
      this.#bytes = 0;
    }
    this.#byPath.set(path, { id: Buffer.from(id, 'hex'), content });
    this.#bytes += content.length;
  }
}
