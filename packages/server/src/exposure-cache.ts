/**
 * Remembers which tokens a fetch of a given shape exposes. Objects are content-addressed and never
 * change, so the same wants, haves and filter always reach the same objects and the same tokens: a
 * second clone of unchanged refs needs no `git rev-list` over the whole history to be audited.
 */

/** A fetch's shape: what decides the objects it can receive. */
export interface FetchShape {
  wants: readonly string[];
  haves: readonly string[];
  filter?: string;
  /** The client asked for tags that point into the pack (include-tag). */
  includeTag?: boolean;
}

/** Keys longer than this (fetches with many haves) are computed every time rather than kept. */
const MAX_KEY_LENGTH = 16 * 1024;

export class ExposureCache<T> {
  readonly #limit: number;
  readonly #entries = new Map<string, T>();

  /** Keeps at most `limit` shapes, dropping the least recently used. */
  constructor(limit = 256) {
    this.#limit = limit;
  }

  /**
   * The cache key of a shape in a repository, or null when the shape is too large to keep. With include-tag
   * the pack also carries the tags that name what it holds, and tags come and go with syncs: `tags` (a
   * digest of the served tag refs) is then part of the key, so a tag added since is never missed.
   */
  static key(repo: string, q: FetchShape, tags = ''): string | null {
    const key = `${repo}\0${[...new Set(q.wants)].sort().join(',')}\0${[...new Set(q.haves)].sort().join(',')}\0${q.filter ?? ''}\0${q.includeTag === true ? `tags ${tags}` : ''}`;
    return key.length > MAX_KEY_LENGTH ? null : key;
  }

  get(key: string): T | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      // Refresh its place in the LRU order.
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  get size(): number {
    return this.#entries.size;
  }
}
