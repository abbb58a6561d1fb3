/** Builds zip archives at test time (APPNOTE 6.3 records), with the knobs the tests need: method, encryption flag, data descriptor. */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../src/crc32.js';

export interface FixtureEntry {
  name: string;
  content: Buffer | string;
  /** 0 stored, 8 deflate (default), or any other number written as is. */
  method?: number;
  /** Sets the encryption flag (the data is written as given). */
  encrypted?: boolean;
  /** Sizes and CRC in a signed data descriptor after the data, zeros in the local header. */
  descriptor?: boolean;
  /** Replaces the compressed data (a truncated or corrupt stream). */
  rawData?: Buffer;
}

/** A zip archive of `entries` in order, with an optional archive comment. */
export function makeZip(entries: FixtureEntry[], comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const content = typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
    const method = e.method ?? 8;
    const data = e.rawData ?? (method === 8 ? deflateRawSync(content) : content);
    const name = Buffer.from(e.name);
    const flags = (e.encrypted ? 1 : 0) | (e.descriptor ? 8 : 0) | 0x800;
    const crc = crc32(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x6000, 10);
    local.writeUInt16LE(0x5821, 12);
    if (!e.descriptor) {
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(data.length, 18);
      local.writeUInt32LE(content.length, 22);
    }
    local.writeUInt16LE(name.length, 26);
    const parts = [local, name, data];
    if (e.descriptor) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      d.writeUInt32LE(data.length, 8);
      d.writeUInt32LE(content.length, 12);
      parts.push(d);
    }
    const record = Buffer.concat(parts);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x6000, 12);
    central.writeUInt16LE(0x5821, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(record);
    centrals.push(Buffer.concat([central, name]));
    offset += record.length;
  }
  const cd = Buffer.concat(centrals);
  const commentBytes = Buffer.from(comment);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(commentBytes.length, 20);
  return Buffer.concat([...locals, cd, end, commentBytes]);
}
