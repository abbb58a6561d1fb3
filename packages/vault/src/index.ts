/** @gitgate/vault: token ids (keyed HMAC), the encrypted secret store and revocation. */
export { Vault } from './vault.js';
export type { SecretRecord, TokenInfo, VaultOptions } from './vault.js';
export {
  TOKEN_RE, REF_TOKEN_RE, TOKEN_TYPE_RE, TOKEN_ID_LENGTH, createTokenMinter, isToken, parseToken, canonicalToken, refSafeToken,
} from './token.js';
export type { TokenMinter } from './token.js';
export { loadOrCreateKey } from './key-file.js';
export { TOKEN_ID_INFO, VAULT_ENCRYPTION_INFO } from './subkeys.js';
export { VaultError, codes } from './vault-error.js';
export type { VaultErrorCode } from './vault-error.js';
export { noopLogger } from '@gitgate/log';
export type { Logger } from '@gitgate/log';
export { VAULT_STORE, vaultMigrations } from './vault-schema.js';
