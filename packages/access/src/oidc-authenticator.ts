/**
 * Verifies OIDC-issued JWTs (RFC 7519, OpenID Connect Core §2 and Discovery §4) with jose. Keys come
 * from the issuer's JWKS, found through `/.well-known/openid-configuration` unless given; jose's
 * remote key set caches it and refetches on an unknown `kid`, so a rotated key is picked up.
 * Only asymmetric algorithms are accepted: a symmetric `alg` (HS256, or an HMAC keyed with the
 * public key's bytes) and `alg: none` are refused before any key is looked at.
 */
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { AccessError, codes } from './access-error.js';
import { credentialFromHeader } from './credential.js';
import type { Identity } from './identity.js';
import { noopLogger, type Logger } from '@gitgate/log';

/** Options of `OidcAuthenticator`. */
export interface OidcOptions {
  /** The `iss` tokens must carry, e.g. 'https://login.example.com/realms/acme'. */
  issuer: string;
  /** The `aud` a token must name (any one of them, when a list). */
  audience: string | string[];
  /** The JWKS address; discovered from the issuer when absent. */
  jwksUri?: string;
  /** Claim holding the groups (default 'groups'); a dotted path such as 'realm_access.roles' also works. */
  groupsClaim?: string;
  /** Seconds of clock skew tolerated on exp, nbf and iat (default 30). */
  clockToleranceSec?: number;
  /** Accepted signature algorithms (default RS256, RS384, RS512, PS256, ES256, ES384, EdDSA). */
  allowedAlgs?: string[];
  /** fetch used for discovery and the key set (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Minimum time between key set refetches triggered by an unknown kid (default 30000). */
  jwksCooldownMs?: number;
  /** Maximum age of the cached key set (default 600000). */
  jwksCacheMaxAgeMs?: number;
  /** Time limit of each discovery or key set fetch (default 5000). */
  fetchTimeoutMs?: number;
  /** The current time, for tests (default: the system clock). */
  clock?: () => Date;
}

/** Algorithms accepted when `allowedAlgs` is not given. */
export const DEFAULT_ALGS: readonly string[] = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA']);

/** Asymmetric JWS algorithms jose verifies; anything else (HS*, none) can never be configured. */
const ASYMMETRIC_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** Why a credential was refused; the value of `data.reason` on GITGATE_UNAUTHENTICATED. */
export type AuthFailureReason =
  | 'missing-credential'
  | 'malformed'
  | 'alg-none'
  | 'alg-not-allowed'
  | 'unknown-kid'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'missing-subject'
  | 'missing-expiry'
  | 'invalid-claims';

const MESSAGES: Readonly<Record<AuthFailureReason, string>> = {
  'missing-credential': 'authentication required: send Authorization: Bearer <OIDC token>',
  malformed: 'the credential is not a well-formed JWT',
  'alg-none': 'unsigned tokens are refused',
  'alg-not-allowed': 'the token is signed with an algorithm that is not accepted',
  'unknown-kid': 'the token is signed with a key the issuer does not publish',
  'bad-signature': 'the token signature does not verify',
  expired: 'the token has expired',
  'not-yet-valid': 'the token is not valid yet',
  'wrong-issuer': 'the token was issued by another issuer',
  'wrong-audience': 'the token is for another audience',
  'missing-subject': 'the token has no subject',
  'missing-expiry': 'the token has no expiry',
  'invalid-claims': 'the token claims are invalid',
};

type KeySet = ReturnType<typeof createRemoteJWKSet>;

function refuse(reason: AuthFailureReason, joseCode?: string): AccessError {
  // No cause: jose's claim errors carry the whole payload, and nothing of the token may leave here.
  return new AccessError(codes.unauthenticated, MESSAGES[reason], { data: joseCode ? { reason, joseCode } : { reason } });
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

/** The groups in a claim value: an array of strings, or one space-separated string; anything else is none. */
function groupsFrom(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((g) => g !== '');
  if (Array.isArray(value)) return [...new Set(value.filter(nonEmpty))];
  return [];
}

function claimAt(payload: JWTPayload, claim: string): unknown {
  // Exact names first: namespaced claims such as 'https://example.com/groups' contain dots.
  if (Object.hasOwn(payload, claim)) return payload[claim];
  if (!claim.includes('.')) return undefined;
  let node: unknown = payload;
  for (const part of claim.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Maps a jose verification error to a refusal, or undefined when it is not the token's fault. */
function reasonOf(err: unknown): AuthFailureReason | undefined {
  const code = (err as { code?: unknown })?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (err as { claim?: unknown }).claim;
      const why = (err as { reason?: unknown }).reason;
      if (claim === 'iss') return 'wrong-issuer';
      if (claim === 'aud') return 'wrong-audience';
      if (claim === 'sub') return 'missing-subject';
      if (claim === 'exp') return why === 'missing' ? 'missing-expiry' : 'invalid-claims';
      if ((claim === 'nbf' || claim === 'iat') && why === 'check_failed') return 'not-yet-valid';
      return 'invalid-claims';
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'alg-not-allowed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown-kid';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'malformed';
    default:
      return undefined;
  }
}

/**
 * Turns an Authorization header into a verified `Identity`. Refusals are AccessError
 * GITGATE_UNAUTHENTICATED (401) with `data.reason`; when the issuer's discovery document or keys
 * cannot be fetched, AccessError GITGATE_OIDC_UNAVAILABLE (503). No error or log line holds the token.
 */
export class OidcAuthenticator {
  readonly #issuer: string;
  readonly #audience: string | string[];
  readonly #groupsClaim: string;
  readonly #toleranceSec: number;
  readonly #algs: string[];
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #clock: () => Date;
  readonly #jwksOptions: { cooldownDuration: number; cacheMaxAge: number };
  readonly #log: Logger;
  #jwksUri: string | undefined;
  #keys: KeySet | undefined;
  #discovery: Promise<KeySet> | undefined;

  /** Checks the options (TypeError when malformed or when a symmetric or 'none' algorithm is allowed). */
  constructor(opts: OidcOptions, logger?: Logger) {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('OIDC options must be an object');
    if (!nonEmpty(opts.issuer)) throw new TypeError('issuer must be a non-empty string');
    const audiences = Array.isArray(opts.audience) ? opts.audience : [opts.audience];
    if (audiences.length === 0 || !audiences.every(nonEmpty)) throw new TypeError('audience must be a non-empty string or array of strings');
    if (opts.jwksUri !== undefined) {
      if (!nonEmpty(opts.jwksUri) || !URL.canParse(opts.jwksUri)) throw new TypeError('jwksUri must be an absolute URL');
    } else if (!URL.canParse(opts.issuer)) {
      throw new TypeError('issuer must be a URL when jwksUri is not given (it is used for discovery)');
    }
    const algs = opts.allowedAlgs ?? [...DEFAULT_ALGS];
    if (!Array.isArray(algs) || algs.length === 0) throw new TypeError('allowedAlgs must be a non-empty array');
    for (const a of algs) {
      if (!ASYMMETRIC_ALGS.has(a)) throw new TypeError(`allowedAlgs: ${String(a)} is not an asymmetric signature algorithm`);
    }
    const tolerance = opts.clockToleranceSec ?? 30;
    if (!Number.isFinite(tolerance) || tolerance < 0) throw new TypeError('clockToleranceSec must be a non-negative number');
    const groupsClaim = opts.groupsClaim ?? 'groups';
    if (!nonEmpty(groupsClaim)) throw new TypeError('groupsClaim must be a non-empty string');
    const ms = (v: number | undefined, dflt: number, name: string): number => {
      if (v === undefined) return dflt;
      if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`${name} must be a non-negative integer`);
      return v;
    };
    this.#issuer = opts.issuer;
    this.#audience = Array.isArray(opts.audience) ? [...opts.audience] : opts.audience;
    this.#groupsClaim = groupsClaim;
    this.#toleranceSec = tolerance;
    this.#algs = [...algs];
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#timeoutMs = ms(opts.fetchTimeoutMs, 5000, 'fetchTimeoutMs');
    this.#clock = opts.clock ?? (() => new Date());
    this.#jwksOptions = {
      cooldownDuration: ms(opts.jwksCooldownMs, 30_000, 'jwksCooldownMs'),
      cacheMaxAge: ms(opts.jwksCacheMaxAgeMs, 600_000, 'jwksCacheMaxAgeMs'),
    };
    this.#log = logger ?? noopLogger;
    this.#jwksUri = opts.jwksUri;
  }

  /**
   * Verifies the JWT in `header` ('Bearer <jwt>' or 'Basic base64(any-user:jwt)') and returns who it
   * names. Requires a valid signature by a published key with an allowed algorithm, the configured
   * issuer and audience, `exp` in the future, `nbf`/`iat` not in the future (each within the clock
   * tolerance) and a non-empty `sub`.
   */
  async authenticate(header: string | undefined): Promise<Identity> {
    if (header === undefined || header === null || (typeof header === 'string' && header.trim() === '')) throw refuse('missing-credential');
    const jwt = credentialFromHeader(header);
    if (jwt === null) throw refuse('malformed');

    // Checked before the key set: 'none' and HMAC must be refused whatever keys are published,
    // including an HMAC keyed with the public key's bytes (the classic algorithm confusion).
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(jwt).alg;
    } catch {
      throw refuse('malformed');
    }
    if (typeof alg !== 'string') throw refuse('malformed');
    if (alg.toLowerCase() === 'none') throw refuse('alg-none');
    if (!this.#algs.includes(alg)) throw refuse('alg-not-allowed');

    const keys = await this.#keySet();
    const now = this.#clock();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, keys, {
        issuer: this.#issuer,
        audience: this.#audience,
        algorithms: this.#algs,
        clockTolerance: this.#toleranceSec,
        requiredClaims: ['sub', 'exp'],
        currentDate: now,
      }));
    } catch (err) {
      const reason = reasonOf(err);
      if (reason) {
        this.#log.debug('token refused', { reason });
        throw refuse(reason, String((err as { code?: unknown }).code));
      }
      this.#log.warn('oidc keys unavailable', { code: (err as { code?: unknown })?.code ?? (err as Error)?.name });
      throw new AccessError(codes.oidcUnavailable, 'the identity provider keys could not be fetched', { cause: err });
    }
    // jose checks a future iat only together with maxTokenAge; a token minted "later" is refused here.
    if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + this.#toleranceSec) throw refuse('not-yet-valid');
    if (!nonEmpty(payload.sub)) throw refuse('missing-subject');
    const identity: Identity = {
      subject: payload.sub,
      groups: groupsFrom(claimAt(payload, this.#groupsClaim)),
      issuer: payload.iss ?? this.#issuer,
    };
    if (typeof payload.exp === 'number') identity.expiresAt = new Date(payload.exp * 1000);
    return identity;
  }

  /** The remote key set, discovering its address first when needed; a failed discovery is retried next call. */
  #keySet(): Promise<KeySet> {
    if (this.#keys) return Promise.resolve(this.#keys);
    this.#discovery ??= this.#discover().then(
      (uri) => {
        this.#keys = createRemoteJWKSet(new URL(uri), {
          ...this.#jwksOptions,
          timeoutDuration: this.#timeoutMs,
          [customFetch]: this.#fetch,
        });
        return this.#keys;
      },
      (err: unknown) => {
        this.#discovery = undefined;
        throw err;
      },
    );
    return this.#discovery;
  }

  async #discover(): Promise<string> {
    if (this.#jwksUri) return this.#jwksUri;
    const url = `${this.#issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let doc: unknown;
    try {
      const res = await this.#fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(this.#timeoutMs) });
      if (res.status !== 200) throw new Error(`discovery answered HTTP ${res.status}`);
      doc = await res.json();
    } catch (err) {
      this.#log.warn('oidc discovery failed', { issuer: this.#issuer, error: (err as Error)?.message });
      throw new AccessError(codes.oidcUnavailable, 'the identity provider discovery document could not be fetched', { cause: err, data: { issuer: this.#issuer } });
    }
    const d = doc as { issuer?: unknown; jwks_uri?: unknown };
    // Discovery §4.3: the document's issuer must be exactly the configured one.
    if (typeof d !== 'object' || d === null || d.issuer !== this.#issuer || !nonEmpty(d.jwks_uri) || !URL.canParse(d.jwks_uri)) {
      this.#log.warn('oidc discovery document rejected', { issuer: this.#issuer });
      throw new AccessError(codes.oidcUnavailable, 'the identity provider discovery document is invalid (issuer mismatch or no jwks_uri)', { data: { issuer: this.#issuer } });
    }
    this.#jwksUri = d.jwks_uri;
    this.#log.info('oidc keys discovered', { issuer: this.#issuer, jwksUri: d.jwks_uri });
    return d.jwks_uri;
  }
}
