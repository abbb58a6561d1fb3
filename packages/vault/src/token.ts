/**
 * Token strings: `[[TOKEN_<type>_<id>]]`, the placeholder a secret is replaced by (docs/tokens.md).
 *
 * - `<type>` is the detection rule's type slug, `[a-z0-9-]+`.
 * - `<id>` is the first 24 characters of the RFC 4648 base32 (A-Z2-7, no padding) encoding of
 *   HMAC-SHA256(tokenKey, type + "\0" + secretBytes), i.e. 120 bits of the MAC.
 * - tokenKey is HKDF-SHA256(masterKey, info "gitgate token id v1") of the deployment key.
 *
 * The same secret and type give the same token forever, in every replica holding the same key, so
 * sanitized object ids are deterministic. Without the key nobody can test a guessed secret against a
 * token, which a bare hash of a low-entropy secret would allow.
 */
import { createHmac } from 'node:crypto';
import { base32Encode } from './base32.js';
import { TOKEN_ID_INFO, deriveSubkey, assertMasterKey } from './subkeys.js';

/** Number of base32 characters in a token id (120 bits). */
export const TOKEN_ID_LENGTH = 24;

/** A valid token type slug: lower-case letters, digits and '-'. */
export const TOKEN_TYPE_RE = /^[a-z0-9-]+$/;

/**
 * Matches one token anywhere in a string, with named groups `type` and `id`. Not anchored and not
 * global, so `.test()` has no `lastIndex` state; use `isToken` to check that a whole string is a
 * token, or `new RegExp(TOKEN_RE.source, 'g')` to find them all.
 */
export const TOKEN_RE = /\[\[TOKEN_(?<type>[a-z0-9-]+)_(?<id>[A-Z2-7]{24})\]\]/;

const EXACT_TOKEN_RE = new RegExp(`^${TOKEN_RE.source}$`);

/**
 * The ref-safe form of a token, `TOKEN_<type>_<id>`: the same token without its brackets, written where
 * `[` is not allowed (ref names, a tag's name). Not anchored and not global, like TOKEN_RE.
 */
export const REF_TOKEN_RE = /TOKEN_(?<type>[a-z0-9-]+)_(?<id>[A-Z2-7]{24})/;

const EXACT_REF_TOKEN_RE = new RegExp(`^${REF_TOKEN_RE.source}$`);

/** Something that turns a (type, secret) pair into its token. */
export interface TokenMinter {
  /** The token of `secret` under rule type `type`. Throws TypeError on a bad type or empty secret. */
  tokenFor(type: string, secret: Uint8Array): string;
}

/** True when `value` is exactly one token and nothing else. */
export function isToken(value: unknown): value is string {
  return typeof value === 'string' && EXACT_TOKEN_RE.test(value);
}

/**
 * The type and id of a token string, or undefined when it is not exactly a token. Accepts the ref-safe
 * form `TOKEN_<type>_<id>` too: it is the same token.
 */
export function parseToken(value: string): { type: string; id: string } | undefined {
  const m = typeof value === 'string' ? (EXACT_TOKEN_RE.exec(value) ?? EXACT_REF_TOKEN_RE.exec(value)) : null;
  return m?.groups ? { type: m.groups['type']!, id: m.groups['id']! } : undefined;
}

/**
 * The token `value` names, in its canonical form `[[TOKEN_<type>_<id>]]` (the vault's key), whether it
 * is written so or in the ref-safe form; undefined when `value` is neither.
 */
export function canonicalToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = parseToken(value);
  return t === undefined ? undefined : `[[TOKEN_${t.type}_${t.id}]]`;
}

/** The ref-safe form `TOKEN_<type>_<id>` of a token. Throws TypeError when `token` is not a token. */
export function refSafeToken(token: string): string {
  if (!isToken(token)) throw new TypeError('not a token');
  return token.slice(2, -2);
}

/**
 * The token of `secret` under `type` with the token id key itself (not the master key). Throws
 * TypeError when the type is not a slug or the secret is empty.
 */
export function mintToken(tokenKey: Buffer, type: string, secret: Uint8Array): string {
  if (typeof type !== 'string' || !TOKEN_TYPE_RE.test(type)) throw new TypeError('token type must match [a-z0-9-]+');
  if (!(secret instanceof Uint8Array) || secret.length === 0) throw new TypeError('secret must be a non-empty Uint8Array');
  const mac = createHmac('sha256', tokenKey)
    .update(type, 'utf8')
    // The NUL separator keeps (type, secret) pairs apart: "ab"+"c" and "a"+"bc" hash differently.
    .update(Buffer.from([0]))
    .update(secret)
    .digest();
  // 15 bytes encode to exactly 24 base32 characters, the same as the first 24 of the full digest.
  return `[[TOKEN_${type}_${base32Encode(mac.subarray(0, 15))}]]`;
}

/**
 * A stateless minter for a deployment master key (token key derived with HKDF, info "gitgate token
 * id v1"). Equals `Vault.tokenFor` for a vault created with this master key; after `rotateKey` the
 * vault keeps its original token key, so mint through the vault then. Throws TypeError on a bad key.
 */
export function createTokenMinter(masterKey: Buffer): TokenMinter {
  assertMasterKey(masterKey);
  const tokenKey = deriveSubkey(masterKey, TOKEN_ID_INFO);
  return { tokenFor: (type, secret) => mintToken(tokenKey, type, secret) };
}
