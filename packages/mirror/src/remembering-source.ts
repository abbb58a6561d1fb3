/**
 * An object source for a small sync: what it reads once (pass 1 reads every new object) it keeps, so the
 * rewrite's later reads (pass 2, rechecks, variants) and the copy of the unchanged objects into the same
 * pack are answered from memory instead of one more `git cat-file` each. Past its byte budget it forgets
 * everything and reads through, as the source it wraps would.
 */
import type { RawObject } from './cat-file-batch.js';
import type { ObjectSource } from './rewriter.js';

export class RememberingSource implements ObjectSource {
  readonly #source: ObjectSource;
  readonly #maxBytes: number;
  #kept: Map<string, RawObject> | null = new Map();
  #bytes = 0;

  /** Wraps `source`, keeping at most `maxBytes` of object content (then nothing). */
  constructor(source: ObjectSource, maxBytes: number) {
    this.#source = source;
    this.#maxBytes = maxBytes;
  }

  /** Whether every object read so far is still kept. */
  get remembering(): boolean {
    return this.#kept !== null;
  }

  /**
   * The objects `ids` in that order: from memory when all are kept, else read from the wrapped source
   * (and kept). Kept objects are owned buffers, never views. Throws what the wrapped source throws.
   */
  async *readBatches(ids: Iterable<string>, opts: { views: boolean }): AsyncGenerator<RawObject[]> {
    const kept = this.#kept;
    if (kept === null) {
      yield* this.#source.readBatches(ids, opts);
      return;
    }
    const list = [...ids];
    const found = list.map((id) => kept.get(id));
    if (found.every((o) => o !== undefined)) {
      if (found.length > 0) yield found as RawObject[];
      return;
    }
    for await (const batch of this.#source.readBatches(list, opts)) {
      for (const obj of batch) this.#keep(obj, opts.views);
      yield batch;
    }
  }

  #keep(obj: RawObject, view: boolean): void {
    if (this.#kept === null || this.#kept.has(obj.id)) return;
    this.#bytes += obj.content.length;
    if (this.#bytes > this.#maxBytes) {
      this.#kept = null;
      return;
    }
    // A view lives only until the next batch: keep a copy.
    this.#kept.set(obj.id, view ? { id: obj.id, type: obj.type, content: Buffer.from(obj.content) } : obj);
  }
}
