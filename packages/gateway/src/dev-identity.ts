/**
 * Auth mode dev: a development OIDC issuer served under /dev-idp on the gateway's own loopback
 * listener, for the trial only. Its RS256 key is generated at start and never written anywhere;
 * `POST /dev-idp/token {subject, groups}` mints a 1-hour JWT for anyone who can reach loopback, and the
 * approvals page signs in through `/dev-idp/authorize` (a page listing the trial's users) and the
 * authorization code grant with PKCE at `/dev-idp/token` (dev-authorization.ts).
 * The gateway verifies those tokens with the same OidcAuthenticator as mode oidc, over real HTTP.
 */
import type { IncomingMessage, ServerResponse, RequestListener } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';
import { OidcAuthenticator, type Identity } from '@gitgate/access';
import type { Logger } from '@gitgate/log';
import { AuthorizationCodes, DEFAULT_DEV_USERS, DEV_CLIENT_ID, checkAuthorize, type DevUser } from './dev-authorization.js';
import { SIGN_IN_PAGE_HEADERS, signInPage } from './dev-sign-in-page.js';

/** The path the issuer lives under; its issuer URL is the gateway's URL plus this. */
export const DEV_IDP_PATH = '/dev-idp';
/** The audience every dev token carries and the gateway expects. */
export const DEV_AUDIENCE = 'gitgate';
const TOKEN_LIFETIME_SEC = 3600;
const KID = 'dev-1';
const REMOTE_LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export class DevIdentityProvider {
  readonly #jwk: JWK;
  readonly #key: CryptoKey;
  readonly #log: Logger;
  readonly #users: readonly DevUser[];
  readonly #codes = new AuthorizationCodes();
  #issuer: string | undefined;
  #redirectUris: string[] = [];
  #authenticator: OidcAuthenticator | undefined;

  private constructor(jwk: JWK, key: CryptoKey, log: Logger, users: readonly DevUser[]) {
    this.#jwk = jwk;
    this.#key = key;
    this.#log = log;
    this.#users = users;
  }

  /** Generates the signing key (in memory only); `users` are those the sign-in page offers. */
  static async create(log: Logger, users: readonly DevUser[] = DEFAULT_DEV_USERS): Promise<DevIdentityProvider> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
    return new DevIdentityProvider(jwk, privateKey, log, users);
  }

  /** Called once the gateway listens: the issuer is `${gatewayUrl}/dev-idp`, discovered like any other. */
  bind(gatewayUrl: string): void {
    this.#issuer = `${gatewayUrl}${DEV_IDP_PATH}`;
    this.#redirectUris = [`${gatewayUrl}/approvals`];
    this.#authenticator = new OidcAuthenticator({ issuer: this.#issuer, audience: DEV_AUDIENCE }, this.#log);
    this.#log.warn('auth mode dev: development identity provider enabled (trial only; anyone on loopback can mint tokens)', { issuer: this.#issuer });
  }

  /** The approvals page's sign-in: this issuer and the page's client id (undefined before the gateway listens). */
  signIn(): { issuer: string; clientId: string } | undefined {
    return this.#issuer === undefined ? undefined : { issuer: this.#issuer, clientId: DEV_CLIENT_ID };
  }

  /** The server's Authenticator: the OidcAuthenticator of mode oidc, pointed at this issuer. */
  readonly authenticator = {
    authenticate: (header: string | undefined): Promise<Identity> => {
      if (!this.#authenticator) throw new Error('dev identity provider used before the gateway listens');
      return this.#authenticator.authenticate(header);
    },
  };

  /** Serves /dev-idp/* itself and hands every other request to `app`. */
  wrap(app: RequestListener): RequestListener {
    return (req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      if (path !== DEV_IDP_PATH && !path.startsWith(`${DEV_IDP_PATH}/`)) return app(req, res);
      void this.#handle(req, res, path.slice(DEV_IDP_PATH.length)).catch((e: unknown) => {
        this.#log.error('dev identity provider failed', { error: (e as Error).message });
        if (!res.headersSent) json(res, 500, { error: 'internal error' });
      });
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!REMOTE_LOOPBACK.test(req.socket.remoteAddress ?? '')) return json(res, 403, { error: 'the development identity provider answers loopback only' });
    const route = `${req.method ?? ''} ${path}`;
    if (route === 'GET /.well-known/openid-configuration') return json(res, 200, this.#discovery());
    if (route === 'GET /jwks') return json(res, 200, { keys: [this.#jwk] });
    if (route === 'GET /authorize') return this.#authorizePage(res, new URL(req.url ?? '', 'http://x').searchParams);
    if (route === 'POST /authorize') return this.#authorize(res, await readForm(req));
    if (route === 'POST /token') {
      return /^application\/x-www-form-urlencoded\b/.test(req.headers['content-type'] ?? '') ? this.#exchange(res, await readForm(req)) : this.#mint(req, res);
    }
    return json(res, 404, { error: 'not found' });
  }

  #discovery(): object {
    const iss = this.#issuer;
    return {
      issuer: iss, jwks_uri: `${iss}/jwks`, authorization_endpoint: `${iss}/authorize`, token_endpoint: `${iss}/token`,
      id_token_signing_alg_values_supported: ['RS256'], subject_types_supported: ['public'], response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'], code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid'], claims_supported: ['sub', 'groups', 'nonce'],
    };
  }

  /** The authorization endpoint: a page with one button per trial user, for a well-formed request. */
  #authorizePage(res: ServerResponse, params: URLSearchParams): void {
    const req = checkAuthorize(params, DEV_CLIENT_ID, this.#redirectUris);
    if (typeof req === 'string') return text(res, 400, `sign-in refused: ${req}\n`);
    res.writeHead(200, SIGN_IN_PAGE_HEADERS);
    res.end(signInPage(req, this.#users, `${DEV_IDP_PATH}/authorize`));
  }

  /** The sign-in page's form: a code for the chosen user, sent back to the client's redirect URI with its state. */
  #authorize(res: ServerResponse, form: URLSearchParams | undefined): void {
    const req = form ? checkAuthorize(form, DEV_CLIENT_ID, this.#redirectUris) : 'a form body is required';
    if (typeof req === 'string') return text(res, 400, `sign-in refused: ${req}\n`);
    const user = this.#users.find((u) => u.subject === form!.get('subject'));
    if (!user) return text(res, 400, 'sign-in refused: subject is not one of the trial users\n');
    const back = new URL(req.redirectUri);
    back.search = new URLSearchParams({ code: this.#codes.issue(req, user), state: req.state, iss: this.#issuer! }).toString();
    this.#log.info('dev sign-in', { subject: user.subject, clientId: req.clientId });
    res.writeHead(302, { Location: back.toString(), 'Cache-Control': 'no-store' });
    res.end();
  }

  /** The token endpoint's authorization_code grant (public client, PKCE): an access token for the API and an ID token for the client. */
  async #exchange(res: ServerResponse, form: URLSearchParams | undefined): Promise<void> {
    if (!form || form.get('grant_type') !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type', error_description: 'only authorization_code is supported here' });
    const grant = this.#codes.redeem(form);
    if (typeof grant === 'string') return json(res, 400, { error: 'invalid_grant', error_description: grant });
    const { subject, groups } = grant.user;
    const accessToken = await this.#sign(subject, { groups }, DEV_AUDIENCE);
    const idToken = await this.#sign(subject, { groups, ...(grant.nonce === null ? {} : { nonce: grant.nonce }) }, grant.clientId);
    return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SEC, id_token: idToken, scope: 'openid' });
  }

  #sign(subject: string, claims: Record<string, unknown>, audience: string): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
      .setSubject(subject).setIssuer(this.#issuer!).setAudience(audience).setIssuedAt()
      .setExpirationTime(`${TOKEN_LIFETIME_SEC}s`).sign(this.#key);
  }

  /** `{subject, groups}` → `{token, expiresIn}` (or the bare token with `Accept: text/plain`). */
  async #mint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const subject = body?.subject;
    const groups = body?.groups ?? [];
    if (typeof subject !== 'string' || !/^[\w.@-]{1,128}$/.test(subject)) return json(res, 400, { error: 'subject: a name of letters, digits and . _ @ -' });
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string' && g !== '')) return json(res, 400, { error: 'groups: a list of names' });
    const token = await this.#sign(subject, { groups }, DEV_AUDIENCE);
    this.#log.info('dev token minted', { subject, groups });
    // `Accept: text/plain`: the bare JWT, for `curl … > agent.jwt`.
    if (/^text\/plain\b/.test(req.headers.accept ?? '')) {
      res.setHeader('Content-Type', 'text/plain');
      res.setHeader('Cache-Control', 'no-store');
      res.end(`${token}\n`);
      return;
    }
    return json(res, 200, { token, expiresIn: TOKEN_LIFETIME_SEC });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

/** The request body, or undefined past 16 KiB. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > 16_384) return undefined;
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const body = await readBody(req);
  return body === undefined ? undefined : new URLSearchParams(body);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const body = await readBody(req);
  try {
    const v: unknown = JSON.parse(body ?? '');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
