/** Errors of the vault package. Messages name tokens and file paths, never key material or a secret. */

/** Stable error codes of this package; the server maps each to an HTTP status in one table. */
export const codes = {
  /** The key file grants any permission to group or other (it must be 0600 or stricter). */
  keyPermissions: 'GITGATE_KEY_PERMISSIONS',
  /** The key file is not exactly 64 hex characters (plus an optional newline), or not a regular file. */
  keyInvalid: 'GITGATE_KEY_INVALID',
  /** The key file could not be read or created (permission denied, read-only disk, ...). */
  keyIo: 'GITGATE_KEY_IO',
  /** No secret is stored under this token (or the string is not a token at all). */
  tokenUnknown: 'GITGATE_TOKEN_UNKNOWN',
  /** The token was revoked; its secret is never revealed again. */
  tokenRevoked: 'GITGATE_TOKEN_REVOKED',
  /** AES-GCM authentication failed: wrong master key, or a tampered or misplaced entry. */
  decrypt: 'GITGATE_VAULT_DECRYPT',
  /** The vault was closed. */
  closed: 'GITGATE_VAULT_CLOSED',
} as const;

/** One of the stable codes in `codes`. */
export type VaultErrorCode = (typeof codes)[keyof typeof codes];

/** A vault failure. `code` is stable; `data` holds structured, non-secret details (token, path). */
export class VaultError extends Error {
  readonly code: VaultErrorCode;
  readonly data?: Record<string, unknown>;
  constructor(code: VaultErrorCode, message: string, options?: { cause?: unknown; data?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VaultError';
    this.code = code;
    this.data = options?.data;
  }
}
