// A git pack delta (gitformat-pack, "Deltified representation") found cheaply: copy the common prefix
// and suffix of two buffers; between them, when both have the same length (a tree whose names did not
// change: its entries sit at the same offsets), copy every run of equal bytes at the same offset and
// insert the rest, else insert the middle whole. That is what a new version of a tree mostly is to the
// last one at the same path: a few entry ids changed.

const MAX_INSERT = 0x7f;
const MAX_COPY = 0xffffff;
/** Shorter equal runs are inserted: a copy instruction costs up to 8 bytes. */
const MIN_COPY = 16;

/**
 * The delta that makes `target` from `base`, or null when it would not be smaller than half of
 * `target` (then the object is better stored whole). Deterministic: same inputs, same bytes.
 */
export function prefixSuffixDelta(base: Buffer, target: Buffer): Buffer | null {
  const max = Math.min(base.length, target.length);
  const prefix = firstDifference(base, 0, target, 0, max);
  const room = max - prefix;
  const [bl, tl] = [base.length, target.length];
  let suffix = 0;
  while (suffix + CHUNK <= room && base.compare(target, tl - suffix - CHUNK, tl - suffix, bl - suffix - CHUNK, bl - suffix) === 0) suffix += CHUNK;
  while (suffix < room && base[bl - 1 - suffix] === target[tl - 1 - suffix]) suffix++;
  const end = target.length - suffix;
  // Worst case: every byte inserted (one opcode per 127), the sizes, and copies of 8 bytes at most.
  const out = Buffer.allocUnsafe(40 + 2 * target.length + 8 * Math.ceil(base.length / MAX_COPY));
  let at = writeSize(out, 0, base.length);
  at = writeSize(out, at, target.length);
  at = writeCopies(out, at, 0, prefix);
  let pending = prefix;
  if (base.length === target.length) {
    for (let i = prefix; i < end;) {
      const j = firstDifference(base, i, target, i, end - i);
      if (j - i >= MIN_COPY) {
        at = writeInserts(out, at, target, pending, i);
        at = writeCopies(out, at, i, j - i);
        pending = j;
      }
      i = j;
      while (i < end && base[i] !== target[i]) i++;
    }
  }
  at = writeInserts(out, at, target, pending, end);
  at = writeCopies(out, at, base.length - suffix, suffix);
  return at >= target.length / 2 ? null : out.subarray(0, at);
}

/** Bytes compared per native call before the byte loop: most of a tree's bytes are equal. */
const CHUNK = 64;

/** The offset from `from` at which `base` (from `baseAt`) and `target` first differ, within `length` bytes. */
function firstDifference(base: Buffer, baseAt: number, target: Buffer, from: number, length: number): number {
  let i = 0;
  while (i + CHUNK <= length && base.compare(target, from + i, from + i + CHUNK, baseAt + i, baseAt + i + CHUNK) === 0) i += CHUNK;
  while (i < length && base[baseAt + i] === target[from + i]) i++;
  return from + i;
}

/** Insert instructions for `target` bytes `from` to `to`, 127 at most each. */
function writeInserts(out: Buffer, at: number, target: Uint8Array, from: number, to: number): number {
  let pos = at;
  for (let start = from; start < to; start += MAX_INSERT) {
    const n = Math.min(MAX_INSERT, to - start);
    out[pos++] = n;
    for (let i = 0; i < n; i++) out[pos++] = target[start + i]!;
  }
  return pos;
}

/** A size as the delta header writes it: 7 bits a byte, least significant first. */
function writeSize(out: Buffer, at: number, size: number): number {
  let rest = size;
  while (rest >= 0x80) {
    out[at++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[at++] = rest;
  return at;
}

/** Copy instructions for `length` bytes of the base from `offset`, 16 MiB at most each. */
function writeCopies(out: Buffer, at: number, offset: number, length: number): number {
  for (let done = 0; done < length; done += MAX_COPY) {
    const n = Math.min(MAX_COPY, length - done);
    const off = offset + done;
    const op = at++;
    let flags = 0x80;
    // Offset bytes 0..3 (bits 0x01..0x08), size bytes 0..2 (bits 0x10..0x40); zero bytes are left out.
    for (let b = 0; b < 4; b++) {
      const byte = Math.floor(off / 2 ** (8 * b)) & 0xff;
      if (byte !== 0) {
        out[at++] = byte;
        flags |= 1 << b;
      }
    }
    for (let b = 0; b < 3; b++) {
      const byte = (n >>> (8 * b)) & 0xff;
      if (byte !== 0) {
        out[at++] = byte;
        flags |= 0x10 << b;
      }
    }
    out[op] = flags;
  }
  return at;
}
