/**
 * Side-band multiplexing of upload-pack output (gitprotocol-pack, "side-band, side-band-64k"):
 * band 1 pack data, band 2 progress text, band 3 fatal error; each pkt starts with the band byte.
 */
import { MAX_PKT_DATA, encodePkt } from './pkt-line.js';

/** Largest side-band payload per pkt with side-band-64k: the band byte takes one of 65516 data bytes. */
export const MAX_SIDEBAND_PAYLOAD = MAX_PKT_DATA - 1;

const LF = Buffer.from('\n', 'latin1');

/**
 * Frames `data` on side-band `band` as one or more pkts of at most `maxPayload` payload bytes each
 * (65515 by default; 999 for the old `side-band` capability). Empty data gives an empty buffer, as git
 * sends nothing then. Throws TypeError on a bad band or maxPayload.
 */
export function sidebandPkts(band: 1 | 2 | 3, data: Uint8Array, maxPayload: number = MAX_SIDEBAND_PAYLOAD): Buffer {
  if (band !== 1 && band !== 2 && band !== 3) throw new TypeError('side-band must be 1, 2 or 3');
  if (!Number.isInteger(maxPayload) || maxPayload < 1 || maxPayload > MAX_SIDEBAND_PAYLOAD) {
    throw new TypeError(`maxPayload must be an integer in 1..${MAX_SIDEBAND_PAYLOAD}`);
  }
  const count = Math.ceil(data.length / maxPayload);
  const out = Buffer.allocUnsafe(data.length + count * 5);
  let pos = 0;
  for (let off = 0; off < data.length; off += maxPayload) {
    const piece = data.subarray(off, Math.min(off + maxPayload, data.length));
    out.write((piece.length + 5).toString(16).padStart(4, '0'), pos, 'latin1');
    out[pos + 4] = band;
    out.set(piece, pos + 5);
    pos += piece.length + 5;
  }
  return out;
}

/**
 * Progress text for the client's terminal on band 2 (git prints it as "remote: ..."). The caller ends
 * each message with \n, or \r to overwrite the line. Never pass secrets: this goes to the agent.
 */
export function progressMessage(text: string): Buffer {
  return sidebandPkts(2, Buffer.from(text, 'utf8'));
}

/**
 * An `ERR <message>` pkt-line, which git clients report as "remote error: <message>" when it appears
 * in an advertisement or instead of a response. Line breaks in the message become spaces and an
 * over-long message is cut so the pkt stays within MAX_PKT_DATA.
 */
export function errorPkt(message: string): Buffer {
  const bytes = Buffer.from(`ERR ${message.replace(/[\r\n]+/g, ' ')}`, 'utf8');
  const limit = MAX_PKT_DATA - 1; // room for the LF
  if (bytes.length <= limit) return encodePkt(Buffer.concat([bytes, LF]));
  // Cut before the lead byte of a UTF-8 sequence so no character is split.
  let end = limit;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return encodePkt(Buffer.concat([bytes.subarray(0, end), LF]));
}
