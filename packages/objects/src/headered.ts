// Byte-exact codec for commits and tags: header lines, an empty line, then the message
// (gitformat-signature, commit.c parse_commit_buffer / read_commit_extra_header_lines).
// A header line starting with ' ' continues the previous header (gpgsig, mergetag, ...).
// Nothing is decoded or normalised: unknown headers, CRLF, odd encodings and a missing final
// newline all survive parse → serialize unchanged, because the object id depends on every byte.

/** One header exactly as stored. `raw` is a view into the parsed buffer. */
export interface ObjectHeader {
  /** Bytes before the first space or newline, decoded as latin1 (lossless), e.g. 'tree'. */
  key: string;
  /** The exact header bytes, 'key ' and continuation lines included, without the final '\n'. */
  raw: Buffer;
}

/** A commit or tag split into its headers and message. */
export interface HeaderedObject {
  headers: ObjectHeader[];
  /** Bytes after the first empty line; null when the object has no empty line at all. */
  message: Buffer | null;
  /**
   * True when the content ends inside the last header line, with no '\n' after it (message is
   * then null). Absent otherwise. Needed to reproduce such objects byte for byte.
   */
  unterminated?: boolean;
}

const NL = 0x0a;
const SPACE = 0x20;
const NEWLINE = Buffer.from('\n', 'latin1');
const CONTINUATION = Buffer.from(' ', 'latin1');

/** Length of the key: bytes before the first space or newline. */
function keyLength(raw: Buffer): number {
  let i = 0;
  while (i < raw.length && raw[i] !== SPACE && raw[i] !== NL) i++;
  return i;
}

/**
 * Splits commit or tag content into headers and message. Never throws: any byte string parses,
 * and `serializeHeadered` of the result reproduces it exactly. A first line that starts with ' '
 * (no header to continue) becomes a header with key ''.
 */
export function parseHeadered(content: Buffer): HeaderedObject {
  const headers: ObjectHeader[] = [];
  let start = -1; // start of the header being collected
  let pos = 0;
  const close = (end: number): void => {
    if (start !== -1) {
      const raw = content.subarray(start, end);
      headers.push({ key: raw.toString('latin1', 0, keyLength(raw)), raw });
    }
  };
  while (pos < content.length) {
    if (content[pos] === NL) {
      close(pos - 1);
      return { headers, message: content.subarray(pos + 1) };
    }
    const eol = content.indexOf(NL, pos);
    const isContinuation = content[pos] === SPACE && start !== -1;
    if (!isContinuation) {
      close(pos - 1);
      start = pos;
    }
    if (eol === -1) {
      close(content.length);
      return { headers, message: null, unterminated: true };
    }
    pos = eol + 1;
  }
  close(pos - 1);
  return { headers, message: null };
}

/** Throws TypeError unless `raw` re-parses as exactly one header (at index `index`). */
function checkRaw(raw: Buffer, index: number): void {
  if (raw.length === 0 || raw[0] === NL) throw new TypeError('header must not be empty');
  if (raw[0] === SPACE && index > 0) throw new TypeError('header must not start with a space');
  for (let nl = raw.indexOf(NL); nl !== -1; nl = raw.indexOf(NL, nl + 1)) {
    if (raw[nl + 1] !== SPACE) throw new TypeError('every newline inside a header must be followed by a space');
  }
}

/**
 * Exact inverse of `parseHeadered`: each header's raw bytes plus '\n', then '\n' and the message
 * when it is not null. Throws TypeError for a header that would not parse back as itself, or for
 * `unterminated` with a message or without headers.
 */
export function serializeHeadered(o: HeaderedObject): Buffer {
  if (o.unterminated === true && (o.message !== null || o.headers.length === 0)) {
    throw new TypeError('an unterminated object has headers and no message');
  }
  const parts: Buffer[] = [];
  o.headers.forEach((h, i) => {
    checkRaw(h.raw, i);
    parts.push(h.raw, NEWLINE);
  });
  if (o.unterminated === true) parts.pop();
  if (o.message !== null) parts.push(NEWLINE, o.message);
  return Buffer.concat(parts);
}

/**
 * The bytes after 'key ' (after the key alone when no space follows it, e.g. empty for a bare
 * key). Continuation lines are kept as in raw, i.e. each '\n' is still followed by its ' ';
 * see `unfoldHeaderValue`.
 */
export function headerValue(h: ObjectHeader): Buffer {
  const end = keyLength(h.raw);
  return h.raw.subarray(h.raw[end] === SPACE ? end + 1 : end);
}

/**
 * Builds a header `key + ' ' + value` (a string value is UTF-8 encoded). `value` is taken as
 * folded, as `headerValue` returns it: every '\n' in it must be followed by ' ' (see
 * `foldHeaderValue`). Throws TypeError for a key that is empty or holds a space, newline or NUL,
 * or a key character outside latin1, or a value that would not parse back as one header.
 */
export function makeHeader(key: string, value: string | Buffer): ObjectHeader {
  // latin1 keeps key ↔ bytes lossless, matching how parseHeadered decodes keys.
  if (key.length === 0 || /[ \n\0]|[^\x00-\xff]/.test(key)) throw new TypeError('invalid header key');
  const raw = Buffer.concat([Buffer.from(key + ' ', 'latin1'), typeof value === 'string' ? Buffer.from(value, 'utf8') : value]);
  checkRaw(raw, 0);
  return { key, raw };
}

/**
 * Removes the ' ' that starts each continuation line, giving the multi-line value git means.
 * For 'mergetag' the embedded tag object is this plus a final '\n' (git's reader appends one).
 */
export function unfoldHeaderValue(value: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let nl = value.indexOf(NL); nl !== -1; nl = value.indexOf(NL, nl + 1)) {
    if (value[nl + 1] === SPACE) {
      parts.push(value.subarray(from, nl + 1));
      from = nl + 2;
    }
  }
  parts.push(value.subarray(from));
  return Buffer.concat(parts);
}

/**
 * Exact inverse of `unfoldHeaderValue`: puts ' ' after each '\n', as git's writer does for
 * multi-line headers. Strip a final '\n' first (git ends the header line with it), or the
 * header gets a trailing line holding only ' '.
 */
export function foldHeaderValue(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const parts: Buffer[] = [];
  let from = 0;
  for (let nl = bytes.indexOf(NL); nl !== -1; nl = bytes.indexOf(NL, nl + 1)) {
    parts.push(bytes.subarray(from, nl + 1), CONTINUATION);
    from = nl + 1;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}
