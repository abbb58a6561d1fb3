/**
 * The last version of each directory read by one pass of a rewrite (by tree signature: first and last
 * entry name), so the next version takes the entries both share at their two ends from it instead of
 * looking each up again: pass 1 their child links, pass 2 their served bytes and whether its names are
 * clean. A version of git/git's root or `t/` differs from the one before in an entry or two, and mapping
 * entries (an id-table probe each, tens of millions in all) was most of both passes' main thread
 * (docs/benchmarks.md, "Session 13" and "Session 14"). Versions whose names were renamed are not kept
 * (entries may have moved). Bounded in bytes; the directories least recently read go first.
 */
import { scanTreeFrom, sharedEnds, treeSignature, type EntryKind } from '@gitgate/objects';

/**
 * A version of a directory: its upstream bytes, where each entry starts, and what the pass took from it:
 * pass 2 its served bytes (null: unchanged), pass 1 per entry the table index of its child tree (-1: none).
 */
export interface TreeVersion {
  readonly raw: Buffer;
  readonly starts: Int32Array;
  readonly out?: Buffer | null;
  readonly edges?: Int32Array;
  /** Pass 2: the CleanTreeNames key of its names when they were found clean (absent: not known clean). */
  readonly namesKey?: string;
}

/** Bytes of versions kept (upstream, served and entry starts together). */
const VERSION_BYTES = 4 * 1024 * 1024;
/**
 * Trees smaller than this are walked whole and not kept. The large ones carry nearly all the bytes (a
 * version of git/git's root or `t/` is 20–60 KB); small ones would turn the budget over for little gain.
 */
const MIN_VERSION_BYTES = 4096;

export class TreeVersions {
  readonly #bySignature = new Map<string, Kept>();
  #bytes = 0;
  // Where TreeWalk.starts writes (a version's starts are copied out of it when kept).
  #scratch = new Int32Array(1024);

  /** The signature versions are kept under, or null for a tree too small to keep (walked whole). */
  signatureOf(raw: Buffer): string | null {
    return raw.length < MIN_VERSION_BYTES ? null : treeSignature(raw);
  }

  /** The last version kept under `signature`. */
  previous(signature: string): TreeVersion | undefined {
    return this.#bySignature.get(signature)?.version;
  }

  /** Room for `n` entry starts, valid until the next call (TreeWalk.starts). */
  scratch(n: number): Int32Array {
    if (this.#scratch.length < n) this.#scratch = new Int32Array(n * 2);
    return this.#scratch.subarray(0, n);
  }

  /**
   * Keeps a version as the newest of its directory, copied into the buffers of the one it replaces when
   * they are large enough: a sync keeps a version of every large tree it reads, and a fresh copy of each
   * (2.6 GB on git/git) left so much garbage outside the heap that the gateway's peak grew by 150 MiB.
   */
  keep(signature: string, version: NewVersion): void {
    const old = this.#bySignature.get(signature);
    if (old !== undefined) {
      this.#bySignature.delete(signature);
      this.#bytes -= old.bytes;
    }
    const kept = store(old, version);
    this.#bySignature.set(signature, kept);
    this.#bytes += kept.bytes;
    for (const [key, oldest] of this.#bySignature) {
      if (this.#bytes <= VERSION_BYTES) break;
      this.#bySignature.delete(key);
      this.#bytes -= oldest.bytes;
    }
  }
}

/** A kept version (views) and the buffers behind it, reused by the next version of its directory. */
interface Kept {
  version: TreeVersion;
  raw: Buffer;
  out: Buffer | null;
  starts: Int32Array;
  edges: Int32Array | null;
  bytes: number;
}

/** A version to keep, as a walk leaves it (views and arrays the next walk reuses). */
export interface NewVersion {
  raw: Buffer;
  starts: Int32Array;
  out?: Buffer | null;
  edges?: readonly number[];
  namesKey?: string;
}

function store(old: Kept | undefined, v: NewVersion): Kept {
  const raw = bytesFor(old?.raw ?? null, v.raw.length);
  v.raw.copy(raw);
  const out = v.out ? bytesFor(old?.out ?? null, v.out.length) : old?.out ?? null;
  if (v.out) v.out.copy(out!);
  const starts = intsFor(old?.starts ?? null, v.starts.length);
  starts.set(v.starts);
  const edges = v.edges ? intsFor(old?.edges ?? null, v.edges.length) : old?.edges ?? null;
  if (v.edges) edges!.set(v.edges);
  const version: TreeVersion = {
    raw: raw.subarray(0, v.raw.length), starts: starts.subarray(0, v.starts.length),
    ...(v.out === undefined ? {} : { out: v.out === null ? null : out!.subarray(0, v.out.length) }),
    ...(v.edges === undefined ? {} : { edges: edges!.subarray(0, v.edges.length) }),
    ...(v.namesKey === undefined ? {} : { namesKey: v.namesKey }),
  };
  return { version, raw, out, starts, edges, bytes: raw.length + (out?.length ?? 0) + starts.byteLength + (edges?.byteLength ?? 0) };
}

/** `buffer` when it holds `n` bytes, else a new one with room to grow (outside Buffer's shared pool). */
function bytesFor(buffer: Buffer | null, n: number): Buffer {
  return buffer !== null && buffer.length >= n ? buffer : Buffer.allocUnsafeSlow(Math.ceil(n * 1.25));
}

function intsFor(ints: Int32Array | null, n: number): Int32Array {
  return ints !== null && ints.length >= n ? ints : new Int32Array(Math.ceil(n * 1.25));
}

type Visit = (kind: EntryKind, idOffset: number, nameStart: number) => void;

/**
 * A walk of `raw` against its directory's last version in `versions` (a whole walk when there is none, or
 * no `versions`), and the signature to keep it under (null: too small to keep).
 */
export function walkAgainst(versions: TreeVersions | null | undefined, raw: Buffer): { walk: TreeWalk; signature: string | null } {
  const signature = versions?.signatureOf(raw) ?? null;
  return { walk: new TreeWalk(raw, signature === null ? undefined : versions!.previous(signature), signature !== null), signature };
}

/**
 * One tree's walk against its directory's last version (if any): `walk` visits only the entries that
 * version does not hold at the same place, byte for byte, of the bytes both share at their start (the
 * same bytes parse into the same entries: the first `headCount`, in both) or from an entry boundary of
 * both inside the bytes they share at their end (from entry `tailIndex` of the tree, `prevTail` of the
 * version). Those are found natively and with the version's entry starts, without parsing them again.
 */
export class TreeWalk {
  readonly raw: Buffer;
  readonly prev: TreeVersion | undefined;
  readonly headCount: number;
  /** Where the shared head ends (0: none). */
  readonly headEnd: number;
  /** Where the shared tail starts in the tree (`raw.length`: none), its first entry in the tree and in `prev`. */
  tailStart: number;
  tailIndex = -1;
  prevTail = -1;
  readonly #middle: number[] | null;

  /** `record`: note where each entry starts, for `starts` (only for a tree to be kept). */
  constructor(raw: Buffer, prev: TreeVersion | undefined, record: boolean) {
    this.raw = raw;
    this.prev = prev;
    this.#middle = record ? [] : null;
    this.tailStart = raw.length;
    if (prev === undefined) {
      this.headCount = 0;
      this.headEnd = 0;
      return;
    }
    const { starts } = prev;
    const ends = sharedEnds(prev.raw, raw);
    // Entry k of the version ends where k + 1 starts (the last at its end).
    const whole = prev.raw.length <= ends.head ? starts.length : firstAbove(starts, ends.head, 1) - 1;
    this.headCount = whole;
    this.headEnd = whole < starts.length ? starts[whole]! : prev.raw.length;
    const tail = Math.min(ends.tail, raw.length - this.headEnd, prev.raw.length - this.headEnd);
    const first = firstAtOrAbove(starts, prev.raw.length - tail, whole);
    if (tail > 0 && first < starts.length) {
      this.prevTail = first;
      this.tailStart = starts[first]! + raw.length - prev.raw.length;
    }
  }

  /**
   * Whether the tree's entries have the same modes and names, in the same order, as its version's: the
   * shared head and tail hold the same entries byte for byte, so only the middles are compared, entry by
   * entry (their ids may differ). False without a version, or when the tail's start is no entry boundary
   * of the tree. Throws what scanTree throws for a malformed middle.
   */
  sameNames(): boolean {
    const prev = this.prev;
    if (prev === undefined) return false;
    const { raw, headEnd, tailStart } = this;
    const starts = prev.starts;
    const prevEnd = this.prevTail >= 0 ? this.prevTail : starts.length;
    let j = this.headCount;
    let start = headEnd;
    let same = true;
    const stop = scanTreeFrom(raw, headEnd, tailStart, (_kind, at) => {
      if (same && j < prevEnd) {
        // Mode, space, name and NUL: from the entry's start to its id.
        const ps = starts[j]!;
        const pe = (j + 1 < starts.length ? starts[j + 1]! : prev.raw.length) - 20;
        same = at - start === pe - ps && raw.compare(prev.raw, ps, pe, start, at) === 0;
      } else same = false;
      j++;
      start = at + 20;
    });
    return same && stop === tailStart && j === prevEnd;
  }

  /** Visits the entries between the shared head and tail, as scanTree would. Throws what scanTree throws. */
  walk(visit: Visit): void {
    const raw = this.raw;
    const middle = this.#middle;
    let end = this.headEnd;
    const note: Visit = middle === null ? visit : (kind, at, nameStart) => {
      middle.push(end);
      end = at + 20;
      visit(kind, at, nameStart);
    };
    const stop = scanTreeFrom(raw, this.headEnd, this.tailStart, note);
    if (stop === this.tailStart && stop < raw.length) {
      this.tailIndex = this.headCount + (middle?.length ?? 0);
      return;
    }
    // The tail's start is no entry boundary of the tree: no tail is shared.
    this.tailStart = raw.length;
    this.prevTail = -1;
    if (stop < raw.length) scanTreeFrom(raw, stop, raw.length, note);
  }

  /** Where each entry of the tree starts (after a recording `walk`), in `versions`' scratch room. */
  starts(versions: TreeVersions): Int32Array {
    const prev = this.prev;
    const middle = this.#middle!;
    const tail = this.tailIndex < 0 ? 0 : prev!.starts.length - this.prevTail;
    const out = versions.scratch(this.headCount + middle.length + tail);
    if (this.headCount > 0) out.set(prev!.starts.subarray(0, this.headCount));
    out.set(middle, this.headCount);
    const shift = this.raw.length - (prev?.raw.length ?? 0);
    for (let k = 0; k < tail; k++) out[this.tailIndex + k] = prev!.starts[this.prevTail + k]! + shift;
    return out;
  }
}

/** The first index ≥ `from` of ascending `starts` whose value is above `value` (`starts.length` if none). */
function firstAbove(starts: Int32Array, value: number, from: number): number {
  let lo = from;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index ≥ `from` of ascending `starts` whose value is at or above `value`. */
function firstAtOrAbove(starts: Int32Array, value: number, from: number): number {
  return firstAbove(starts, value - 1, from);
}
