/** Errors of the vault package. Messages name tokens and file paths, never key material or a secret. */
import { defineError, codesOf, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const vaultErrors = {
  /** The key file grants any permission to group or other (it must be 0600 or stricter). */
  keyPermissions: defineError('GITGATE_KEY_PERMISSIONS', 500, 'the key file is readable by others'),
  /** The key file is not exactly 64 hex characters (plus an optional newline), or not a regular file. */
  keyInvalid: defineError('GITGATE_KEY_INVALID', 500, 'the key file is not a key'),
  /** The key file could not be read or created (permission denied, read-only disk, ...). */
  keyIo: defineError('GITGATE_KEY_IO', 500, 'the key file could not be read or created'),
  /** No secret is stored under this token (or the string is not a token at all). */
  tokenUnknown: defineError('GITGATE_TOKEN_UNKNOWN', 500, 'unknown token'),
  /** The token was revoked; its secret is never revealed again. */
  tokenRevoked: defineError('GITGATE_TOKEN_REVOKED', 500, 'the token was revoked'),
  /** AES-GCM authentication failed: wrong master key, or a tampered or misplaced entry. */
  decrypt: defineError('GITGATE_VAULT_DECRYPT', 500, 'a vault entry could not be decrypted'),
  /** The vault was closed. */
  closed: defineError('GITGATE_VAULT_CLOSED', 500, 'the vault is closed'),
};

/** A vault failure. `code` is stable; `data` holds structured, non-secret details (token, path). */
export class VaultError extends errorClass('VaultError', vaultErrors) {}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(vaultErrors);
export type VaultErrorCode = (typeof codes)[keyof typeof codes];
