/**
 * Per-name variants of blobs (docs/scanner.md, "File kinds in the gateway"). A blob's default sanitized
 * form applies every finding (lone blobs, unknown names: fail closed). When some of its findings apply
 * only in files of some kinds or names (`Scanner.conditional`), the tree entries that name it point at a
 * variant instead: the findings that the names it has in this sync select. Union rule: one variant per
 * blob and sync, applying every finding any of those names keeps, under all of them, so no name of the
 * blob reveals what another of its names tokenizes. A variant is a pure function of the blob's bytes,
 * the scanner, the key and the set of name classes, so replicas and reruns write the same bytes.
 */
import { hashObject } from '@gitgate/objects';
import type { Finding, Scanner, ScanHint } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import { rewriteBlob, type ObjectOutcome } from './object-policy.js';
import { tokenizeBlob, type TakenSecret } from './tokenize.js';

/** Name classes get a bit each; past this many, names select as `unknown` (every finding). */
const CLASS_BITS = 31;
const EVERY_FINDING: ScanHint = Object.freeze({ kind: 'unknown' });
const confidenceRank = { high: 3, medium: 2, low: 1 } as const;

/** Which blob a variant is for: a table index (this sync's blob) or an upstream id (an earlier sync's). */
export type BlobKey = number | string;

/** A variant made for one blob. */
export interface Variant {
  id: string;
  content: Buffer;
  secrets: readonly TakenSecret[];
  /**
   * The names select every finding the default form applies: entries keep the default id. An earlier
   * sync's blob may still need its secrets on record (that sync served only a variant).
   */
  isDefault: boolean;
}

/** The variants of one rewrite: name classes met, blobs that need one, and those made. */
export class BlobVariants {
  readonly #scanner: Scanner;
  readonly #minter: TokenMinter;
  readonly #observer: Scanner;
  #observed = false;
  // Name classes: class key → bit, a name's mask (memoized), and per bit a hint that selects as the class does.
  readonly #classBit = new Map<string, number>();
  readonly #maskOfName = new Map<string, number>();
  readonly #hints: ScanHint[] = [];
  // Per blob: the classes of the names new trees give it (table blobs by index, earlier ones by id).
  readonly #named: Uint32Array;
  readonly #namedOutside = new Map<string, number>();
  readonly #sensitive = new Set<number>();
  readonly #variant = new Map<BlobKey, string>();

  constructor(scanner: Scanner, minter: TokenMinter, size: number) {
    this.#scanner = scanner;
    this.#minter = minter;
    this.#named = new Uint32Array(size);
    // Scans as the default form does (every finding), noting whether a name could select otherwise.
    this.#observer = {
      ...scanner,
      scan: (bytes: Buffer, hint?: ScanHint): Finding[] => {
        const all = scanner.scan(bytes);
        if (!this.#observed && all.some((f) => scanner.conditional(f))) this.#observed = true;
        return hint === undefined ? all : scanner.select(bytes, all, hint);
      },
    };
  }

  /** Pass 1: the default form of the blob at table `index`; remembers it when a name could select otherwise. */
  settle(index: number, content: Buffer): ObjectOutcome {
    this.#observed = false;
    const r = rewriteBlob(content, this.#observer, this.#minter);
    if (this.#observed && r.withheld === 0) this.#sensitive.add(index);
    return r;
  }

  /**
   * Pass 1: a new tree names a blob: `child` is its table index, or -1 for an earlier sync's blob whose
   * id is the 20 bytes of `raw` at `at`; the name runs from `nameStart` to the NUL before `at`.
   */
  named(child: number, raw: Buffer, at: number, nameStart: number): void {
    const mask = this.#maskOf(raw.toString('utf8', nameStart, at - 1));
    if (child >= 0) this.#named[child]! |= mask;
    else {
      const id = raw.toString('hex', at, at + 20);
      this.#namedOutside.set(id, (this.#namedOutside.get(id) ?? 0) | mask);
    }
  }

  /** Upstream ids of earlier syncs' blobs that new trees name. */
  namedOutside(): string[] {
    return [...this.#namedOutside.keys()];
  }

  /** Table indices of this sync's blobs whose findings depend on the file's kind or name. */
  sensitive(): ReadonlySet<number> {
    return this.#sensitive;
  }

  /** The blobs that may need a variant: sensitive ones that new trees name (`outside`: earlier syncs' sensitive ids). */
  candidates(outside: ReadonlySet<string>): BlobKey[] {
    const keys: BlobKey[] = [...this.#sensitive].filter((i) => this.#named[i] !== 0).sort((a, b) => a - b);
    return keys.concat(this.namedOutside().filter((id) => outside.has(id)).sort());
  }

  /**
   * The variant of blob `key` (upstream `content`) for the names it has in this sync (`isDefault` when
   * it is the default form, `defaultId`), or undefined when no new tree names it or it cannot be scanned
   * (the default form, every finding, stays).
   */
  make(key: BlobKey, content: Buffer, defaultId: string): Variant | undefined {
    const mask = typeof key === 'number' ? this.#named[key]! : this.#namedOutside.get(key) ?? 0;
    const hints = this.#hints.filter((_, bit) => (mask >>> bit) & 1);
    if (hints.length === 0) return undefined;
    const top: ScanHint = { kind: 'unknown' };
    const scanner: Scanner = {
      ...this.#scanner,
      scan: (bytes: Buffer, hint?: ScanHint): Finding[] => {
        const all = this.#scanner.scan(bytes);
        if (hint !== top) return hint === undefined ? all : this.#scanner.select(bytes, all, hint);
        return unionOfSelections(hints.map((h) => this.#scanner.select(bytes, all, h)));
      },
    };
    let r: { content: Buffer; secrets: TakenSecret[] };
    try {
      r = tokenizeBlob(scanner, content, this.#minter, top);
    } catch {
      return undefined;
    }
    const id = hashObject('blob', r.content);
    if (id !== defaultId) this.#variant.set(key, id);
    return { id, content: r.content, secrets: r.secrets, isDefault: id === defaultId };
  }

  /** The variant id tree entries of blob `key` point at, if it has one. */
  idOf(key: BlobKey): string | undefined {
    return this.#variant.size === 0 ? undefined : this.#variant.get(key);
  }

  /** The mask of a name: one bit for its class. */
  #maskOf(name: string): number {
    let mask = this.#maskOfName.get(name);
    if (mask !== undefined) return mask;
    const key = this.#scanner.nameClass(name);
    let bit = this.#classBit.get(key);
    if (bit === undefined) {
      bit = Math.min(this.#hints.length, CLASS_BITS);
      if (bit < CLASS_BITS) this.#hints.push({ path: name });
      else if (this.#hints.length === CLASS_BITS) this.#hints.push(EVERY_FINDING);
      this.#classBit.set(key, bit);
    }
    mask = (1 << bit) >>> 0;
    if (this.#maskOfName.size >= 100_000) this.#maskOfName.clear();
    this.#maskOfName.set(name, mask);
    return mask;
  }
}

/**
 * Every finding of any of the selections (each sorted and non-overlapping), as sorted non-overlapping
 * spans: findings that overlap become one span over all of them (the token of the one that starts
 * first, longest, surest, lowest rule id), so a finding any selection keeps is covered whole.
 */
export function unionOfSelections(selections: readonly Finding[][]): Finding[] {
  if (selections.length === 1) return selections[0]!;
  const all = [...new Set(selections.flat())].sort((a, b) =>
    a.start - b.start || b.end - a.end || confidenceRank[b.confidence] - confidenceRank[a.confidence] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  const out: Finding[] = [];
  for (const f of all) {
    const last = out[out.length - 1];
    if (last === undefined || f.start >= last.end) out.push(f);
    else if (f.end > last.end) out[out.length - 1] = { ...last, end: f.end };
  }
  return out;
}
