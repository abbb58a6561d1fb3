/**
 * Private keys: PEM blocks (PKCS#1/#8, SEC1, OpenSSH, legacy encrypted PEM), OpenPGP armored
 * secret keys (RFC 4880 §6.2) and PuTTY .ppk private lines. Formats: RFC 7468 (PEM text
 * encoding), PROTOCOL.key (OpenSSH), PuTTY manual appendix C.
 *
 * The markers are assembled from parts so that this file holds no literal key header (the
 * repository's own secret hook greps for them).
 */
import type { Rule } from '../rule.js';

const DASHES = '-----';
const BEGIN = `${DASHES}BEGIN `;
const END = `${DASHES}END `;
const PRIVATE_KEY = ['PRIVATE', 'KEY'].join(' ');
/** A line break as stored: LF, CRLF, or the two-char JSON/shell escapes `\n` and `\r\n`. */
const LINE_BREAK = String.raw`(?:\r?\n|\\r\\n|\\n)`;
/**
 * Between base64 runs: line breaks (real or escaped), indentation, spaces of a key pasted on one
 * line, and the quotes and commas of a key written as concatenated string literals or an array of
 * lines in code (`"…\n" +` — the `+` is a one-char base64 run).
 */
const SEP = String.raw`(?:[ \t\r\n"',]|\\r|\\n)`;
const B64 = '[A-Za-z0-9+/=]';
/** RFC 1421 headers of legacy encrypted PEM and OpenPGP armor headers (`Proc-Type: 4,ENCRYPTED`, `Version: …`). */
const HEADER = String.raw`[A-Za-z][A-Za-z0-9-]{0,63}:[^\r\n\\]{0,256}` + LINE_BREAK;
/**
 * Body: base64 runs separated by separators. Runs and separators have disjoint first chars and
 * every quantifier is bounded, so a failed match costs time linear in the text it read.
 */
const BODY = `${B64}{1,8192}(?:${SEP}{1,64}${B64}{1,8192}){0,4096}`;

/** Matches a block whose base64 body reaches a matching END line (same key kind). */
function armoredBlock(label: string, endLabel: string): RegExp {
  return new RegExp(
    // Headers, when present, come right after the BEGIN line; each may be followed by blank lines.
    `${BEGIN}${label}${DASHES}${SEP}{1,64}(?:${HEADER}${SEP}{0,64}){0,8}${BODY}${SEP}{1,64}${END}${endLabel}${DASHES}`,
  );
}

/** A PEM private key block; the whole block, BEGIN and END lines included, is the secret. */
export const pemPrivateKey: Rule = {
  id: 'private-key-pem',
  type: 'private-key',
  description: 'PEM private key block (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted)',
  keywords: [PRIVATE_KEY.toLowerCase()],
  // Key kind: none (PKCS#8), one word (RSA, EC, DSA, OPENSSH, ENCRYPTED) or two; END must repeat it.
  pattern: armoredBlock(`(?<kind>(?:[A-Z0-9]{1,16} ){0,2})${PRIVATE_KEY}`, `\\k<kind>${PRIVATE_KEY}`),
  // Real keys have a base64 body of at least 64 chars (entropy > 4.7); "REDACTED" or "your key here" do not.
  minEntropy: 4.0,
  confidence: 'high',
  multiline: true,
};

/** An OpenPGP armored secret key block. */
export const pgpPrivateKey: Rule = {
  id: 'private-key-pgp',
  type: 'private-key',
  description: 'OpenPGP armored private key block',
  keywords: [`pgp ${PRIVATE_KEY} block`.toLowerCase()],
  pattern: armoredBlock(`PGP ${PRIVATE_KEY} BLOCK`, `PGP ${PRIVATE_KEY} BLOCK`),
  minEntropy: 4.0,
  confidence: 'high',
  multiline: true,
};

/**
 * The private lines of a PuTTY key file: the base64 lines after `Private-Lines: N`. The rule runs
 * only in content that carries a `PuTTY-User-Key-File-` header; the public lines are not secret.
 */
export const puttyPrivateKey: Rule = {
  id: 'private-key-putty',
  type: 'private-key',
  description: 'PuTTY private key (.ppk) private lines',
  keywords: ['putty-user-key-file-'],
  pattern: new RegExp(
    // Each line must end at a line break (or the end), so the run stops before `Private-MAC:`.
    `Private-Lines: [0-9]{1,4}${LINE_BREAK}(?<secret>${B64}{1,256}(?=${LINE_BREAK}|$)(?:${LINE_BREAK}${B64}{1,256}(?=${LINE_BREAK}|$)){0,1024})`,
  ),
  minEntropy: 3.5,
  confidence: 'high',
  multiline: true,
};

/** An SSH.com / Tectia key (RFC 4716 framing with four dashes and spaces). */
export const ssh2PrivateKey: Rule = {
  id: 'private-key-ssh2',
  type: 'private-key',
  description: 'SSH.com (SSH2) private key block',
  keywords: [`ssh2 encrypted ${PRIVATE_KEY}`.toLowerCase()],
  pattern: new RegExp(
    `---- BEGIN SSH2 ENCRYPTED ${PRIVATE_KEY} ----${SEP}{1,64}(?:${HEADER}${SEP}{0,64}){0,8}${BODY}${SEP}{1,64}---- END SSH2 ENCRYPTED ${PRIVATE_KEY} ----`,
  ),
  minEntropy: 4.0,
  confidence: 'high',
  multiline: true,
};

/** An age identity (the secret half of an age X25519 key pair, Bech32 upper case). */
export const ageSecretKey: Rule = {
  id: 'age-secret-key',
  type: 'private-key',
  description: 'age encryption secret key',
  keywords: ['age-secret-key-1'],
  pattern: /(?<![A-Za-z0-9_-])AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Za-z0-9_-])/,
  minEntropy: 3.5,
  confidence: 'high',
  reach: 80,
  reachBack: 0,
};

/**
 * The private members of a JSON Web Key (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037): `d` of
 * EC/OKP/RSA keys, the RSA CRT members (`p`, `q`, `dp`, `dq`, `qi`, each enough to recover the
 * key) and `k` of symmetric keys. Runs only in content that names `kty`; each member is a finding.
 */
export const jwkPrivateKey: Rule = {
  id: 'private-key-jwk',
  type: 'private-key',
  description: 'Private member of a JSON Web Key (d, p, q, dp, dq, qi, k)',
  keywords: ['kty'],
  pattern: /\\?"(?:d|p|q|dp|dq|qi|k)\\?"[ \t\r\n]*:[ \t\r\n]*\\?"(?<secret>[A-Za-z0-9_-]{22,1400})\\?"/,
  minEntropy: 4.0,
  confidence: 'high',
};

/** A .NET `RSAKeyValue` XML element that carries the private exponent or primes. */
export const xmlRsaPrivateKey: Rule = {
  id: 'private-key-xml-rsa',
  type: 'private-key',
  description: '.NET RSAKeyValue XML with private parameters',
  keywords: ['<rsakeyvalue>'],
  pattern: /<RSAKeyValue>(?:\s{0,64}<(Modulus|Exponent|P|Q|DP|DQ|InverseQ|D)>[A-Za-z0-9+\/=\s]{1,4096}<\/\1>){2,8}\s{0,64}<\/RSAKeyValue>/,
  minEntropy: 4.0,
  // Only the public parameters (Modulus, Exponent): a public key.
  allow: [/^(?:(?!<(?:D|P|Q)>)[\s\S])*$/],
  confidence: 'high',
  multiline: true,
  reach: 34_000,
  reachBack: 0,
};

/** The private-key family. */
export const privateKeyRules: readonly Rule[] = [pemPrivateKey, pgpPrivateKey, puttyPrivateKey, ssh2PrivateKey, ageSecretKey, jwkPrivateKey, xmlRsaPrivateKey];
