// Writes a version 2 pack index (gitformat-pack, "Version 2 pack-*.idx files"): what `git index-pack`
// would write for a pack whose every object's id, CRC-32 and offset the writer already knows.
import { createHash } from 'node:crypto';

/** One packed object: its binary id (20 bytes), the CRC-32 of its whole entry, and where the entry starts. */
export interface PackIndexEntry {
  id: Buffer;
  crc: number;
  offset: number;
}

const MAGIC = Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]);
const LARGE = 0x80000000;

/**
 * The bytes of the index of a pack holding `entries` whose trailer is `packChecksum` (20 bytes). Ids
 * are sorted (an id present twice keeps both entries, as index-pack without --strict does); offsets of
 * 2 GiB and more go to the 64-bit table. Throws TypeError for an id or checksum that is not 20 bytes.
 */
export function packIndex(entries: readonly PackIndexEntry[], packChecksum: Buffer): Buffer {
  if (packChecksum.length !== 20) throw new TypeError('pack checksum must be 20 bytes');
  for (const e of entries) if (e.id.length !== 20) throw new TypeError('object id must be 20 bytes');
  const sorted = [...entries].sort((a, b) => Buffer.compare(a.id, b.id) || a.offset - b.offset);
  const n = sorted.length;
  const large = sorted.filter((e) => e.offset >= LARGE);
  const out = Buffer.alloc(8 + 1024 + n * 28 + large.length * 8 + 40);
  MAGIC.copy(out, 0);
  let at = 8;
  let k = 0;
  for (let b = 0; b < 256; b++) {
    while (k < n && sorted[k]!.id[0]! <= b) k++;
    out.writeUInt32BE(k, at);
    at += 4;
  }
  for (const e of sorted) at += e.id.copy(out, at);
  for (const e of sorted) at = out.writeUInt32BE(e.crc >>> 0, at);
  let l = 0;
  for (const e of sorted) at = out.writeUInt32BE(e.offset >= LARGE ? (LARGE | l++) >>> 0 : e.offset, at);
  for (const e of large) {
    out.writeUInt32BE(Math.floor(e.offset / 2 ** 32), at);
    out.writeUInt32BE(e.offset % 2 ** 32, at + 4);
    at += 8;
  }
  at += packChecksum.copy(out, at);
  createHash('sha1').update(out.subarray(0, at)).digest().copy(out, at);
  return out;
}
