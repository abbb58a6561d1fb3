/** RFC 4648 section 6 base32 (alphabet A-Z2-7), without padding: the alphabet of token ids. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes bytes as RFC 4648 base32 without '=' padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  // The last group is zero-padded on the right, as RFC 4648 specifies.
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
