/** Recognising public PEM blocks and public key files in text, so they are not taken for secrets. */

/** PEM blocks that are public; a value holding only these (tls.crt, ca.crt) is not a secret. */
const PUBLIC_PEM = /-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|TRUSTED CERTIFICATE|PGP PUBLIC KEY BLOCK)-----/;
const ANY_PEM = /-----BEGIN [A-Z0-9 ]{1,48}-----/g;

/** Whether a text holds PEM blocks and all of them are public. */
export function onlyPublicPem(text: string): boolean {
  const labels = text.match(ANY_PEM);
  return labels !== null && labels.every((l) => PUBLIC_PEM.test(l));
}

/** A public key or certificate file: not a secret even when named like a key file. */
export function looksPublic(text: string): boolean {
  return onlyPublicPem(text) || /^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-\S+|sk-\S+)\s+AAAA[A-Za-z0-9+/=]+(?:\s[^\n]*)?\s*$/.test(text);
}
