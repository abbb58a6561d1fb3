/** A local OIDC issuer for tests: discovery document and JWKS on 127.0.0.1, JWTs minted with jose. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

export interface TestIssuer {
  issuer: string;
  audience: string;
  /** A signed JWT for `sub` with `groups`; `opts` override claims and timing. */
  mint(sub: string, groups: string[], opts?: { expiresIn?: string | number; notBefore?: string | number; issuer?: string; audience?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Starts the issuer; every token is RS256 with kid 'k1'. */
export async function startIssuer(audience = 'gitgate'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let base = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    } else if (req.url === '/jwks') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key: CryptoKey = privateKey;
  return {
    issuer: base,
    audience,
    async mint(sub, groups, opts = {}) {
      const jwt = new SignJWT({ groups }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject(sub)
        .setIssuer(opts.issuer ?? base).setAudience(opts.audience ?? audience).setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '10m');
      if (opts.notBefore !== undefined) jwt.setNotBefore(opts.notBefore);
      return jwt.sign(key);
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
