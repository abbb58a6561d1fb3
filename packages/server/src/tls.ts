/**
 * A self-signed TLS certificate for trials (`gitgate serve --tls-self-signed`): RSA 2048, SHA-256,
 * valid one year, with subjectAltName entries for the given names plus 127.0.0.1 and localhost, made
 * with node-forge. Clients trust it by pinning the certificate itself as their CA
 * (`git -c http.sslCAInfo=cert.pem`, node's `ca` option).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** PEM certificate and its PEM (PKCS#1) private key. */
export interface SelfSignedCertificate {
  cert: string;
  key: string;
}

/** Backdated so a client whose clock runs a little behind accepts the certificate at once. */
const BACKDATE_MS = 5 * 60_000;

/**
 * Creates a self-signed certificate for `hostnames` (DNS names or IP literals; 127.0.0.1 and
 * localhost are always added). The first name is the subject's common name. `now` fixes the validity
 * start (tests). Throws TypeError on an empty or malformed name.
 */
export function selfSignedCertificate(hostnames: readonly string[], opts: { now?: Date; days?: number } = {}): SelfSignedCertificate {
  for (const h of hostnames) {
    if (typeof h !== 'string' || h === '' || (isIP(h) === 0 && !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(h))) {
      throw new TypeError(`not a host name or IP address: ${JSON.stringify(h)}`);
    }
  }
  const names = [...new Set([...hostnames, '127.0.0.1', 'localhost'])];
  // Native RSA key generation (node-forge uses node's crypto when present): fast, not pure-JS.
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  // A positive serial of 16 random bytes (the high bit cleared keeps the DER integer positive).
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = opts.now ?? new Date();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + (opts.days ?? 365) * 86_400_000);
  const subject = [
    { name: 'commonName', value: names[0] },
    { name: 'organizationName', value: 'gitgate self-signed' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    // A self-signed certificate is its own trust anchor, so it is marked as a CA that may sign itself.
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}
