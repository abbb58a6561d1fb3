/**
 * The dev issuer's browser sign-in: OAuth 2.0 authorization code grant (RFC 6749 §4.1) for a public
 * client with PKCE (RFC 7636, S256 only). Codes live in memory, are single-use and expire after a
 * minute; a code is bound to its client, redirect URI and code challenge.
 */
import { createHash, randomBytes } from 'node:crypto';

/** One of the trial's people the sign-in page offers. */
export interface DevUser {
  subject: string;
  groups: string[];
}

/** The trial's people: two approvers (a 2-of-2 policy can be tried) and an agent. */
export const DEFAULT_DEV_USERS: readonly DevUser[] = Object.freeze([
  { subject: 'alice', groups: ['security'] },
  { subject: 'bob', groups: ['security'] },
  { subject: 'agent-1', groups: ['agents'] },
]);

/** The client id of the approvals page in auth mode dev. */
export const DEV_CLIENT_ID = 'gitgate-approvals';

/** What an authorization request asks for, checked. */
export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string | null;
  codeChallenge: string;
}

/** What a redeemed code stands for. */
export interface CodeGrant {
  user: DevUser;
  clientId: string;
  nonce: string | null;
}

const CODE_TTL_MS = 60_000;
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** BASE64URL(SHA-256(verifier)): 43 characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const STATE = /^[\x21-\x7e]{1,512}$/;

/** S256 of RFC 7636 §4.2: the challenge a verifier answers. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Checks an authorization request's parameters (query or form) against the one client and the redirect
 * URIs it may use; resolves with the request or with the reason it is refused.
 */
export function checkAuthorize(p: URLSearchParams, clientId: string, redirectUris: readonly string[]): AuthorizeRequest | string {
  if (p.get('client_id') !== clientId) return `client_id: unknown client (the approvals page is ${clientId})`;
  const redirectUri = p.get('redirect_uri') ?? '';
  if (!redirectUris.includes(redirectUri)) return 'redirect_uri: not a registered redirect URI of this client';
  if (p.get('response_type') !== 'code') return 'response_type: only "code" is supported';
  if (p.get('code_challenge_method') !== 'S256' || !CHALLENGE.test(p.get('code_challenge') ?? '')) return 'code_challenge: PKCE with code_challenge_method S256 is required';
  const state = p.get('state') ?? '';
  if (!STATE.test(state)) return 'state: required';
  const nonce = p.get('nonce');
  if (nonce !== null && !STATE.test(nonce)) return 'nonce: malformed';
  return { clientId, redirectUri, state, nonce, codeChallenge: p.get('code_challenge')! };
}

/** Issued authorization codes, single-use and short-lived. */
export class AuthorizationCodes {
  readonly #codes = new Map<string, { grant: CodeGrant; redirectUri: string; challenge: string; expires: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A new code for `user`, bound to the request it answers. */
  issue(req: AuthorizeRequest, user: DevUser): string {
    this.#prune();
    const code = randomBytes(32).toString('base64url');
    this.#codes.set(code, { grant: { user, clientId: req.clientId, nonce: req.nonce }, redirectUri: req.redirectUri, challenge: req.codeChallenge, expires: this.#now() + CODE_TTL_MS });
    return code;
  }

  /**
   * Redeems a code (a token request's form, RFC 6749 §4.1.3): used up by the first attempt whatever
   * its outcome; the grant, or the reason it is refused (an `invalid_grant` error).
   */
  redeem(p: URLSearchParams): CodeGrant | string {
    const code = p.get('code') ?? '';
    const entry = this.#codes.get(code);
    this.#codes.delete(code);
    if (!entry || entry.expires <= this.#now()) return 'the code is unknown, used or expired';
    if (p.get('client_id') !== entry.grant.clientId) return 'the code was issued to another client';
    if (p.get('redirect_uri') !== entry.redirectUri) return 'redirect_uri differs from the authorization request';
    const verifier = p.get('code_verifier') ?? '';
    if (!VERIFIER.test(verifier) || s256(verifier) !== entry.challenge) return 'code_verifier does not match the code challenge';
    return entry.grant;
  }

  #prune(): void {
    const now = this.#now();
    for (const [code, e] of this.#codes) if (e.expires <= now) this.#codes.delete(code);
  }
}
