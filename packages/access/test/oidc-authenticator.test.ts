import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT, UnsecuredJWT, exportSPKI } from 'jose';
import { AccessError, OidcAuthenticator, type OidcOptions } from '../src/index.js';
import { rejection } from './helpers.js';
import { TestIssuer, makeKey } from './oidc-issuer.js';

describe('OidcAuthenticator', () => {
  let issuer: TestIssuer;
  let auth: OidcAuthenticator;

  const make = (extra: Partial<OidcOptions> = {}): OidcAuthenticator =>
    new OidcAuthenticator({ issuer: issuer.issuer, audience: issuer.audience, ...extra });

  /** Expects a 401 with `reason`, and that nothing of the token shows in the error. */
  async function refused(header: string | undefined, reason: string, a = auth): Promise<void> {
    const err = await rejection(a.authenticate(header));
    expect(err).to.be.instanceOf(AccessError);
    const e = err as AccessError;
    expect(e.code).to.equal('GITGATE_UNAUTHENTICATED');
    expect(e.status).to.equal(401);
    expect(e.data?.['reason']).to.equal(reason);
    if (header) {
      const jwt = header.replace(/^Bearer /, '');
      const [, payload, signature] = jwt.split('.');
      const shown = `${e.message} ${JSON.stringify(e.data)} ${String(e.cause ?? '')}`;
      expect(shown).not.to.include(jwt);
      if (payload) expect(shown).not.to.include(payload);
      if (signature) expect(shown).not.to.include(signature);
    }
  }

  before(async () => {
    issuer = await TestIssuer.start();
  });
  after(async () => {
    await issuer.close();
  });
  beforeEach(() => {
    auth = make();
  });

  describe('accepting', () => {
    it('verifies a Bearer token with keys found through discovery', async () => {
      const id = await auth.authenticate(`Bearer ${await issuer.mint()}`);
      expect(id.subject).to.equal('alice');
      expect(id.groups).to.deep.equal(['dev']);
      expect(id.issuer).to.equal(issuer.issuer);
      expect(id.expiresAt).to.be.instanceOf(Date);
      expect(id.expiresAt!.getTime()).to.be.greaterThan(Date.now());
    });

    it('verifies a token sent as the password of Basic auth, whatever the username', async () => {
      const jwt = await issuer.mint({ claims: { sub: 'bob' } });
      const id = await auth.authenticate(`Basic ${Buffer.from(`git:${jwt}`).toString('base64')}`);
      expect(id.subject).to.equal('bob');
    });

    it('uses the configured jwksUri without fetching the discovery document', async () => {
      const before = issuer.hits.get('/.well-known/openid-configuration') ?? 0;
      const a = make({ jwksUri: issuer.jwksUri });
      await a.authenticate(`Bearer ${await issuer.mint()}`);
      expect(issuer.hits.get('/.well-known/openid-configuration') ?? 0).to.equal(before);
    });

    it('accepts a token that expired within the clock tolerance', async () => {
      const id = await auth.authenticate(`Bearer ${await issuer.mint({ expiresInSec: -10 })}`);
      expect(id.subject).to.equal('alice');
    });

    it('accepts one of several configured audiences', async () => {
      const a = make({ audience: ['other', issuer.audience] });
      expect((await a.authenticate(`Bearer ${await issuer.mint()}`)).subject).to.equal('alice');
    });

    it('picks up a rotated key once the issuer publishes its new kid', async () => {
      const a = make({ jwksCooldownMs: 0 });
      await a.authenticate(`Bearer ${await issuer.mint()}`);
      const fetched = issuer.hits.get('/jwks') ?? 0;
      const next = await makeKey(`k-${Date.now()}`);
      issuer.publish(next);
      const id = await a.authenticate(`Bearer ${await issuer.mint({ key: next })}`);
      expect(id.subject).to.equal('alice');
      expect(issuer.hits.get('/jwks')).to.equal(fetched + 1);
    });

    it('accepts EdDSA and ES256 signatures by default', async () => {
      const ed = await makeKey('ed-1', 'EdDSA');
      const ec = await makeKey('ec-1', 'ES256');
      issuer.publish(ed);
      issuer.publish(ec);
      const a = make({ jwksCooldownMs: 0 });
      expect((await a.authenticate(`Bearer ${await issuer.mint({ key: ed })}`)).subject).to.equal('alice');
      expect((await a.authenticate(`Bearer ${await issuer.mint({ key: ec })}`)).subject).to.equal('alice');
    });
  });

  describe('groups', () => {
    it('reads an array of strings, dropping duplicates and non-strings', async () => {
      const id = await auth.authenticate(`Bearer ${await issuer.mint({ claims: { groups: ['dev', 7, 'ops', 'dev', ''] } })}`);
      expect(id.groups).to.deep.equal(['dev', 'ops']);
    });

    it('splits a space-separated string', async () => {
      const id = await auth.authenticate(`Bearer ${await issuer.mint({ claims: { groups: ' dev  ops ' } })}`);
      expect(id.groups).to.deep.equal(['dev', 'ops']);
    });

    it('gives no groups when the claim is missing', async () => {
      const id = await auth.authenticate(`Bearer ${await issuer.mint({ claims: { groups: undefined } })}`);
      expect(id.groups).to.deep.equal([]);
    });

    it('gives no groups when the claim is neither an array nor a string', async () => {
      const id = await auth.authenticate(`Bearer ${await issuer.mint({ claims: { groups: { dev: true } } })}`);
      expect(id.groups).to.deep.equal([]);
    });

    it('reads a configured claim name, including a namespaced one with dots', async () => {
      const a = make({ groupsClaim: 'https://gitgate.example/groups' });
      const id = await a.authenticate(`Bearer ${await issuer.mint({ claims: { 'https://gitgate.example/groups': ['sec'] } })}`);
      expect(id.groups).to.deep.equal(['sec']);
    });

    it('reads a dotted path into a nested claim', async () => {
      const a = make({ groupsClaim: 'realm_access.roles' });
      const id = await a.authenticate(`Bearer ${await issuer.mint({ claims: { realm_access: { roles: ['admin'] } } })}`);
      expect(id.groups).to.deep.equal(['admin']);
    });
  });

  describe('refusing', () => {
    it('refuses a request without a credential', async () => {
      await refused(undefined, 'missing-credential');
      await refused('', 'missing-credential');
    });

    it('refuses a malformed credential', async () => {
      await refused('Bearer not-a-jwt', 'malformed');
      await refused('Bearer e30.e30.e30', 'malformed');
      await refused('Token abc', 'malformed');
    });

    it('refuses an expired token', async () => {
      await refused(`Bearer ${await issuer.mint({ expiresInSec: -120 })}`, 'expired');
    });

    it('refuses a token whose nbf is in the future', async () => {
      const nbf = Math.floor(Date.now() / 1000) + 120;
      await refused(`Bearer ${await issuer.mint({ claims: { nbf }, expiresInSec: 600 })}`, 'not-yet-valid');
    });

    it('refuses a token issued in the future', async () => {
      const iat = Math.floor(Date.now() / 1000) + 120;
      await refused(`Bearer ${await issuer.mint({ claims: { iat }, expiresInSec: 600 })}`, 'not-yet-valid');
    });

    it('refuses a token of another issuer', async () => {
      await refused(`Bearer ${await issuer.mint({ claims: { iss: 'https://evil.example' } })}`, 'wrong-issuer');
    });

    it('refuses a token for another audience', async () => {
      await refused(`Bearer ${await issuer.mint({ claims: { aud: 'someone-else' } })}`, 'wrong-audience');
    });

    it('refuses an unsigned token (alg none)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new UnsecuredJWT({ sub: 'alice', groups: ['admin'] }).setIssuer(issuer.issuer).setAudience(issuer.audience).setIssuedAt(now).setExpirationTime(now + 300).encode();
      await refused(`Bearer ${jwt}`, 'alg-none');
    });

    it('refuses a token signed by a key with an unpublished kid', async () => {
      const stranger = await makeKey('not-published');
      await refused(`Bearer ${await issuer.mint({ key: stranger })}`, 'unknown-kid');
    });

    it('refuses a token signed by another key under a published kid', async () => {
      const stranger = await makeKey('k1');
      await refused(`Bearer ${await issuer.mint({ key: stranger, kid: 'k1' })}`, 'bad-signature');
    });

    it('refuses an HS256 token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({ iss: issuer.issuer, aud: issuer.audience, sub: 'alice', iat: now, exp: now + 300 })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .sign(createHash('sha256').update('shared').digest());
      await refused(`Bearer ${jwt}`, 'alg-not-allowed');
    });

    it('refuses an HS256 token keyed with the published public key bytes', async () => {
      const pem = await exportSPKI(issuer.currentKey.publicKey);
      const now = Math.floor(Date.now() / 1000);
      for (const keyBytes of [Buffer.from(pem), Buffer.from(JSON.stringify(issuer.currentKey.jwk))]) {
        const jwt = await new SignJWT({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory', groups: ['admin'], iat: now, exp: now + 300 })
          .setProtectedHeader({ alg: 'HS256', kid: issuer.currentKey.kid })
          .sign(keyBytes);
        await refused(`Bearer ${jwt}`, 'alg-not-allowed');
      }
    });

    it('refuses an algorithm that is asymmetric but not allowed', async () => {
      const a = make({ allowedAlgs: ['ES256'] });
      await refused(`Bearer ${await issuer.mint()}`, 'alg-not-allowed', a);
    });

    it('refuses a token without a subject', async () => {
      await refused(`Bearer ${await issuer.mint({ claims: { sub: undefined } })}`, 'missing-subject');
    });

    it('refuses a token with an empty subject', async () => {
      await refused(`Bearer ${await issuer.mint({ claims: { sub: '' } })}`, 'missing-subject');
    });

    it('refuses a token without an expiry', async () => {
      await refused(`Bearer ${await issuer.mint({ claims: { exp: undefined } })}`, 'missing-expiry');
    });

    it('judges expiry by the injected clock', async () => {
      const a = make({ clock: () => new Date(Date.now() + 3600_000) });
      await refused(`Bearer ${await issuer.mint()}`, 'expired', a);
    });
  });

  describe('identity provider failures', () => {
    it('reports an unreachable issuer as 503, not as a bad token', async () => {
      const a = make({ fetch: (async () => { throw new TypeError('fetch failed'); }) as typeof fetch });
      const err = await rejection(a.authenticate(`Bearer ${await issuer.mint()}`)) as AccessError;
      expect(err.code).to.equal('GITGATE_OIDC_UNAVAILABLE');
      expect(err.status).to.equal(503);
    });

    it('retries discovery on the next call after a failure', async () => {
      let calls = 0;
      const flaky = (async (input: string | URL | Request, init?: RequestInit) => {
        calls += 1;
        if (calls === 1) throw new TypeError('fetch failed');
        return fetch(input, init);
      }) as typeof fetch;
      const a = make({ fetch: flaky });
      const jwt = await issuer.mint();
      await rejection(a.authenticate(`Bearer ${jwt}`));
      expect((await a.authenticate(`Bearer ${jwt}`)).subject).to.equal('alice');
    });

    it('rejects a discovery document that names another issuer', async () => {
      const lying = (async () => new Response(JSON.stringify({ issuer: 'https://evil.example', jwks_uri: issuer.jwksUri }), { status: 200 })) as typeof fetch;
      const err = await rejection(make({ fetch: lying }).authenticate(`Bearer ${await issuer.mint()}`)) as AccessError;
      expect(err.code).to.equal('GITGATE_OIDC_UNAVAILABLE');
    });
  });

  describe('options', () => {
    it('refuses to allow a symmetric algorithm or none', () => {
      expect(() => make({ allowedAlgs: ['RS256', 'HS256'] })).to.throw(TypeError);
      expect(() => make({ allowedAlgs: ['none'] })).to.throw(TypeError);
    });

    it('refuses a missing issuer or audience', () => {
      expect(() => new OidcAuthenticator({ issuer: '', audience: 'a' })).to.throw(TypeError);
      expect(() => new OidcAuthenticator({ issuer: issuer.issuer, audience: [] })).to.throw(TypeError);
    });
  });
});
