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
import { NameMasks, nameMasksFor } from './name-masks.js';

/** Name classes get a bit each; past this many, names select as `unknown` (every finding). */
const CLASS_BITS = 31;
const EVERY_FINDING: ScanHint = Object.freeze({ kind: 'unknown' });
const confidenceRank = { high: 3, medium: 2, low: 1 } as const;
/** A bit per kind that can select otherwise than the default form (`unknown` never does). */
const KIND_BITS = { code: 1, config: 2, docs: 4, lockfile: 8 } as const;
const ANY_KIND = 15;
/**
 * Persisted with the kind bits of a blob whose default form no sync served (only a variant): the
 * default's secrets are on no record yet, so a later sync that names it in a default-selecting kind
 * reads it again to record them.
 */
export const DEFAULT_UNRECORDED = 16;

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
  // While a blob settles: the hint of its own content, and the kinds that select otherwise there.
  #top: ScanHint = EVERY_FINDING;
  #differs = 0;
  // With name globs (a class key holds their matches after a ':'), any name may select otherwise.
  readonly #globs: boolean;
  // Name classes: class key → bit, a name's mask (memoized), per bit a hint that selects as the class
  // does and the kind bits the class may select by.
  readonly #classBit = new Map<string, number>();
  readonly #maskOfName: NameMasks;
  readonly #hints: ScanHint[] = [];
  readonly #classKinds: number[] = [];
  // Per blob: the classes of the names new trees give it (table blobs by index, earlier ones by id),
  // and per kind-sensitive blob of this sync the kinds that select otherwise than its default form.
  readonly #named: Uint32Array;
  readonly #namedOutside = new Map<string, number>();
  readonly #sensitive = new Map<number, number>();
  readonly #variant = new Map<BlobKey, string>();

  constructor(scanner: Scanner, minter: TokenMinter, size: number) {
    this.#scanner = scanner;
    this.#minter = minter;
    this.#named = new Uint32Array(size);
    this.#maskOfName = new NameMasks(nameMasksFor(size));
    this.#globs = scanner.nameClass('').includes(':');
    // Scans as the default form does (every finding), noting which kinds would select otherwise in
    // the blob's own content (content inside containers gets every finding under any name).
    this.#observer = {
      ...scanner,
      scan: (bytes: Buffer, hint?: ScanHint): Finding[] => {
        const all = scanner.scan(bytes);
        if (hint === this.#top && all.some((f) => scanner.conditional(f))) this.#differs |= this.#globs ? ANY_KIND : differingKinds(scanner, bytes, all);
        return hint === undefined ? all : scanner.select(bytes, all, hint);
      },
    };
  }

  /** Pass 1: the default form of the blob at table `index`; remembers it when a name could select otherwise. */
  settle(index: number, content: Buffer): ObjectOutcome {
    this.#top = { kind: 'unknown' };
    this.#differs = 0;
    const r = rewriteBlob(content, this.#observer, this.#minter, this.#top);
    if (this.#differs !== 0 && r.withheld === 0) this.#sensitive.set(index, this.#differs);
    return r;
  }

  /**
   * Pass 1: a new tree names a blob: `child` is its table index, or -1 for an earlier sync's blob whose
   * id is the 20 bytes of `raw` at `at`; the name runs from `nameStart` to the NUL before `at`.
   */
  named(child: number, raw: Buffer, at: number, nameStart: number): void {
    let mask = this.#maskOfName.get(raw, nameStart, at - 1);
    if (mask < 0) {
      mask = this.#maskOf(raw.toString('utf8', nameStart, at - 1));
      this.#maskOfName.set(raw, nameStart, at - 1, mask);
    }
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

  /** This sync's blobs whose findings depend on the file's kind or name: table index → kinds that differ. */
  sensitive(): ReadonlyMap<number, number> {
    return this.#sensitive;
  }

  /**
   * The blobs that need a variant: kind-sensitive ones (`outside`: earlier syncs', id → kinds that
   * differ) that new trees name in a class that may select otherwise than the default form. A blob
   * whose names all select the default keeps it, unread.
   */
  candidates(outside: ReadonlyMap<string, number>): BlobKey[] {
    const keys: BlobKey[] = [];
    for (const [index, differs] of [...this.#sensitive].sort((a, b) => a[0] - b[0])) if ((this.#kindsOf(this.#named[index]!) & differs) !== 0) keys.push(index);
    for (const [id, mask] of [...this.#namedOutside].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const differs = outside.get(id) ?? 0;
      if ((differs & DEFAULT_UNRECORDED) !== 0 || (this.#kindsOf(mask) & differs) !== 0) keys.push(id);
    }
    return keys;
  }

  /** The kind bits the classes of `mask` may select by. */
  #kindsOf(mask: number): number {
    let kinds = 0;
    for (let bit = 0; mask !== 0 && bit < this.#classKinds.length; bit++) if (((mask >>> bit) & 1) !== 0) kinds |= this.#classKinds[bit]!;
    return kinds;
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
    const key = this.#scanner.nameClass(name);
    let bit = this.#classBit.get(key);
    if (bit === undefined) {
      bit = Math.min(this.#hints.length, CLASS_BITS);
      if (bit < CLASS_BITS) this.#hints.push({ path: name });
      else if (this.#hints.length === CLASS_BITS) this.#hints.push(EVERY_FINDING);
      // A class of name globs, or one whose kind the content's shebang decides, may select by any kind.
      if (bit < CLASS_BITS) this.#classKinds.push(key.includes(':') || key === '?' ? ANY_KIND : kindBit(key));
      else if (this.#classKinds.length === CLASS_BITS) this.#classKinds.push(0);
      this.#classBit.set(key, bit);
    }
    return (1 << bit) >>> 0;
  }
}

/** The kind bit of a class key that is a plain kind (`unknown`: none). */
function kindBit(key: string): number {
  return (KIND_BITS as Record<string, number>)[key] ?? 0;
}

/** The kinds whose selection of `all` (an unhinted scan of `bytes`) differs from every finding's. */
function differingKinds(scanner: Scanner, bytes: Buffer, all: readonly Finding[]): number {
  const every = scanner.select(bytes, all, EVERY_FINDING);
  let differs = 0;
  for (const [kind, bit] of Object.entries(KIND_BITS) as [keyof typeof KIND_BITS, number][]) {
    const sel = scanner.select(bytes, all, { kind });
    if (sel.length !== every.length || sel.some((f, i) => f !== every[i])) differs |= bit;
  }
  return differs;
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
