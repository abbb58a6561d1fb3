/**
 * AES-256-GCM sealing of one vault entry: a random 12-byte IV per entry, a 16-byte tag, and the
 * token string as additional authenticated data, so an entry copied under another token fails.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { VaultError, codes } from './vault-error.js';

const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/** An encrypted entry as stored: IV, ciphertext and authentication tag. */
export interface SealedBox {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** Encrypts `plaintext` under `key` with a fresh random IV, binding `aad`. */
export function seal(key: Buffer, plaintext: Uint8Array, aad: string): SealedBox {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts and authenticates a box. Throws VaultError GITGATE_VAULT_DECRYPT when the key, the AAD or
 * any stored byte is wrong, including a short tag (which GCM would otherwise accept with less security).
 */
export function open(key: Buffer, box: SealedBox, aad: string): Buffer {
  if (box.iv?.length !== IV_LENGTH || box.tag?.length !== TAG_LENGTH || !Buffer.isBuffer(box.ciphertext)) {
    throw new VaultError(codes.decrypt, 'vault entry is malformed');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(box.tag);
    return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
  } catch (err) {
    throw new VaultError(codes.decrypt, 'vault entry failed authentication (wrong master key or tampered entry)', { cause: err });
  }
}
