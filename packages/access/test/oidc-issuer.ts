/**
 * A local OIDC issuer for tests: serves `/.well-known/openid-configuration` and a JWKS on
 * 127.0.0.1:0, and mints JWTs with jose's SignJWT. Keys can be rotated (a new kid is published).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** One signing key of the issuer. */
export interface IssuerKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

/** How to mint one token; every field has a sensible default for a valid token. */
export interface MintOptions {
  /** Claims to set; `undefined` values remove the default claim (e.g. `{ sub: undefined }`). */
  claims?: Record<string, unknown>;
  /** Sign with this key instead of the current one (it need not be published). */
  key?: IssuerKey;
  /** Override the header's kid (the signature still uses `key`). */
  kid?: string;
  /** Seconds until exp (default 300); negative for an expired token. */
  expiresInSec?: number;
}

/** Makes a signing key that the issuer does not publish until `publish` is called. */
export async function makeKey(kid: string, alg = 'RS256'): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, jwk };
}

/** The running test issuer. */
export class TestIssuer {
  readonly issuer: string;
  readonly audience = 'gitgate-test';
  /** How many times each path was fetched. */
  readonly hits = new Map<string, number>();
  #keys: IssuerKey[];
  readonly #server: http.Server;

  private constructor(server: http.Server, issuer: string, keys: IssuerKey[]) {
    this.#server = server;
    this.issuer = issuer;
    this.#keys = keys;
  }

  /** Starts an issuer with one RS256 key (kid 'k1'). */
  static async start(): Promise<TestIssuer> {
    const keys = [await makeKey('k1')];
    let self: TestIssuer | undefined;
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      self!.hits.set(path, (self!.hits.get(path) ?? 0) + 1);
      if (path === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer: self!.issuer, jwks_uri: `${self!.issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] }));
      } else if (path === '/jwks') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: self!.#keys.map((k) => k.jwk) }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new TestIssuer(server, `http://127.0.0.1:${port}`, keys);
    return self;
  }

  /** The key tokens are signed with by default: the first published one (RS256, kid 'k1'). */
  get currentKey(): IssuerKey {
    return this.#keys[0]!;
  }

  get jwksUri(): string {
    return `${this.issuer}/jwks`;
  }

  /** Publishes `key` alongside the others (or instead of them with `replace`). */
  publish(key: IssuerKey, replace = false): void {
    this.#keys = replace ? [key] : [...this.#keys, key];
  }

  /** A signed JWT: iss, aud, sub 'alice', groups ['dev'], iat now, exp in 5 minutes unless overridden. */
  async mint(opts: MintOptions = {}): Promise<string> {
    const key = opts.key ?? this.currentKey;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { iss: this.issuer, aud: this.audience, sub: 'alice', groups: ['dev'], iat: now, exp: now + (opts.expiresInSec ?? 300) };
    for (const [k, v] of Object.entries(opts.claims ?? {})) {
      if (v === undefined) delete claims[k];
      else claims[k] = v;
    }
    return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: key.alg, kid: opts.kid ?? key.kid, typ: 'JWT' }).sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
