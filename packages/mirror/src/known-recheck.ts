/**
 * Known secrets within one sync (docs/scanner.md, "Known secrets"): the minter teaches every secret it
 * tokenizes to the sync's KnownSecrets, and pass 1 of the rewrite remembers which blobs were settled
 * before a value became known, so they can be read again and re-settled when they hold it.
 */
import { knownSecretsOnly, replaceSecrets, type KnownSecrets, type Scanner } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';

/**
 * A minter that also makes every secret it mints a token for known (when matchable bare). The default
 * form of a blob whose findings depend on the file kind teaches too (a `.env` value must reach the test
 * that pastes it, in the same sync); code-shaped values are never matchable bare, so a value only a
 * config name would take (`wrong_auth` in a `.py`) does not become a token everywhere through it.
 */
export function learningMinter(minter: TokenMinter, known: KnownSecrets): TokenMinter {
  return {
    tokenFor(type, secret) {
      const token = minter.tokenFor(type, secret);
      known.learn(type, secret);
      return token;
    },
  };
}

/**
 * Which blobs of pass 1 may hold a value that became known after they were settled. Blobs are settled
 * in table order, so it is enough to remember, for each blob whose settling taught new values, its index
 * and how many values were known before it: O(values learned), not O(blobs).
 */
export class KnownRecheck {
  readonly known: KnownSecrets;
  #lastIndex = -1;
  #lastSize: number;
  // Pairs (blob index, values known when it was settled), for the blobs that taught something.
  readonly #marks: number[] = [];
  // Blob index → pack ordinal of its rewritten form (to take it back when it is re-settled).
  readonly #ordinals = new Map<number, number>();

  constructor(known: KnownSecrets) {
    this.known = known;
    this.#lastSize = known.size;
  }

  /** Called before each blob of pass 1 is settled, in table order. */
  settling(index: number): void {
    this.#close();
    this.#lastIndex = index;
  }

  #close(): void {
    if (this.#lastIndex >= 0 && this.known.size !== this.#lastSize) {
      this.#marks.push(this.#lastIndex, this.#lastSize);
      this.#lastSize = this.known.size;
    }
    this.#lastIndex = -1;
  }

  /** Records the pack ordinal of a blob's rewritten form. */
  emitted(index: number, ordinal: number): void {
    this.#ordinals.set(index, ordinal);
  }

  /** The pack ordinal of a blob's rewritten form, if it was rewritten. */
  ordinalOf(index: number): number | undefined {
    return this.#ordinals.get(index);
  }

  /**
   * After pass 1: the blobs (table indices, ascending) settled before some value they were not checked
   * for became known, with the index of the first such value. The blob that taught a value is among
   * them: another bare occurrence of it in the same blob was scanned before it was known.
   */
  *candidates(size: number, isBlob: (index: number) => boolean): Generator<{ index: number; from: number }> {
    this.#close();
    const marks = this.#marks;
    let k = 0;
    for (let index = 0; index < size && k < marks.length; index++) {
      while (k < marks.length && marks[k]! < index) k += 2;
      if (k >= marks.length) break;
      if (isBlob(index)) yield { index, from: marks[k + 1]! };
    }
  }
}

/**
 * Whether `content` holds a known value with index ≥ `from`, in any form `replaceSecrets` decodes. Content
 * that cannot be decoded counts as holding one: the full settle then decides (and withholds it).
 */
export function holdsKnown(scanner: Scanner, known: KnownSecrets, from: number, content: Buffer): boolean {
  let found = false;
  try {
    replaceSecrets(knownSecretsOnly(scanner, known, from), content, () => {
      found = true;
      return '';
    });
  } catch {
    return true;
  }
  return found;
}
