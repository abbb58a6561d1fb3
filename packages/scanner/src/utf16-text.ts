/**
 * UTF-16 text (LE or BE): recognised by its byte-order mark, or without one by ASCII characters
 * interleaved with NUL bytes; viewed one byte per code unit so findings map back to byte offsets.
 */

/** Byte order of UTF-16 content and where its code units start (after a BOM). */
export interface Utf16Form {
  littleEndian: boolean;
  offset: number;
}

/** Code units sampled without a BOM. */
const SAMPLE_UNITS = 256;
/** Fewest code units a BOM-less sample needs: short binaries are not guessed at. */
const MIN_UNITS = 8;
/** Stands for a code unit above U+00FF in the view: a control character no rule takes into a secret. */
const WIDE = 0x1a;

/** Printable ASCII or Latin-1, or tab, line feed, carriage return. */
function textByte(b: number): boolean {
  return (b >= 0x20 && b < 0x7f) || b >= 0xa0 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * The UTF-16 form of `bytes`, or undefined. Without a BOM, the first code unit and all but 1/16 of
 * the first (up to) 256 must be printable Latin-1 in one byte order (a NUL in the other byte):
 * ordinary binaries (images, packs, compiled code) have NULs, but not that regularly beside text bytes.
 */
export function utf16Form(bytes: Uint8Array): Utf16Form | undefined {
  const len = bytes.length;
  if (len < 2) return undefined;
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  // Fast exit for nearly everything: UTF-16 of ASCII has a NUL in its first two bytes, or a BOM.
  if (b0 === 0xff && b1 === 0xfe) return { littleEndian: true, offset: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { littleEndian: false, offset: 2 };
  if ((b0 !== 0) === (b1 !== 0)) return undefined;
  const littleEndian = b1 === 0;
  const units = Math.min(SAMPLE_UNITS, len >>> 1);
  if (units < MIN_UNITS) return undefined;
  const lo = littleEndian ? 0 : 1;
  if (!textByte(bytes[lo]!)) return undefined;
  let odd = 0;
  for (let i = 0; i < units; i++) {
    // Characters above U+00FF (CJK, symbols) are allowed now and then.
    if (bytes[2 * i + 1 - lo] !== 0 || !textByte(bytes[2 * i + lo]!)) odd++;
  }
  return odd * 16 > units ? undefined : { littleEndian, offset: 0 };
}

/** One byte per code unit of `bytes` (from `form.offset`): the unit when it is ≤ U+00FF, else 0x1A. A trailing odd byte is left out. */
export function utf16View(bytes: Uint8Array, form: Utf16Form): Buffer {
  const units = (bytes.length - form.offset) >>> 1;
  const view = Buffer.allocUnsafe(units);
  const lo = form.offset + (form.littleEndian ? 0 : 1);
  const hi = form.offset + (form.littleEndian ? 1 : 0);
  for (let i = 0; i < units; i++) view[i] = bytes[hi + 2 * i] === 0 ? bytes[lo + 2 * i]! : WIDE;
  return view;
}

/** The byte span of code units [start, end) of the view. */
export function utf16Span(form: Utf16Form, start: number, end: number): [number, number] {
  return [form.offset + 2 * start, form.offset + 2 * end];
}

/** `bytes` (whole code units) decoded to a string. */
export function utf16Decode(bytes: Uint8Array, form: Utf16Form): string {
  const le = form.littleEndian ? Buffer.from(bytes) : Buffer.from(bytes).swap16();
  return le.toString('utf16le');
}

/** `text` encoded in the byte order of `form` (no BOM). */
export function utf16Encode(text: string, form: Utf16Form): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return form.littleEndian ? le : le.swap16();
}
