/**
 * zip (PKWARE APPNOTE 6.3): reading every entry through the central directory (stored and deflate),
 * and rebuilding the archive with changed entries stored (method 0) and the others copied raw.
 */
import { crc32 } from './crc32.js';
import type { DecodeBudget } from './decode-limits.js';
import { ScannerError, codes } from './errors.js';
import { inflateBounded } from './inflate-bounded.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const DESCRIPTOR = 0x08074b50;
const ZIP64_LOCATOR = 0x07064b50;
const LOCAL_SIGNATURE = Buffer.from([0x50, 0x4b, 3, 4]);
const END_SIZE = 22;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_AES = 99;

/** One entry: where its records lie in the archive and its decoded content. */
export interface ZipEntry {
  /** Offset of the central directory record, and its length. */
  central: number;
  centralLength: number;
  /** Offset of the local header, of the data, and the end of the data (and of the descriptor, if any). */
  local: number;
  dataStart: number;
  dataEnd: number;
  recordEnd: number;
  content: Buffer;
}

/** A read archive: the bytes before the first entry, entries in archive order, and the end record. */
export interface ZipFile {
  prefix: number;
  entries: ZipEntry[];
  centralStart: number;
  end: number;
}

function fail(code: typeof codes.corrupt | typeof codes.unsupported | typeof codes.encrypted, message: string, data: Record<string, unknown> = {}): ScannerError {
  return new ScannerError(code, message, { data: { container: 'zip', ...data } });
}

/** The offset of the end-of-central-directory record, or -1 when `bytes` have none. */
function findEnd(bytes: Buffer): number {
  const stop = Math.max(0, bytes.length - END_SIZE - 0xffff);
  for (let p = bytes.length - END_SIZE; p >= stop; p--) {
    if (bytes[p] === 0x50 && bytes[p + 1] === 0x4b && bytes.readUInt32LE(p) === END && p + END_SIZE + bytes.readUInt16LE(p + 20) === bytes.length) return p;
  }
  return -1;
}

/** Whether the extra fields in `bytes[start, end)` include the zip64 field (id 1). */
function hasZip64Field(bytes: Buffer, start: number, end: number): boolean {
  for (let p = start; p + 4 <= end; p += 4 + bytes.readUInt16LE(p + 2)) if (bytes.readUInt16LE(p) === 1) return true;
  return false;
}

/** Whether `bytes` look like a zip: a local header first, or an end record (without comment) last. */
export function isZip(bytes: Buffer): boolean {
  if (bytes.length < END_SIZE) return false;
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4) return true;
  const p = bytes.length - END_SIZE;
  // An archive with bytes in front (a self-extractor) still unzips; its end record gives it away.
  return bytes[p] === 0x50 && bytes[p + 1] === 0x4b && bytes[p + 2] === 5 && bytes[p + 3] === 6 && bytes.readUInt16LE(p + 10) > 0;
}

/**
 * Reads every entry named by the central directory and decodes it, checking sizes and CRC-32.
 * The local records and the central directory must tile the archive (no hidden bytes between them).
 * @throws ScannerError `GITGATE_SCAN_ENCRYPTED`, `GITGATE_SCAN_UNSUPPORTED` (zip64, multi-disk,
 *   a method other than stored/deflate), `GITGATE_SCAN_CORRUPT`, or a limit's code.
 */
export function readZip(bytes: Buffer, budget: DecodeBudget): ZipFile {
  const end = findEnd(bytes);
  if (end < 0) throw fail(codes.corrupt, 'no zip end-of-central-directory record');
  const disk = bytes.readUInt16LE(end + 4);
  const cdDisk = bytes.readUInt16LE(end + 6);
  const diskEntries = bytes.readUInt16LE(end + 8);
  const count = bytes.readUInt16LE(end + 10);
  const cdSize = bytes.readUInt32LE(end + 12);
  const cdOffset = bytes.readUInt32LE(end + 16);
  // A zip64 end record (written by `zip` reading stdin, or for large archives) sits before the end record.
  const zip64 = end >= 20 && bytes.readUInt32LE(end - 20) === ZIP64_LOCATOR;
  if (zip64 || count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw fail(codes.unsupported, 'zip64 archives are not read');
  if (disk !== 0 || cdDisk !== 0 || diskEntries !== count) throw fail(codes.unsupported, 'multi-disk zip archives are not read');
  // Bytes in front of the archive shift every offset by the same amount (self-extractors).
  const shift = end - cdSize - cdOffset;
  if (shift < 0) throw fail(codes.corrupt, 'the zip central directory lies outside the archive');
  const centralStart = cdOffset + shift;
  const entries: ZipEntry[] = [];
  let p = centralStart;
  let decoded = 0;
  for (let i = 0; i < count; i++) {
    budget.entry();
    if (p + 46 > end || bytes.readUInt32LE(p) !== CENTRAL) throw fail(codes.corrupt, 'a zip central directory record is missing', { entry: i });
    const flags = bytes.readUInt16LE(p + 8);
    const method = bytes.readUInt16LE(p + 10);
    const crc = bytes.readUInt32LE(p + 16);
    const compressedSize = bytes.readUInt32LE(p + 20);
    const size = bytes.readUInt32LE(p + 24);
    const centralLength = 46 + bytes.readUInt16LE(p + 28) + bytes.readUInt16LE(p + 30) + bytes.readUInt16LE(p + 32);
    const local = bytes.readUInt32LE(p + 42) + shift;
    if (p + centralLength > end) throw fail(codes.corrupt, 'a zip central directory record is truncated', { entry: i });
    if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0 || method === METHOD_AES) throw fail(codes.encrypted, 'an encrypted zip entry cannot be scanned', { entry: i });
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) throw fail(codes.unsupported, 'a zip entry uses a compression method other than stored or deflate', { entry: i, method });
    if (compressedSize === 0xffffffff || size === 0xffffffff || bytes.readUInt32LE(p + 42) === 0xffffffff) throw fail(codes.unsupported, 'zip64 entries are not read', { entry: i });
    if (local + 30 > centralStart || bytes.readUInt32LE(local) !== LOCAL) throw fail(codes.corrupt, 'a zip local header is missing', { entry: i });
    const dataStart = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > centralStart) throw fail(codes.corrupt, 'a zip entry runs past the central directory', { entry: i });
    let recordEnd = dataEnd;
    if ((flags & FLAG_DESCRIPTOR) !== 0) {
      // Sizes in a descriptor are 8 bytes when the local header has a zip64 field (a streaming `zip -`).
      const sizes = hasZip64Field(bytes, local + 30 + bytes.readUInt16LE(local + 26), dataStart) ? 16 : 8;
      recordEnd += 4 + sizes + (dataEnd + 4 <= centralStart && bytes.readUInt32LE(dataEnd) === DESCRIPTOR ? 4 : 0);
    }
    if (recordEnd > centralStart) throw fail(codes.corrupt, 'a zip data descriptor runs past the central directory', { entry: i });
    const raw = bytes.subarray(dataStart, dataEnd);
    let content: Buffer;
    if (method === METHOD_STORED) {
      budget.charge(raw.length, bytes.length, decoded + raw.length);
      content = raw;
    } else {
      // The declared size is checked before inflating: a bomb is refused without decoding it.
      budget.check(size, bytes.length, decoded + size);
      content = inflateBounded(raw, budget, bytes.length, decoded).data;
    }
    decoded += content.length;
    if (content.length !== size || crc32(content) !== crc) throw fail(codes.corrupt, 'a zip entry fails its size or CRC-32 check', { entry: i });
    entries.push({ central: p, centralLength, local, dataStart, dataEnd, recordEnd, content });
    p += centralLength;
  }
  if (p !== end) throw fail(codes.corrupt, 'the zip central directory size does not match its records');
  // Every byte between the first local header and the end record belongs to a record: nothing unread hides in a gap.
  const ordered = [...entries].sort((a, b) => a.local - b.local);
  const prefix = ordered.length > 0 ? ordered[0]!.local : centralStart;
  // A local header outside the central directory is still read by streaming unzippers (Java's ZipInputStream).
  if (bytes.subarray(0, prefix).indexOf(LOCAL_SIGNATURE) >= 0) throw fail(codes.corrupt, 'a zip local header lies outside the central directory');
  let at = prefix;
  for (const e of ordered) {
    if (e.local !== at) throw fail(codes.corrupt, 'zip records overlap or leave a gap');
    at = e.recordEnd;
  }
  if (at !== centralStart) throw fail(codes.corrupt, 'zip records leave a gap before the central directory');
  return { prefix, entries, centralStart, end };
}

/**
 * The archive with entry `i`'s content replaced by `replaced[i]` where given: such an entry is written
 * stored (method 0, no data descriptor) with its new size and CRC-32; every other record is copied as it
 * was, and offsets are fixed. Names, extra fields, comments and times are kept.
 */
export function rebuildZip(bytes: Buffer, zip: ZipFile, replaced: ReadonlyArray<Buffer | undefined>): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, zip.prefix)];
  let offset = zip.prefix;
  const newOffset = new Map<ZipEntry, number>();
  const ordered = zip.entries.map((e, i) => ({ e, content: replaced[i] })).sort((a, b) => a.e.local - b.e.local);
  for (const { e, content } of ordered) {
    newOffset.set(e, offset);
    if (content === undefined) {
      parts.push(bytes.subarray(e.local, e.recordEnd));
      offset += e.recordEnd - e.local;
      continue;
    }
    const header = Buffer.from(bytes.subarray(e.local, e.dataStart));
    header.writeUInt16LE(header.readUInt16LE(6) & ~FLAG_DESCRIPTOR, 6);
    header.writeUInt16LE(METHOD_STORED, 8);
    header.writeUInt32LE(crc32(content), 14);
    header.writeUInt32LE(content.length, 18);
    header.writeUInt32LE(content.length, 22);
    parts.push(header, content);
    offset += header.length + content.length;
  }
  const centralStart = offset;
  zip.entries.forEach((e, i) => {
    const record = Buffer.from(bytes.subarray(e.central, e.central + e.centralLength));
    const content = replaced[i];
    if (content !== undefined) {
      record.writeUInt16LE(record.readUInt16LE(8) & ~FLAG_DESCRIPTOR, 8);
      record.writeUInt16LE(METHOD_STORED, 10);
      record.writeUInt32LE(crc32(content), 16);
      record.writeUInt32LE(content.length, 20);
      record.writeUInt32LE(content.length, 24);
    }
    record.writeUInt32LE(newOffset.get(e)!, 42);
    parts.push(record);
    offset += record.length;
  });
  const endRecord = Buffer.from(bytes.subarray(zip.end));
  endRecord.writeUInt32LE(offset - centralStart, 12);
  endRecord.writeUInt32LE(centralStart, 16);
  parts.push(endRecord);
  return Buffer.concat(parts);
}
