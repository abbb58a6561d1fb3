/**
 * A DEFLATE stream (RFC 1951 §3.2.4) made only of stored blocks. Written here rather than by zlib's
 * compressor so the bytes depend on the content alone, never on the zlib version (invariant 2).
 */

/** Largest payload of one stored block (LEN is 16 bits). */
const MAX_STORED = 0xffff;

/** `content` as a raw DEFLATE stream of stored blocks; an empty content is one empty final block. */
export function deflateStored(content: Uint8Array): Buffer {
  const blocks = Math.max(1, Math.ceil(content.length / MAX_STORED));
  const out = Buffer.allocUnsafe(content.length + blocks * 5);
  let o = 0;
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX_STORED;
    const len = Math.min(MAX_STORED, content.length - start);
    // BFINAL in bit 0, BTYPE 00 (stored); the rest of the byte is padding to the byte boundary.
    out[o++] = b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(len, o);
    out.writeUInt16LE(~len & 0xffff, o + 2);
    o += 4;
    out.set(content.subarray(start, start + len), o);
    o += len;
  }
  return out;
}
