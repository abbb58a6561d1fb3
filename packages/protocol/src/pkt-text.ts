/**
 * Text lines inside data pkts: UTF-8, one optional trailing LF (gitprotocol-common: senders SHOULD
 * end text lines with LF, receivers MUST NOT complain when it is missing; git 2.39 omits it on several
 * fetch arguments).
 */
import { ProtocolError, type ProtocolErrorCode, codes, quoteInput, truncateInput } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Control characters (C0 and DEL) never appear inside a request line; LF only at its end. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Decodes bytes as strict UTF-8; throws ProtocolError with `code` when they are not. */
export function decodeUtf8(data: Uint8Array, code: ProtocolErrorCode = codes.badRequest): string {
  try {
    return utf8.decode(data);
  } catch (err) {
    throw new ProtocolError(code, 'pkt-line is not valid UTF-8', { cause: err });
  }
}

/**
 * Decodes one data pkt as a text line: strict UTF-8, the trailing LF removed, no other control
 * characters. Throws ProtocolError with `code` (GITGATE_BAD_REQUEST by default).
 */
export function pktLine(data: Buffer, code: ProtocolErrorCode = codes.badRequest): string {
  let text = decodeUtf8(data, code);
  if (text.endsWith('\n')) text = text.slice(0, -1);
  if (CONTROL.test(text)) {
    throw new ProtocolError(code, `pkt-line holds a control character: ${quoteInput(text)}`, {
      data: { line: truncateInput(text) },
    });
  }
  return text;
}

/** Throws GITGATE_BAD_REQUEST unless `line` is non-empty. */
export function checkNonEmpty(line: string): void {
  if (line.length === 0) throw new ProtocolError(codes.badRequest, 'empty pkt-line where a command or argument was expected');
}

/**
 * True when `text` may be used as a ref name or ref prefix on the wire: non-empty, no space, no control
 * character. (check-ref-format is stricter; the gateway only needs lines it can log and pass on safely.)
 */
export function isRefArgument(text: string): boolean {
  return text.length > 0 && !/[\u0000-\u0020\u007f]/.test(text);
}

/** Returns `value` when isRefArgument holds, else throws GITGATE_BAD_REQUEST naming the line. */
export function checkRefArgument(value: string, line: string): string {
  if (!isRefArgument(value)) {
    throw new ProtocolError(codes.badRequest, `invalid ref name in line ${quoteInput(line)}`, { data: { line: truncateInput(line) } });
  }
  return value;
}

const CAPABILITY_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * True when `text` is a capability: `key` or `key=value`, key of letters, digits, '.', '_' and '-',
 * value of printable ASCII; `allowSpace` permits spaces in the value (v2 capability lines, where a
 * line holds one capability; in v0 capabilities are space separated).
 */
export function isCapability(text: string, allowSpace: boolean): boolean {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  if (!CAPABILITY_KEY.test(key)) return false;
  if (eq < 0) return true;
  const value = text.slice(eq + 1);
  return allowSpace ? /^[\u0020-\u007e]*$/.test(value) : /^[\u0021-\u007e]*$/.test(value);
}

/**
 * Parses a decimal integer argument: digits only (no sign, no hex, no leading zero unless "0"), at most
 * `max`. Returns undefined when it is not one.
 */
export function parseDecimal(text: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}
