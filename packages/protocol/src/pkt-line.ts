/**
 * pkt-line framing: 4 hex digits of total length, then data; 0000 flush, 0001 delim, 0002 response-end.
 * Follows gitprotocol-common ("pkt-line Format") and gitprotocol-v2 (special packets).
 */
import { ProtocolError, codes } from './errors.js';

/** Largest data payload of one pkt-line: 65520 total minus the 4-byte header. */
export const MAX_PKT_DATA = 65516;

/** Largest total pkt-line length, header included. */
const MAX_PKT_LENGTH = MAX_PKT_DATA + 4;

/** Default bound on the number of pkts in one request body. */
export const DEFAULT_MAX_PKTS = 100000;

/** The flush-pkt, `0000`: end of a message section. */
export const FLUSH_PKT: Buffer = Buffer.from('0000', 'latin1');
/** The delim-pkt, `0001`: separates capabilities from arguments in a v2 request. */
export const DELIM_PKT: Buffer = Buffer.from('0001', 'latin1');
/** The response-end-pkt, `0002`: end of a stateless v2 response. */
export const RESPONSE_END_PKT: Buffer = Buffer.from('0002', 'latin1');

/** One decoded pkt-line. */
export type Pkt = { kind: 'data'; data: Buffer } | { kind: 'flush' } | { kind: 'delim' } | { kind: 'response-end' };

/** A pkt together with its exact bytes on the wire, length header included. */
export type RawPkt = Pkt & { raw: Buffer };

/** Options of the pkt-line parsers. */
export interface PktParseOptions {
  /** Largest accepted data payload; longer data pkts throw GITGATE_PKT_TOO_LONG. Default MAX_PKT_DATA. */
  maxData?: number;
}

/** Options of parsePkts. */
export interface ParsePktsOptions extends PktParseOptions {
  /** Most pkts accepted in the body; more throw GITGATE_REQUEST_TOO_LARGE. Default 100000. */
  maxPkts?: number;
}

/**
 * Frames data as one pkt-line (header + bytes); strings are UTF-8 encoded.
 * Throws TypeError when the data is longer than MAX_PKT_DATA.
 */
export function encodePkt(data: string | Uint8Array): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (bytes.length > MAX_PKT_DATA) {
    throw new TypeError(`pkt-line data of ${bytes.length} bytes exceeds ${MAX_PKT_DATA}`);
  }
  const out = Buffer.allocUnsafe(bytes.length + 4);
  out.write((bytes.length + 4).toString(16).padStart(4, '0'), 0, 'latin1');
  out.set(bytes, 4);
  return out;
}

/** Value of one ASCII hex digit, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Reads the 4-byte length header at `header[0..4)` and returns the pkt's total length on the wire
 * (4 for the special pkts). Throws GITGATE_PKT_MALFORMED or GITGATE_PKT_TOO_LONG.
 * @internal shared by parsePkts and PktReader.
 */
export function readPktLength(header: Uint8Array, offset: number, maxData: number): number {
  let len = 0;
  for (let i = 0; i < 4; i++) {
    const v = hexValue(header[i]!);
    if (v < 0) {
      throw new ProtocolError(codes.pktMalformed, `pkt-line header at offset ${offset} is not 4 hex digits`, {
        data: { offset },
      });
    }
    len = len * 16 + v;
  }
  if (len <= 2) return 4;
  // 0003 cannot hold a header, and git never writes lengths past 65520: both mean a corrupt stream.
  if (len === 3 || len > MAX_PKT_LENGTH) {
    throw new ProtocolError(codes.pktMalformed, `pkt-line length ${len} at offset ${offset} is invalid`, {
      data: { offset, length: len },
    });
  }
  if (len - 4 > maxData) {
    throw new ProtocolError(codes.pktTooLong, `pkt-line data of ${len - 4} bytes at offset ${offset} exceeds ${maxData}`, {
      data: { offset, length: len },
    });
  }
  return len;
}

/** Builds the Pkt for one complete raw pkt-line whose header was already validated. */
export function pktFromRaw(raw: Buffer): Pkt {
  if (raw.length === 4) {
    // Special pkts are recognised by their header value; 0004 is an empty data pkt.
    switch (raw.toString('latin1')) {
      case '0000': return { kind: 'flush' };
      case '0001': return { kind: 'delim' };
      case '0002': return { kind: 'response-end' };
      default: break;
    }
  }
  return { kind: 'data', data: raw.subarray(4) };
}

/** Checks and returns `maxData`; caller misuse is a TypeError. */
export function checkMaxData(maxData: number | undefined): number {
  const m = maxData ?? MAX_PKT_DATA;
  if (!Number.isInteger(m) || m < 0 || m > MAX_PKT_DATA) throw new TypeError(`maxData must be an integer in 0..${MAX_PKT_DATA}`);
  return m;
}

/**
 * Splits a whole request body into pkts. The body must end exactly at a pkt boundary.
 * Data buffers are views into `body`, not copies.
 * Throws ProtocolError GITGATE_PKT_MALFORMED, GITGATE_PKT_TOO_LONG or GITGATE_REQUEST_TOO_LARGE.
 */
export function parsePkts(body: Buffer, opts: ParsePktsOptions = {}): Pkt[] {
  const maxPkts = opts.maxPkts ?? DEFAULT_MAX_PKTS;
  if (!Number.isInteger(maxPkts) || maxPkts < 1) throw new TypeError('maxPkts must be a positive integer');
  const maxData = checkMaxData(opts.maxData);
  const pkts: Pkt[] = [];
  let off = 0;
  while (off < body.length) {
    if (pkts.length >= maxPkts) {
      throw new ProtocolError(codes.requestTooLarge, `request has more than ${maxPkts} pkt-lines`, { data: { maxPkts } });
    }
    const raw = rawPktAt(body, off, maxData);
    pkts.push(pktFromRaw(raw));
    off += raw.length;
  }
  return pkts;
}

/**
 * The whole pkt-line starting at `off` of a body (a view), header included. Throws
 * GITGATE_PKT_MALFORMED when the body ends inside it, or the codes of readPktLength.
 * @internal shared by parsePkts and the push request parser.
 */
export function rawPktAt(body: Buffer, off: number, maxData: number): Buffer {
  if (body.length - off < 4) {
    throw new ProtocolError(codes.pktMalformed, `body ends inside a pkt-line header at offset ${off}`, { data: { offset: off } });
  }
  const len = readPktLength(body.subarray(off, off + 4), off, maxData);
  if (body.length - off < len) {
    throw new ProtocolError(codes.pktMalformed, `body ends inside a pkt-line at offset ${off}`, {
      data: { offset: off, length: len },
    });
  }
  return body.subarray(off, off + len);
}
