/**
 * Known secrets: values already in the vault, found again wherever they occur, with or without the
 * context that first revealed them (invariant 8). One sampled pass over 4-byte grams of the values'
 * first bytes (gram-index.ts) finds candidates, however many values are known; each is confirmed by an
 * exact, case-sensitive comparison of the whole value and a boundary check. See docs/scanner.md, "Known secrets".
 */
import { shannonEntropy } from './entropy.js';
import { GramIndex } from './gram-index.js';
import { latin1 } from './latin1.js';
import { resolveOverlaps } from './resolve-overlaps.js';
import type { Finding } from './rule.js';
import { base64OfStandIn, placeholders, templateReferences } from './rules/placeholders.js';
import { isPublishedExample } from './rules/published-examples.js';
import { overlapsAny, tokenSpans } from './token-spans.js';

/** The rule id known-value findings are reported under (their type is the vault's). */
export const KNOWN_SECRET_RULE_ID = 'known-secret';
/** Shortest value matched bare: shorter ones occur by chance in hashes and ids. */
export const KNOWN_SECRET_MIN_BYTES = 8;
/** Longest value matched bare (a PEM key is a few KiB). */
const MAX_BYTES = 64 * 1024;
/** From this length on, stand-in words inside a value no longer make it a placeholder. */
const LONG_VALUE = 32;
/** Characters of identifiers, member expressions and paths: a value made only of them may be code. */
const CODE_CHARS = /^[A-Za-z0-9_.$#/:!?()[\]-]+$/;
const LETTER_RUNS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g;
const TOKEN_MARK = Buffer.from('[[TOKEN_', 'latin1');

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a);
}

/**
 * Whether a value is built of words, as code is (`get_netrc_auth`, `wrongAuth`, `r.value!`, `sha256Hash`):
 * only identifier and path characters, with 60 % of its letters in runs of 4 or more, or 80 % in runs
 * of 3 or more (runs split at case changes). Of random base62 strings this refuses about 20 % at 8
 * chars, 10 % at 16 and 2 % at 40 (measured; docs/scanner.md).
 */
function wordLike(s: string): boolean {
  if (!CODE_CHARS.test(s)) return false;
  let letters = 0;
  let in3 = 0;
  let in4 = 0;
  for (const run of s.match(LETTER_RUNS) ?? []) {
    letters += run.length;
    if (run.length >= 3) in3 += run.length;
    if (run.length >= 4) in4 += run.length;
  }
  return letters > 0 && (in4 >= 0.6 * letters || in3 >= 0.8 * letters);
}

/**
 * Whether a known value is long and random enough to be matched without context: 8 bytes to 64 KiB,
 * a letter and a non-letter, Shannon entropy at least min(3.0, log2(length) − 0.5) bits per char, not
 * word-built like code, (under 32 bytes) not a placeholder or stand-in, and not a value published as a
 * documentation example (rules/published-examples.ts: public, whatever first revealed it) nor the
 * base64 of a stand-in. Pure: the same bytes always
 * give the same answer.
 */
export function matchableBare(secret: Uint8Array): boolean {
  const n = secret.length;
  if (n < KNOWN_SECRET_MIN_BYTES || n > MAX_BYTES) return false;
  const s = Buffer.from(secret.buffer, secret.byteOffset, n).toString('latin1');
  if (!/[A-Za-z]/.test(s) || !/[^A-Za-z]/.test(s)) return false;
  if (shannonEntropy(s) < Math.min(3.0, Math.log2(n) - 0.5)) return false;
  if (wordLike(s) || isPublishedExample(secret) || base64OfStandIn(s)) return false;
  return !(n < LONG_VALUE ? placeholders : templateReferences).some((p) => p.test(s));
}

/**
 * The known values of one sync, in the order they became known (an index each), with the type their
 * token has. Grows while the sync runs (`learn`); `find` sees every value learned so far. Holds the
 * values in memory: drop it when the sync ends.
 */
export class KnownSecrets {
  readonly #values: Buffer[] = [];
  readonly #types: string[] = [];
  readonly #alnum: boolean[] = [];
  readonly #index = new Map<string, number>();
  readonly #grams = new GramIndex();

  /**
   * Starts from `entries` (the vault's values): those `matchableBare` refuses are left out; a value held
   * under several types keeps the lowest type (ordinal), whatever the order given.
   */
  constructor(entries: Iterable<{ type: string; secret: Uint8Array }> = []) {
    const sorted = [...entries].filter((e) => matchableBare(e.secret)).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    for (const e of sorted) this.#add(e.type, e.secret);
  }

  /** How many values are known; a value's index is below this from the moment it is known. */
  get size(): number {
    return this.#values.length;
  }

  /**
   * The values with index ≥ `fromIndex`, in index order: `learn`ing them in that order into a
   * KnownSecrets that holds the values below `fromIndex` gives it the same indices (another thread's copy).
   */
  entriesFrom(fromIndex: number): { type: string; secret: Buffer }[] {
    const out: { type: string; secret: Buffer }[] = [];
    for (let i = Math.max(0, fromIndex); i < this.#values.length; i++) out.push({ type: this.#types[i]!, secret: this.#values[i]! });
    return out;
  }

  /** The type a known value is tokenized as, or undefined. */
  typeOf(secret: Uint8Array): string | undefined {
    const i = this.#index.get(Buffer.from(secret.buffer, secret.byteOffset, secret.length).toString('latin1'));
    return i === undefined ? undefined : this.#types[i];
  }

  /** Adds a value found this sync; true when it is new and matchable bare (it gets the next index). */
  learn(type: string, secret: Uint8Array): boolean {
    if (!matchableBare(secret) || this.typeOf(secret) !== undefined) return false;
    this.#add(type, secret);
    return true;
  }

  #add(type: string, secret: Uint8Array): void {
    const key = Buffer.from(secret.buffer, secret.byteOffset, secret.length).toString('latin1');
    if (this.#index.has(key)) return;
    // An own copy: the caller's buffer may be a view into a pipe chunk.
    const own = Buffer.allocUnsafeSlow(secret.length);
    own.set(secret);
    this.#index.set(key, this.#values.length);
    this.#grams.add(this.#values.length, own);
    this.#values.push(own);
    this.#types.push(type);
    this.#alnum.push(own.some(isAlnum));
  }

  /**
   * Every occurrence in `bytes` of a known value with index ≥ `fromIndex`, not inside a longer run of
   * the value's own characters and not inside a gateway token; sorted and non-overlapping (the longer
   * value wins, then the earlier one).
   */
  find(bytes: Buffer, fromIndex = 0): Finding[] {
    if (bytes.length < KNOWN_SECRET_MIN_BYTES || this.#values.length <= fromIndex) return [];
    const hits: Finding[] = [];
    const hit = (i: number, start: number): void => {
      if (i >= fromIndex && this.#confirm(bytes, i, start)) {
        hits.push({ ruleId: KNOWN_SECRET_RULE_ID, type: this.#types[i]!, start, end: start + this.#values[i]!.length, confidence: 'high' });
      }
    };
    this.#grams.candidates(bytes, hit);
    if (hits.length === 0) return hits;
    const tokens = bytes.indexOf(TOKEN_MARK) >= 0 ? tokenSpans(latin1(bytes, 0, bytes.length)) : [];
    return resolveOverlaps(tokens.length === 0 ? hits : hits.filter((f) => !overlapsAny(tokens, f.start, f.end)));
  }

  /** The whole value at `start`, exactly, with neither neighbour one of its own characters. */
  #confirm(bytes: Buffer, i: number, start: number): boolean {
    const v = this.#values[i]!;
    const end = start + v.length;
    if (start < 0 || end > bytes.length || bytes.compare(v, 0, v.length, start, end) !== 0) return false;
    const own = (b: number | undefined): boolean => b !== undefined && (isAlnum(b) ? this.#alnum[i]! : v.includes(b));
    return !own(bytes[start - 1]) && !own(bytes[end]);
  }
}
