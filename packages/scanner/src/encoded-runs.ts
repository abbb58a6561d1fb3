/**
 * Encoded wrappers: runs of base64 (RFC 4648 §4 and the URL-safe §5 alphabet), hex,
 * percent-encoding (RFC 3986 §2.1) and JSON/JavaScript `\uXXXX` escapes (RFC 8259 §7) that may hide
 * a secret (`ghp%5F…`, `\u0067hp_…`: one escape is enough to hide a token's prefix). The engine decodes each run and scans
 * the decoded bytes again; a secret inside makes the whole encoded run the span to tokenize.
 *
 * Runs are found on the bytes without building a string: a base64 run of at least
 * {@link MIN_BASE64_RUN} bytes must cover one of every MIN_BASE64_RUN-th byte, so only those are
 * probed and extended (about one byte in five is read on source code).
 */
import { mayBeKeyContainer } from './key-container.js';
import { latin1 } from './latin1.js';

/** One encoded run: [start, end) in the scanned bytes and its decoded bytes. */
export interface EncodedRun {
  encoding: 'base64' | 'hex' | 'percent' | 'json-escape';
  start: number;
  end: number;
  decoded: Buffer;
}

/** Shortest base64 run worth decoding: base64 of `password=` plus an 8-char value is 24 chars. */
export const MIN_BASE64_RUN = 20;
/** Shortest hex run worth decoding (12 bytes of text). */
export const MIN_HEX_RUN = 24;

const B64 = 1;
const HEX = 2;
const PCT = 4;
const UPPER = 8;
const LOWER = 16;
const DIGIT = 32;
const CLASS = new Uint8Array(256);
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = B64 | PCT | UPPER;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = B64 | PCT | LOWER;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = B64 | PCT | DIGIT | HEX;
for (const c of 'abcdefABCDEF') CLASS[c.charCodeAt(0)]! |= HEX;
for (const c of '+-_') CLASS[c.charCodeAt(0)]! |= B64 | PCT;
CLASS[0x2f] = B64; // '/'
// encodeURIComponent leaves ! and * as they are, so they occur inside percent runs.
for (const c of '.~%!*') CLASS[c.charCodeAt(0)]! |= PCT;

/**
 * Whether [start, end) can be base64 of ASCII text or of a key container, judged without
 * decoding. A printable ASCII byte (0x20–0x7e) has its top six bits in 8..31, so the first char
 * of every 4-char group of its base64 is one of `I`–`Z`, `a`–`f`; identifiers and other runs
 * rarely keep that up for long. DER key containers start with `M` (0x30), JKS/JCEKS magic with
 * `/u3+` / `zs7O`.
 */
function plausibleBase64(bytes: Uint8Array, start: number, end: number): boolean {
  const c0 = bytes[start]!;
  if (c0 === 0x4d) return true; // 'M'
  if (end - start >= 4) {
    const head = String.fromCharCode(c0, bytes[start + 1]!, bytes[start + 2]!, bytes[start + 3]!);
    if (head === '/u3+' || head === 'zs7O') return true;
  }
  for (let align = 0; align < 4; align++) {
    let groups = 0;
    let text = 0;
    for (let i = start + align; i < end; i += 4) {
      const c = bytes[i]!;
      groups++;
      if ((c >= 0x49 && c <= 0x5a) || (c >= 0x61 && c <= 0x66)) text++;
    }
    if (groups >= 4 && text >= groups * 0.9) return true;
  }
  return false;
}

/** Share of bytes that are printable ASCII or whitespace: decoded text is worth a rescan, random bytes are not. */
function mostlyPrintable(b: Uint8Array): boolean {
  let printable = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) printable++;
  }
  return printable >= b.length * 0.85;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/** Decodes `%XX` escapes byte-wise; malformed escapes stay as they are (never throws). */
function percentDecode(bytes: Uint8Array, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    const hi = c === 0x25 && i + 2 < end ? hexValue(bytes[i + 1]!) : -1;
    const lo = hi >= 0 ? hexValue(bytes[i + 2]!) : -1;
    if (lo >= 0) {
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

/**
 * The shortest run with a single escape worth decoding: one escape hides a token's prefix
 * (`ghp%5F…`, `\u0067hp_…`), and every token format is longer than this. Shorter runs with one escape
 * (`\u00e9t\u00e9`-style words, `a%20b`) are text, and decoding each cost a third of the scanner's time
 * on minified JavaScript (measured).
 */
const MIN_SINGLE_ESCAPE_RUN = 24;

/** How many `\uXXXX` escapes `bytes[a, e)` holds. */
function countEscapes(bytes: Uint8Array, a: number, e: number): number {
  let n = 0;
  for (let i = a; i < e; i++) if (isUnicodeEscape(bytes, i, e)) n++;
  return n;
}

/** Whether `bytes[i, i+6)` is a `\uXXXX` escape (inside [.., to)). */
function isUnicodeEscape(bytes: Uint8Array, i: number, to: number): boolean {
  if (i + 5 >= to || bytes[i] !== 0x5c || bytes[i + 1] !== 0x75) return false;
  for (let k = 2; k < 6; k++) if (hexValue(bytes[i + k]!) < 0) return false;
  return true;
}

/** Decodes `\uXXXX` escapes (surrogate pairs joined) to UTF-8; other bytes stay as they are. */
function unicodeUnescape(bytes: Uint8Array, start: number, end: number): Buffer {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  return Buffer.from(text.replace(/(?:\\u[0-9a-fA-F]{4})+/g, (m) => JSON.parse(`"${m}"`) as string), 'utf8');
}

/**
 * Runs of token characters holding at least one `\uXXXX` escape, found by jumping from backslash
 * to backslash with the native search.
 */
function unicodeEscapeRuns(view: Buffer, from: number, to: number, out: EncodedRun[]): void {
  let at = view.indexOf(0x5c, from);
  while (at >= 0 && at < to) {
    if (!isUnicodeEscape(view, at, to)) {
      at = view.indexOf(0x5c, at + 1);
      continue;
    }
    let a = at;
    while (a > from && CLASS[view[a - 1]!]! & PCT) a--;
    let e = at;
    while (e < to) {
      if (isUnicodeEscape(view, e, to)) e += 6;
      else if (CLASS[view[e]!]! & PCT) e++;
      else break;
    }
    if (e - a >= MIN_SINGLE_ESCAPE_RUN || e - a >= 12 && countEscapes(view, a, e) >= 2) out.push({ encoding: 'json-escape', start: a, end: e, decoded: unicodeUnescape(view, a, e) });
    at = e < to ? view.indexOf(0x5c, e) : -1;
  }
}

/** Hex sub-runs of at least MIN_HEX_RUN (even length, bounded by non-hex bytes) within [start, end). */
function hexRuns(bytes: Uint8Array, start: number, end: number, out: EncodedRun[]): void {
  let i = start;
  while (i < end) {
    if ((CLASS[bytes[i]!]! & HEX) === 0) {
      i++;
      continue;
    }
    let e = i;
    while (e < end && CLASS[bytes[e]!]! & HEX) e++;
    if (e - i >= MIN_HEX_RUN && (e - i) % 2 === 0) {
      const decoded = Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset + i, e - i).toString('latin1'), 'hex');
      if (mostlyPrintable(decoded)) out.push({ encoding: 'hex', start: i, end: e, decoded });
    }
    i = e;
  }
}

/**
 * Whether the bytes at distances 10, 7, 5, 3 and 1 from `p` in direction `dir` (−1 or 1) are all
 * within [from, to) and in the base64 alphabet: necessary for [p − 10, p] (or [p, p + 10]) to be.
 */
function sideInAlphabet(bytes: Uint8Array, p: number, dir: number, from: number, to: number): boolean {
  const far = p + dir * (MIN_BASE64_RUN >> 1);
  if (far < from || far >= to) return false;
  return (
    (CLASS[bytes[far]!]! & CLASS[bytes[p + dir * 7]!]! & CLASS[bytes[p + dir * 5]!]! & CLASS[bytes[p + dir * 3]!]! & CLASS[bytes[p + dir]!]! & B64) !== 0
  );
}

/**
 * Finds the encoded runs within `bytes[from, to)` whose decoded bytes are worth scanning: base64
 * runs with upper- and lower-case letters and digits (identifiers and paths lack one of them)
 * that decode to mostly printable text or to a binary key container; hex runs that decode to
 * mostly printable text (hashes and object ids decode to random bytes and are skipped);
 * percent-encoded runs and `\uXXXX`-escaped runs with at least one escape. Offsets are absolute;
 * sorted by start.
 */
export function findEncodedRuns(bytes: Uint8Array, from: number, to: number): EncodedRun[] {
  const runs: EncodedRun[] = [];
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Base64 (and the hex runs inside base64-alphabet runs: hex is a subset).
  let p = from + MIN_BASE64_RUN - 1;
  while (p < to) {
    if ((CLASS[bytes[p]!]! & B64) === 0) {
      p += MIN_BASE64_RUN;
      continue;
    }
    // A run of MIN or more bytes through p covers all of [p - MIN/2, p] or all of [p, p + MIN/2]: if
    // a sampled byte on each side is outside the alphabet, p sits in a short word (the common case in
    // code) and the run is not extended.
    if (!sideInAlphabet(bytes, p, -1, from, to) && !sideInAlphabet(bytes, p, 1, from, to)) {
      p += MIN_BASE64_RUN;
      continue;
    }
    let a = p;
    while (a > from && CLASS[bytes[a - 1]!]! & B64) a--;
    let e = p + 1;
    while (e < to && CLASS[bytes[e]!]! & B64) e++;
    if (e - a >= MIN_BASE64_RUN) {
      let kinds = 0;
      let hexStreak = 0;
      let longestHex = 0;
      for (let i = a; i < e; i++) {
        const k = CLASS[bytes[i]!]!;
        kinds |= k;
        if (k & HEX) {
          if (++hexStreak > longestHex) longestHex = hexStreak;
        } else hexStreak = 0;
      }
      let end = e;
      if (end < to && bytes[end] === 0x3d) end++;
      if (end < to && bytes[end] === 0x3d) end++;
      if ((kinds & (UPPER | LOWER | DIGIT)) === (UPPER | LOWER | DIGIT) && plausibleBase64(bytes, a, e)) {
        // Node's decoder accepts both alphabets and ignores a misplaced `=`.
        const decoded = Buffer.from(latin1(view, a, end), 'base64');
        // Random bytes hold no text to rescan; binary key containers are the one binary worth a look.
        if (decoded.length >= 8 && (mostlyPrintable(decoded) || mayBeKeyContainer(decoded))) runs.push({ encoding: 'base64', start: a, end, decoded });
      }
      if (longestHex >= MIN_HEX_RUN) hexRuns(bytes, a, e, runs);
    }
    // The next run starts after e (a non-alphabet byte) and, being long enough, covers e + MIN.
    p = e + MIN_BASE64_RUN;
  }
  // Percent-encoding: jump from `%` to `%` with the native search.
  let at = view.indexOf(0x25, from);
  while (at >= 0 && at < to) {
    if (at + 2 >= to || hexValue(bytes[at + 1]!) < 0 || hexValue(bytes[at + 2]!) < 0) {
      at = view.indexOf(0x25, at + 1);
      continue;
    }
    let a = at;
    while (a > from && CLASS[bytes[a - 1]!]! & PCT) a--;
    let e = at;
    let escapes = 0;
    while (e < to && CLASS[bytes[e]!]! & PCT) {
      if (bytes[e] === 0x25 && e + 2 < to && hexValue(bytes[e + 1]!) >= 0 && hexValue(bytes[e + 2]!) >= 0) {
        escapes++;
        e += 3;
      } else e++;
    }
    if (escapes >= 2 || e - a >= MIN_SINGLE_ESCAPE_RUN) runs.push({ encoding: 'percent', start: a, end: e, decoded: percentDecode(bytes, a, e) });
    at = e < to ? view.indexOf(0x25, e) : -1;
  }
  unicodeEscapeRuns(view, from, to, runs);
  return runs.sort((x, y) => x.start - y.start);
}
