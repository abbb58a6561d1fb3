/**
 * Remembers, within one rewrite, the name lists of trees whose names were scanned and hold no secret.
 * A directory keeps its names across most versions of its tree (git/git's root and `t/` hold hundreds to
 * thousands of names, rescanned per version otherwise), so most trees' names need no scan at all. Keyed by
 * a SHA-256 digest of the names (each followed by a NUL, which no name holds), never by the names
 * themselves: the memory stays a few dozen bytes per distinct list. Only held in memory for one sync.
 */
import { createHash } from 'node:crypto';
import { scanTree } from '@gitgate/objects';

/** Distinct clean lists kept before starting over (about 100 bytes each). */
const MAX_LISTS = 100_000;

export class CleanTreeNames {
  readonly #generation: () => number;
  readonly #seen = new Set<string>();
  #at: number;
  #scratch = Buffer.allocUnsafe(64 * 1024);

  /**
   * `generation` changes whenever the scanner may find more than before (a known value was learned):
   * everything remembered is then forgotten, so a list is never taken as clean against a value it holds.
   */
  constructor(generation: () => number = () => 0) {
    this.#generation = generation;
    this.#at = generation();
  }

  /** The key of the names of well-formed tree content `raw`. Throws what scanTree throws. */
  keyOf(raw: Buffer): string {
    if (this.#scratch.length < raw.length) this.#scratch = Buffer.allocUnsafe(raw.length);
    const scratch = this.#scratch;
    let len = 0;
    scanTree(raw, (_kind, idOffset, nameStart) => {
      // Names are short: a loop beats a native copy call per entry.
      for (let i = nameStart; i < idOffset; i++) scratch[len++] = raw[i]!;
    });
    return createHash('sha256').update(scratch.subarray(0, len)).digest('base64');
  }

  /** Whether the names under `key` were found to hold no secret (by the scanner as it is now). */
  has(key: string): boolean {
    this.#check();
    return this.#seen.has(key);
  }

  /** Records that the names under `key` hold no secret. */
  add(key: string): void {
    this.#check();
    if (this.#seen.size >= MAX_LISTS) this.#seen.clear();
    this.#seen.add(key);
  }

  #check(): void {
    const now = this.#generation();
    if (now === this.#at) return;
    this.#at = now;
    this.#seen.clear();
  }
}
