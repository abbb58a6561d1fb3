/**
 * Binary key containers recognised by content, so the path-blind rewrite gives them whole-content
 * treatment: PKCS#12 / PFX (RFC 7292 §4), Java KeyStore and JCEKS (the `sun.security.provider`
 * JKS layout), and bare DER private keys — PKCS#8 PrivateKeyInfo and EncryptedPrivateKeyInfo
 * (RFC 5208/5958), PKCS#1 RSAPrivateKey (RFC 8017 A.1.2), DSA, and SEC1 ECPrivateKey (RFC 5915).
 * A DER structure counts only when it spans the whole content, so random binaries do not match.
 */

/** Which container a content is, when it is one. */
export type KeyContainerKind = 'pkcs12' | 'jks' | 'der';

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;
/** 1.2.840.113549.1.7 (PKCS#7 content types), the prefix of a PFX's authSafe content type. */
const PKCS7_OID_PREFIX = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07]);
/** 1.2.840.113549.1.5 (PKCS#5 PBES) and 1.2.840.113549.1.12.1 (PKCS#12 PBE): encrypted key algorithms. */
const PBE_OID_PREFIXES = [Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05]), Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01])];

/** A cheap first look: could `b` start a key container? (magic bytes or a DER SEQUENCE header). */
export function mayBeKeyContainer(b: Uint8Array): boolean {
  if (b.length < 16) return false;
  const head = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  if (head === JKS_MAGIC || head === JCEKS_MAGIC) return true;
  // A SEQUENCE with a short, long (up to 4 length bytes) or indefinite length.
  return b[0] === 0x30 && b[1]! <= 0x84;
}

interface Tlv {
  tag: number;
  /** Offset of the value. */
  value: number;
  /** Offset just past the value; -1 for a BER indefinite length. */
  end: number;
}

/** Reads one DER/BER tag-length header at `off`, or undefined when it runs past `limit`. */
function readTlv(b: Uint8Array, off: number, limit: number): Tlv | undefined {
  if (off + 2 > limit) return undefined;
  const tag = b[off]!;
  let len = b[off + 1]!;
  let value = off + 2;
  if (len === 0x80) return { tag, value, end: -1 };
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || value + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[value + i]!;
    value += n;
  }
  const end = value + len;
  return end <= limit ? { tag, value, end } : undefined;
}

function startsWith(b: Uint8Array, off: number, prefix: Buffer): boolean {
  if (off + prefix.length > b.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[off + i] !== prefix[i]) return false;
  return true;
}

/** PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data | pkcs7-signedData, … }, … }. */
function isPkcs12(b: Uint8Array): boolean {
  const outer = readTlv(b, 0, b.length);
  if (outer === undefined || outer.tag !== 0x30 || (outer.end !== -1 && outer.end !== b.length)) return false;
  const version = readTlv(b, outer.value, b.length);
  if (version === undefined || version.tag !== 0x02 || version.end !== version.value + 1 || b[version.value] !== 3) return false;
  const authSafe = readTlv(b, version.end, b.length);
  if (authSafe === undefined || authSafe.tag !== 0x30) return false;
  const oid = readTlv(b, authSafe.value, b.length);
  return oid !== undefined && oid.tag === 0x06 && oid.end - oid.value === 9 && startsWith(b, oid.value, PKCS7_OID_PREFIX);
}

/** A DER private key spanning the whole content. */
function isDerPrivateKey(b: Uint8Array): boolean {
  const outer = readTlv(b, 0, b.length);
  if (outer === undefined || outer.tag !== 0x30 || outer.end !== b.length) return false;
  const first = readTlv(b, outer.value, b.length);
  if (first === undefined || first.end < 0) return false;
  if (first.tag === 0x30) {
    // EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier (a PBE OID), OCTET STRING }.
    const oid = readTlv(b, first.value, first.end);
    if (oid === undefined || oid.tag !== 0x06 || !PBE_OID_PREFIXES.some((p) => startsWith(b, oid.value, p))) return false;
    const data = readTlv(b, first.end, b.length);
    return data !== undefined && data.tag === 0x04 && data.end === b.length;
  }
  if (first.tag !== 0x02 || first.end !== first.value + 1) return false;
  const version = b[first.value]!;
  const second = readTlv(b, first.end, b.length);
  if (second === undefined || second.end < 0) return false;
  if (version <= 1 && second.tag === 0x30) {
    // PKCS#8 PrivateKeyInfo (v1 or OneAsymmetricKey v2): AlgorithmIdentifier then OCTET STRING.
    const oid = readTlv(b, second.value, second.end);
    const key = readTlv(b, second.end, b.length);
    return oid !== undefined && oid.tag === 0x06 && key !== undefined && key.tag === 0x04;
  }
  if (version === 1 && second.tag === 0x04) {
    // SEC1 ECPrivateKey: the private scalar is 32..66 bytes.
    const n = second.end - second.value;
    return n >= 24 && n <= 72;
  }
  if (version === 0 && second.tag === 0x02 && second.end - second.value >= 64) {
    // PKCS#1 RSA (9 INTEGERs) or DSA (6 INTEGERs) private key: a long run of INTEGERs.
    let ints = 2;
    for (let t = readTlv(b, second.end, b.length); t !== undefined && t.tag === 0x02 && t.end > 0; t = readTlv(b, t.end, b.length)) {
      ints++;
      if (t.end === b.length) return ints >= 6;
    }
  }
  return false;
}

/**
 * Whether a JKS/JCEKS store holds a private or secret key entry (tag 1 or 3). A store of trusted
 * certificates only (a truststore) is public. A store that cannot be walked counts as holding
 * keys (fail closed).
 */
function jksHoldsKeys(b: Uint8Array): boolean {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  try {
    const version = view.getUint32(4);
    const count = view.getUint32(8);
    let off = 12;
    const skipUtf = (): void => {
      off += 2 + view.getUint16(off);
    };
    for (let i = 0; i < count; i++) {
      const tag = view.getUint32(off);
      off += 4;
      if (tag !== 2) return true; // 1 private key, 3 secret key (JCEKS), anything else: unknown
      skipUtf(); // alias
      off += 8; // timestamp
      if (version === 2) skipUtf(); // certificate type
      off += 4 + view.getUint32(off);
      if (off > b.length) return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** The key container `b` is, or undefined. Only whole contents are recognised (offset 0 to the end). */
export function keyContainerKind(b: Uint8Array): KeyContainerKind | undefined {
  if (!mayBeKeyContainer(b)) return undefined;
  const head = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  if (head === JKS_MAGIC || head === JCEKS_MAGIC) return jksHoldsKeys(b) ? 'jks' : undefined;
  if (isPkcs12(b)) return 'pkcs12';
  if (isDerPrivateKey(b)) return 'der';
  return undefined;
}
