// Finds the signature appended to a tag message, by git's rule (gpg-interface.c
// parse_signed_buffer): the LAST line that starts with a known signature marker begins it.

const NL = 0x0a;

// The markers of every signature format git knows (openpgp, x509, ssh).
const SIGNATURE_MARKERS: readonly Buffer[] = [
  '-----BEGIN PGP SIGNATURE-----',
  '-----BEGIN PGP MESSAGE-----',
  '-----BEGIN SIGNED MESSAGE-----',
  '-----BEGIN SSH SIGNATURE-----',
].map((m) => Buffer.from(m, 'latin1'));

function startsWithMarker(message: Buffer, at: number): boolean {
  return SIGNATURE_MARKERS.some((m) => message.length - at >= m.length && message.compare(m, 0, m.length, at, at + m.length) === 0);
}

/**
 * Splits a tag message into the body and the signature that git would verify. The signature runs
 * from the start of the last line beginning with '-----BEGIN PGP SIGNATURE-----',
 * '-----BEGIN PGP MESSAGE-----', '-----BEGIN SSH SIGNATURE-----' or
 * '-----BEGIN SIGNED MESSAGE-----' to the end; `body` is every byte before it. With no such line,
 * `body` is the whole message and `signature` is null. Views into `message`; never throws.
 */
export function splitTagSignature(message: Buffer): { body: Buffer; signature: Buffer | null } {
  let match = -1;
  let pos = 0;
  while (pos < message.length) {
    if (startsWithMarker(message, pos)) match = pos;
    const eol = message.indexOf(NL, pos);
    if (eol === -1) break;
    pos = eol + 1;
  }
  if (match === -1) return { body: message, signature: null };
  return { body: message.subarray(0, match), signature: message.subarray(match) };
}
