/**
 * tar (POSIX.1-1988 ustar and GNU): entries are stored plainly, so reading needs no decoding; a
 * changed regular file is rewritten with its new size and header checksum, everything else copied.
 */
import type { DecodeBudget } from './decode-limits.js';
import { ScannerError, codes } from './errors.js';

const BLOCK = 512;
const SIZE = 124;
const CHECKSUM = 148;
const TYPE = 156;
const MAGIC = 257;
/** Type flags of regular files (their data is file content). */
const REGULAR = new Set([0x30, 0x00, 0x37]);

/** One entry: its header offset, and its data (a view into the archive). */
export interface TarEntry {
  header: number;
  regular: boolean;
  content: Buffer;
}

/** A read archive: entries in order and where the end-of-archive blocks start. */
export interface TarFile {
  entries: TarEntry[];
  end: number;
}

function fail(code: typeof codes.corrupt | typeof codes.unsupported, message: string, at: number): ScannerError {
  return new ScannerError(code, message, { data: { container: 'tar', at } });
}

/** The header checksum of the block at `at`: its bytes summed with the checksum field read as spaces. */
function checksum(bytes: Uint8Array, at: number): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < CHECKSUM || i >= CHECKSUM + 8) sum += bytes[at + i]!;
  return sum;
}

/** An octal header field (NUL- or space-terminated, leading spaces allowed); -1 when malformed. */
function octal(bytes: Buffer, at: number, length: number): number {
  const text = bytes.toString('latin1', at, at + length).replace(/[\0 ]+$/, '').trimStart();
  return /^[0-7]{1,12}$/.test(text) ? parseInt(text, 8) : -1;
}

/** Whether `bytes` start with a ustar (or GNU) header whose checksum holds. */
export function isTar(bytes: Buffer): boolean {
  // Byte compares first: this runs on every blob.
  return bytes.length >= BLOCK && bytes[MAGIC] === 0x75 && bytes[MAGIC + 1] === 0x73 && bytes[MAGIC + 2] === 0x74 && bytes[MAGIC + 3] === 0x61 &&
    bytes[MAGIC + 4] === 0x72 && octal(bytes, CHECKSUM, 8) === checksum(bytes, 0);
}

/**
 * Reads every header up to the end-of-archive block (or the end of whole blocks). Size fields in base-256, pax headers that
 * override a size and GNU sparse files are refused.
 * @throws ScannerError `GITGATE_SCAN_CORRUPT`, `GITGATE_SCAN_UNSUPPORTED` or a limit's code.
 */
export function readTar(bytes: Buffer, budget: DecodeBudget): TarFile {
  const entries: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    if (bytes.subarray(at, at + BLOCK).every((b) => b === 0)) return { entries, end: at };
    budget.entry();
    if (octal(bytes, at + CHECKSUM, 8) !== checksum(bytes, at)) throw fail(codes.corrupt, 'a tar header fails its checksum', at);
    if ((bytes[at + SIZE]! & 0x80) !== 0) throw fail(codes.unsupported, 'base-256 tar sizes are not read', at);
    const size = octal(bytes, at + SIZE, 12);
    const type = bytes[at + TYPE]!;
    if (size < 0) throw fail(codes.corrupt, 'a tar size field is malformed', at);
    if (type === 0x53) throw fail(codes.unsupported, 'GNU sparse tar entries are not read', at);
    const dataStart = at + BLOCK;
    if (dataStart + size > bytes.length) throw fail(codes.corrupt, 'a tar entry runs past the archive', at);
    const content = bytes.subarray(dataStart, dataStart + size);
    // A pax size record would make the header's size field wrong for the next entry.
    if ((type === 0x78 || type === 0x67) && /(?:^|\n)\d+ (?:GNU\.sparse\.)?size=/.test(content.toString('latin1'))) {
      throw fail(codes.unsupported, 'tar pax size records are not read', at);
    }
    entries.push({ header: at, regular: REGULAR.has(type), content });
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  // Some writers leave the end-of-archive blocks out; bytes after the last whole entry are not a tar.
  if (at === bytes.length) return { entries, end: at };
  throw fail(codes.corrupt, 'a tar archive ends inside a block', at);
}

/**
 * The archive with entry `i`'s data replaced by `replaced[i]` where given: its header gets the new
 * size and checksum, the data is padded with zeros to a block; every other byte is copied.
 */
export function rebuildTar(bytes: Buffer, tar: TarFile, replaced: ReadonlyArray<Buffer | undefined>): Buffer {
  const parts: Buffer[] = [];
  tar.entries.forEach((e, i) => {
    const next = i + 1 < tar.entries.length ? tar.entries[i + 1]!.header : tar.end;
    const content = replaced[i];
    if (content === undefined) {
      parts.push(bytes.subarray(e.header, next));
      return;
    }
    const header = Buffer.from(bytes.subarray(e.header, e.header + BLOCK));
    if (content.length >= 8 ** 11) throw new ScannerError(codes.unsupported, 'a rewritten tar entry is too large for its size field', { data: { container: 'tar' } });
    header.write(content.length.toString(8).padStart(11, '0') + '\0', SIZE, 12, 'latin1');
    header.write(checksum(header, 0).toString(8).padStart(6, '0') + '\0 ', CHECKSUM, 8, 'latin1');
    parts.push(header, content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  });
  parts.push(bytes.subarray(tar.end));
  return Buffer.concat(parts);
}
