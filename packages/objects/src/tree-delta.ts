// Deltas between versions of one directory's tree, for packs written on the sync path
// (gitformat-pack, "Deltified representation"). A rewritten history holds the same directory many
// times over with an entry or two changed each time; written whole, git/git's 94k rewritten trees
// are gigabytes to deflate. A version differs from the one before mostly in the middle, so a common
// prefix, the changed middle and a common suffix give the delta without any search.

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
 * The delta that makes `target` from `base` by their common prefix and suffix, or null when it would
 * not save at least half of `target` (then the object is better written whole). Bases above 4 GiB
 * are never used (copy offsets have 32 bits).
 */
export function prefixSuffixDelta(base: Buffer, target: Buffer): Buffer | null {
  if (base.length >= 2 ** 32 || target.length < 64) return null;
  const limit = Math.min(base.length, target.length);
  let prefix = 0;
  while (prefix < limit && base[prefix] === target[prefix]) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && base[base.length - 1 - suffix] === target[target.length - 1 - suffix]) suffix++;
  const middle = target.length - prefix - suffix;
  // Header (≤ 10 bytes per size), copies (≤ 8 bytes each), the middle with one length byte per 127.
  if (middle + Math.ceil(middle / 127) + 40 > target.length / 2) return null;
  const out: number[] = [];
  pushSize(out, base.length);
  pushSize(out, target.length);
  pushCopies(out, 0, prefix);
  const head = Buffer.from(out);
  const inserts: Buffer[] = [];
  for (let at = prefix; at < prefix + middle; at += 127) {
    const n = Math.min(127, prefix + middle - at);
    inserts.push(Buffer.from([n]), target.subarray(at, at + n));
  }
  const tail: number[] = [];
  pushCopies(tail, base.length - suffix, suffix);
  return Buffer.concat([head, ...inserts, Buffer.from(tail)]);
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
