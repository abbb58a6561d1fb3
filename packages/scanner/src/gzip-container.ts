/** gzip (RFC 1952): reading every member, and writing one member of stored DEFLATE blocks. */
import { crc32 } from './crc32.js';
import type { DecodeBudget } from './decode-limits.js';
import { deflateStored } from './deflate-stored.js';
import { ScannerError, codes } from './errors.js';
import { inflateBounded } from './inflate-bounded.js';

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const RESERVED = 0xe0;

/** Whether `bytes` start like a gzip member (ID1 ID2, CM = deflate). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 8;
}

/** A read gzip file: the first member's header bytes (kept for the rebuild) and the content of all members. */
export interface GzipFile {
  header: Buffer;
  content: Buffer;
}

function corrupt(message: string, data: Record<string, unknown> = {}): ScannerError {
  return new ScannerError(codes.corrupt, message, { data: { container: 'gzip', ...data } });
}

/** The end of the member header starting at `at`. */
function headerEnd(bytes: Buffer, at: number): number {
  if (bytes.length - at < 18 || bytes[at] !== 0x1f || bytes[at + 1] !== 0x8b) throw corrupt('a gzip member header is missing', { at });
  if (bytes[at + 2] !== 8) throw new ScannerError(codes.unsupported, 'a gzip member uses a compression method other than deflate', { data: { container: 'gzip', method: bytes[at + 2] } });
  const flags = bytes[at + 3]!;
  if ((flags & RESERVED) !== 0) throw corrupt('a gzip member sets reserved flags', { at });
  let p = at + 10;
  if (flags & FEXTRA) {
    if (p + 2 > bytes.length) throw corrupt('a gzip extra field is truncated', { at });
    p += 2 + bytes.readUInt16LE(p);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      const nul = bytes.indexOf(0, p);
      if (nul < 0) throw corrupt('a gzip name or comment is not terminated', { at });
      p = nul + 1;
    }
  }
  if (flags & FHCRC) p += 2;
  if (p > bytes.length) throw corrupt('a gzip member header is truncated', { at });
  return p;
}

/**
 * Decodes every member of `bytes` (multi-member files are one content, as `gunzip` prints them),
 * checking each member's CRC-32 and size. Trailing zero bytes are allowed, other trailing bytes are not.
 * @throws ScannerError `GITGATE_SCAN_CORRUPT`, `GITGATE_SCAN_UNSUPPORTED` or a limit's code.
 */
export function readGzip(bytes: Buffer, budget: DecodeBudget): GzipFile {
  const parts: Buffer[] = [];
  let total = 0;
  let at = 0;
  let header: Buffer | undefined;
  while (at < bytes.length) {
    if (header !== undefined && bytes.subarray(at).every((b) => b === 0)) break; // padding after the last member
    budget.entry();
    const start = headerEnd(bytes, at);
    header ??= bytes.subarray(0, start);
    const { data, consumed } = inflateBounded(bytes.subarray(start), budget, bytes.length, total);
    const trailer = start + consumed;
    if (trailer + 8 > bytes.length) throw corrupt('a gzip member trailer is truncated', { at });
    if (bytes.readUInt32LE(trailer) !== crc32(data) || bytes.readUInt32LE(trailer + 4) !== data.length % 0x100000000) {
      throw corrupt('a gzip member fails its CRC-32 or size check', { at });
    }
    parts.push(data);
    total += data.length;
    at = trailer + 8;
  }
  return { header: header!, content: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total) };
}

/** One gzip member: `header` as read (name, time and flags kept), `content` in stored blocks, CRC-32 and size. */
export function writeGzip(header: Buffer, content: Buffer): Buffer {
  const trailer = Buffer.allocUnsafe(8);
  trailer.writeUInt32LE(crc32(content), 0);
  trailer.writeUInt32LE(content.length % 0x100000000, 4);
  return Buffer.concat([header, deflateStored(content), trailer]);
}
