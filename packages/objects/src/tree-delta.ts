// Deltas between versions of one directory's tree, for packs written on the sync path
// (gitformat-pack, "Deltified representation"). A rewritten history holds the same directory many
// times over with an entry or two changed each time; written whole, git/git's 94k rewritten trees
// are gigabytes to deflate. A version differs from the one before in a few entries, so walking the
// two sorted entry lists side by side (equal entries copied, the rest literal) gives the delta without
// any search.
import { scanTree } from './tree.js';
import { compareRanges, rangesEqual } from './byte-ranges.js';

/** git's default delta chain limit (pack.depth): readers resolve at most this many bases per object. */
export const MAX_DELTA_DEPTH = 50;

const NUL = 0x00;
const SPACE = 0x20;
const ID_BYTES = 20;

/**
 * Which directory a tree most likely is: its first and its last entry name. Versions of one directory
 * keep both for long stretches; two directories rarely share both. Read from the two ends only (no
 * walk over the entries): the last name is taken from the last space before its NUL, so a name with
 * a space gives a shorter key, the same for every version. Null for content too short to be a tree.
 */
export function treeSignature(content: Buffer): string | null {
  if (content.length < ID_BYTES + 4) return null;
  const firstSpace = content.indexOf(SPACE);
  const firstNul = firstSpace < 0 ? -1 : content.indexOf(NUL, firstSpace);
  const lastNul = content.length - ID_BYTES - 1;
  if (firstNul < 0 || content[lastNul] !== NUL) return null;
  const lastSpace = content.lastIndexOf(SPACE, lastNul);
  if (lastSpace < 0) return null;
  return `${content.toString('latin1', firstSpace + 1, firstNul)}\0${content.toString('latin1', lastSpace + 1, lastNul)}`;
}

/** A size as the delta header writes it: 7 bits per byte, least significant first, MSB = more follows. */
function pushSize(out: number[], size: number): void {
  let rest = size;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

/** A copy instruction: `size` bytes of the base from `offset` (offset < 2^32, 0 < size < 2^24). */
function pushCopy(out: number[], offset: number, size: number): void {
  const at = out.length;
  out.push(0x80);
  let op = 0x80;
  for (let i = 0; i < 4; i++) {
    const byte = Math.floor(offset / 2 ** (8 * i)) & 0xff;
    if (byte !== 0) {
      op |= 1 << i;
      out.push(byte);
    }
  }
  for (let i = 0; i < 3; i++) {
    const byte = (size >>> (8 * i)) & 0xff;
    if (byte !== 0) {
      op |= 0x10 << i;
      out.push(byte);
    }
  }
  out[at] = op;
}

/** Largest copy one instruction carries that stays clear of git's "size 0 means 64 KiB" rule. */
const MAX_COPY = 0xffffff;

function pushCopies(out: number[], offset: number, size: number): void {
  for (let done = 0; done < size; done += MAX_COPY) pushCopy(out, offset + done, Math.min(MAX_COPY, size - done));
}

/**
 * Where each entry of tree content lies: per entry, the start of its name and its NUL (the entry ends
 * 21 bytes after the NUL; the next one starts there). Null when the content is not a well-formed
 * sequence of entries (such a tree is then written whole).
 */
export function treeEntries(content: Buffer): Int32Array | null {
  const out: number[] = [];
  try {
    scanTree(content, (_kind, idOffset, nameStart) => out.push(nameStart, idOffset - 1));
  } catch {
    return null;
  }
  return Int32Array.from(out);
}

/** The growing delta: instructions as bytes, with the copy being extended kept open until it breaks. */
class DeltaBuilder {
  readonly #out: number[] = [];
  readonly #target: Buffer;
  #copyFrom = -1;
  #copySize = 0;
  #insertFrom = -1;
  #insertSize = 0;

  constructor(baseLength: number, target: Buffer) {
    this.#target = target;
    pushSize(this.#out, baseLength);
    pushSize(this.#out, target.length);
  }

  /** Bytes of the delta so far, counting the open copy and insert as they will be written. */
  get size(): number {
    return this.#out.length + this.#insertSize + Math.ceil(this.#insertSize / 127) + (this.#copySize > 0 ? 8 : 0);
  }

  /** `size` base bytes from `from`, joined to the open copy when they follow it. */
  copy(from: number, size: number): void {
    this.#closeInsert();
    if (this.#copyFrom >= 0 && this.#copyFrom + this.#copySize === from) {
      this.#copySize += size;
      return;
    }
    this.#closeCopy();
    this.#copyFrom = from;
    this.#copySize = size;
  }

  /** Target bytes `[from, from + size)` given literally. */
  insert(from: number, size: number): void {
    this.#closeCopy();
    if (this.#insertFrom < 0) this.#insertFrom = from;
    this.#insertSize += size;
  }

  finish(): Buffer {
    this.#closeCopy();
    this.#closeInsert();
    return Buffer.from(this.#out);
  }

  #closeCopy(): void {
    if (this.#copySize > 0) pushCopies(this.#out, this.#copyFrom, this.#copySize);
    this.#copyFrom = -1;
    this.#copySize = 0;
  }

  #closeInsert(): void {
    for (let at = this.#insertFrom, left = this.#insertSize; left > 0;) {
      const n = Math.min(127, left);
      this.#out.push(n);
      for (let i = 0; i < n; i++) this.#out.push(this.#target[at + i]!);
      at += n;
      left -= n;
    }
    this.#insertFrom = -1;
    this.#insertSize = 0;
  }
}

/**
 * The delta that makes tree `target` from tree `base` entry by entry (both lists in tree order: an
 * entry equal in both is copied, any other target entry given literally), or null when it would not
 * save at least half of `target` (then the object is better written whole), or would not be smaller
 * than `limit` bytes when given (a delta against another base is already that small). `baseEntries`
 * and `targetEntries` come from `treeEntries`. Bases above 4 GiB are never used (copy offsets have 32 bits).
 *
 * Versions of a directory mostly differ in an entry or two: the bytes both trees begin with and end
 * with are found natively first and copied whole; only the entries between are walked side by side.
 * Walking every entry in JS was most of the pack thread's time on git/git's big trees (docs/benchmarks.md,
 * "Session 13").
 */
export function treeDelta(base: Buffer, baseEntries: Int32Array, target: Buffer, targetEntries: Int32Array, limit = Infinity, ends = sharedEnds(base, target)): Buffer | null {
  if (base.length >= 2 ** 32 || target.length < 64) return null;
  const delta = new DeltaBuilder(base.length, target);
  const budget = Math.min(target.length / 2, limit - 1);
  const baseCount = baseEntries.length / 2;
  const targetCount = targetEntries.length / 2;
  const bStart = (k: number): number => (k === 0 ? 0 : baseEntries[2 * k - 1]! + 1 + ID_BYTES);
  const tStart = (k: number): number => (k === 0 ? 0 : targetEntries[2 * k - 1]! + 1 + ID_BYTES);
  // The common head, cut back to the start of the target entry it ends in: the same bytes parse into
  // the same entries, so that is where the base's entry of the same index starts too.
  let j = entryAt(targetEntries, targetCount, ends.head);
  let i = j;
  const headBytes = tStart(j);
  if (headBytes > 0) delta.copy(0, headBytes);
  // The common tail, cut forward to the next target entry and kept clear of the head.
  const tail = Math.min(ends.tail, target.length - headBytes, base.length - headBytes);
  const tailEntry = tail === 0 ? targetCount : entryAt(targetEntries, targetCount, target.length - tail, true);
  const tailStart = tailEntry < targetCount ? tStart(tailEntry) : target.length;
  for (; j < tailEntry; j++) {
    const ts = tStart(j);
    const te = targetEntries[2 * j + 1]! + 1 + ID_BYTES;
    // Skip base entries that sort before this one (deleted, or renamed away).
    while (i < baseCount && compareRanges(base, baseEntries[2 * i]!, baseEntries[2 * i + 1]!, target, targetEntries[2 * j]!, targetEntries[2 * j + 1]!) < 0) i++;
    const bs = i < baseCount ? bStart(i) : -1;
    const be = bs < 0 ? -1 : baseEntries[2 * i + 1]! + 1 + ID_BYTES;
    if (bs >= 0 && be - bs === te - ts && rangesEqual(base, bs, target, ts, te - ts)) {
      delta.copy(bs, be - bs);
      i++;
      // The entries after a copied one that equal the base's next ones, byte for byte, are skipped as
      // one run (equal bytes from equal entry starts parse into equal entries).
      const run = commonRun(base, be, target, te, Math.min(base.length - be, tailStart - te));
      const k = Math.min(entryAt(targetEntries, targetCount, te + run), tailEntry);
      if (k > j + 1) {
        delta.copy(be, tStart(k) - te);
        i += k - j - 1;
        j = k - 1;
      }
    } else {
      delta.insert(ts, te - ts);
    }
    if (delta.size > budget) return null;
  }
  if (tailStart < target.length) delta.copy(base.length - (target.length - tailStart), target.length - tailStart);
  if (delta.size > budget) return null;
  const out = delta.finish();
  return out.length < limit ? out : null;
}

/** The bytes two trees begin with in common (`head`) and end with (`tail`); the tail may reach into the head. */
export interface SharedEnds {
  head: number;
  tail: number;
}

/** The shared ends of `base` and `target` (found natively); their sum ranks a directory's versions as bases. */
export function sharedEnds(base: Buffer, target: Buffer): SharedEnds {
  return { head: commonPrefix(base, target), tail: commonSuffix(base, target) };
}

/** Below this many bytes a span is compared in a JS loop rather than by a call into C++. */
const NATIVE_SPAN = 64;

/** How many bytes `a` and `b` begin with in common. */
function commonPrefix(a: Buffer, b: Buffer): number {
  return commonRun(a, 0, b, 0, Math.min(a.length, b.length));
}

/**
 * How many bytes from `a[aStart]` and `b[bStart]` on are equal, up to `max`: the first NATIVE_SPAN in a
 * JS loop (most runs between two changed entries are short), then spans doubling natively until one
 * differs, and a binary search within it.
 */
function commonRun(a: Buffer, aStart: number, b: Buffer, bStart: number, max: number): number {
  let lo = 0;
  for (const end = Math.min(NATIVE_SPAN, max); lo < end; lo++) if (a[aStart + lo] !== b[bStart + lo]) return lo;
  // Invariant: the first `lo` bytes are equal; the first difference, if any, lies in [lo, hi).
  let hi = max;
  for (let span = NATIVE_SPAN; lo < max; span *= 2) {
    const next = Math.min(lo + span, max);
    if (a.compare(b, bStart + lo, bStart + next, aStart + lo, aStart + next) !== 0) {
      hi = next;
      break;
    }
    lo = next;
  }
  while (hi - lo > NATIVE_SPAN) {
    const mid = lo + ((hi - lo) >>> 1);
    if (a.compare(b, bStart + lo, bStart + mid, aStart + lo, aStart + mid) === 0) lo = mid;
    else hi = mid;
  }
  while (lo < hi && a[aStart + lo] === b[bStart + lo]) lo++;
  return lo;
}

/** How many bytes `a` and `b` end with in common. */
function commonSuffix(a: Buffer, b: Buffer): number {
  let lo = 0;
  let hi = Math.min(a.length, b.length);
  // Invariant: the last `lo` bytes are equal; the first difference from the end lies within the last `hi`.
  while (hi - lo > NATIVE_SPAN) {
    const mid = lo + ((hi - lo) >>> 1);
    if (a.compare(b, b.length - mid, b.length - lo, a.length - mid, a.length - lo) === 0) lo = mid;
    else hi = mid;
  }
  while (lo < hi && a[a.length - 1 - lo] === b[b.length - 1 - lo]) lo++;
  return lo;
}

/**
 * The entry of `entries` (from treeEntries, `count` of them) that holds byte `offset`: the last that
 * starts at or before it; with `from`, the first that starts at or after it (`count` if none).
 */
function entryAt(entries: Int32Array, count: number, offset: number, from = false): number {
  // Entry k starts at 0 (k = 0) or 21 bytes past entry k − 1's NUL.
  const start = (k: number): number => (k === 0 ? 0 : entries[2 * k - 1]! + 1 + ID_BYTES);
  let lo = 0;
  let hi = count;
  // The first entry starting after `offset` (or at or after it, with `from`).
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (from ? start(mid) < offset : start(mid) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return from ? lo : Math.max(0, lo - 1);
}

/** The negative offset of an OFS_DELTA entry's base, as pack entries spell it (gitformat-pack). */
export function ofsDeltaOffset(distance: number): Buffer {
  const bytes = [distance % 128];
  let rest = Math.floor(distance / 128);
  while (rest > 0) {
    rest -= 1;
    bytes.unshift(0x80 | (rest % 128));
    rest = Math.floor(rest / 128);
  }
  return Buffer.from(bytes);
}
