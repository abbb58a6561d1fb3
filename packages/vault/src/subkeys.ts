/**
 * Subkeys of the deployment master key, derived with HKDF-SHA256 (RFC 5869, empty salt) so the token
 * id key and the encryption key are independent: knowing one tells nothing about the other.
 */
import { hkdfSync } from 'node:crypto';

/** HKDF info label of the HMAC key behind token ids. */
export const TOKEN_ID_INFO = 'gitgate token id v1';
/** HKDF info label of the AES-256-GCM key that encrypts stored secrets. */
export const VAULT_ENCRYPTION_INFO = 'gitgate vault encryption v1';

/** Length in bytes of the master key and of every subkey. */
export const KEY_LENGTH = 32;

/** Throws TypeError unless `key` is a 32-byte Buffer. */
export function assertMasterKey(key: unknown, what = 'master key'): asserts key is Buffer {
  if (!Buffer.isBuffer(key) || key.length !== KEY_LENGTH) throw new TypeError(`${what} must be a ${KEY_LENGTH}-byte Buffer`);
}

/** Derives the 32-byte subkey for `info` from the master key. Throws TypeError on a bad master key. */
export function deriveSubkey(masterKey: Buffer, info: string): Buffer {
  assertMasterKey(masterKey);
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, KEY_LENGTH));
}
