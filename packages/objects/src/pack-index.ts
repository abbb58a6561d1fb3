// Writes a version 2 pack index (gitformat-pack, "Version 2 pack-*.idx files"): what `git index-pack`
// would write for a pack whose every object's id, CRC-32 and offset the writer already knows.
import { createHash } from 'node:crypto';

/** Packed objects column by column: object i has id `ids[20i, 20i+20)`, CRC `crcs[i]`, offset `offsets[i]`. */
export interface PackIndexColumns {
  ids: Buffer;
  crcs: ArrayLike<number>;
  offsets: ArrayLike<number>;
}

const MAGIC = Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]);
const LARGE = 0x80000000;

/**
 * The bytes of the index of a pack holding the objects in `columns` whose trailer is `packChecksum`
 * (20 bytes). Ids are sorted (an id present twice keeps both entries, as index-pack without --strict
 * does); offsets of 2 GiB and more go to the 64-bit table. Columns, not an object per entry: a writer
 * of hundreds of thousands of objects does not build and sort as many small ones (about 35 MB for
 * git/git's 180k). Throws TypeError for a checksum that is not 20 bytes, or columns that disagree.
 */
export function packIndex(columns: PackIndexColumns, packChecksum: Buffer): Buffer {
  if (packChecksum.length !== 20) throw new TypeError('pack checksum must be 20 bytes');
  const { ids, crcs, offsets } = columns;
  const n = crcs.length;
  if (ids.length !== n * 20 || offsets.length !== n) throw new TypeError('object ids must be 20 bytes each, one per CRC and offset');
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => ids.compare(ids, b * 20, b * 20 + 20, a * 20, a * 20 + 20) || offsets[a]! - offsets[b]!);
  let large = 0;
  for (let i = 0; i < n; i++) if (offsets[i]! >= LARGE) large++;
  const out = Buffer.alloc(8 + 1024 + n * 28 + large * 8 + 40);
  MAGIC.copy(out, 0);
  let at = 8;
  let k = 0;
  for (let b = 0; b < 256; b++) {
    while (k < n && ids[order[k]! * 20]! <= b) k++;
    out.writeUInt32BE(k, at);
    at += 4;
  }
  for (const i of order) at += ids.copy(out, at, i * 20, i * 20 + 20);
  for (const i of order) at = out.writeUInt32BE(crcs[i]! >>> 0, at);
  let l = 0;
  for (const i of order) at = out.writeUInt32BE(offsets[i]! >= LARGE ? (LARGE | l++) >>> 0 : offsets[i]!, at);
  for (const i of order) {
    if (offsets[i]! < LARGE) continue;
    out.writeUInt32BE(Math.floor(offsets[i]! / 2 ** 32), at);
    out.writeUInt32BE(offsets[i]! % 2 ** 32, at + 4);
    at += 8;
  }
  at += packChecksum.copy(out, at);
  createHash('sha1').update(out.subarray(0, at)).digest().copy(out, at);
  return out;
}
