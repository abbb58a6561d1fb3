/**
 * Auth mode dev: a development OIDC issuer served under /dev-idp on the gateway's own loopback
 * listener, for the trial only. Its RS256 key is generated at start and never written anywhere;
 * `POST /dev-idp/token {subject, groups}` mints a 1-hour JWT for anyone who can reach loopback.
 * The gateway verifies those tokens with the same OidcAuthenticator as mode oidc, over real HTTP.
 */
import type { IncomingMessage, ServerResponse, RequestListener } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';
import { OidcAuthenticator, type Identity } from '@gitgate/access';
import type { Logger } from '@gitgate/log';

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
  #issuer: string | undefined;
  #authenticator: OidcAuthenticator | undefined;

  private constructor(jwk: JWK, key: CryptoKey, log: Logger) {
    this.#jwk = jwk;
    this.#key = key;
    this.#log = log;
  }

  /** Generates the signing key (in memory only). */
  static async create(log: Logger): Promise<DevIdentityProvider> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
    return new DevIdentityProvider(jwk, privateKey, log);
  }

  /** Called once the gateway listens: the issuer is `${gatewayUrl}/dev-idp`, discovered like any other. */
  bind(gatewayUrl: string): void {
    this.#issuer = `${gatewayUrl}${DEV_IDP_PATH}`;
    this.#authenticator = new OidcAuthenticator({ issuer: this.#issuer, audience: DEV_AUDIENCE }, this.#log);
    this.#log.warn('auth mode dev: development identity provider enabled (trial only; anyone on loopback can mint tokens)', { issuer: this.#issuer });
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
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: this.#issuer, jwks_uri: `${this.#issuer}/jwks`, token_endpoint: `${this.#issuer}/token`,
        id_token_signing_alg_values_supported: ['RS256'], subject_types_supported: ['public'], response_types_supported: ['id_token'],
      });
    }
    if (req.method === 'GET' && path === '/jwks') return json(res, 200, { keys: [this.#jwk] });
    if (req.method === 'POST' && path === '/token') return this.#mint(req, res);
    return json(res, 404, { error: 'not found' });
  }

  /** `{subject, groups}` → `{token, expiresIn}` (or the bare token with `Accept: text/plain`). */
  async #mint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const subject = body?.subject;
    const groups = body?.groups ?? [];
    if (typeof subject !== 'string' || !/^[\w.@-]{1,128}$/.test(subject)) return json(res, 400, { error: 'subject: a name of letters, digits and . _ @ -' });
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string' && g !== '')) return json(res, 400, { error: 'groups: a list of names' });
    const token = await new SignJWT({ groups }).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
      .setSubject(subject).setIssuer(this.#issuer!).setAudience(DEV_AUDIENCE).setIssuedAt()
      .setExpirationTime(`${TOKEN_LIFETIME_SEC}s`).sign(this.#key);
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

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > 16_384) return undefined;
    chunks.push(c);
  }
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
