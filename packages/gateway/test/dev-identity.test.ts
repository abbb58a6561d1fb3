// Auth mode dev: the trial's identity provider under /dev-idp, loopback only, and absent in the other modes.
import { expect } from 'chai';
import { join } from 'node:path';
import { tempDir, removeDirs, startIssuer } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';

const mint = (url: string, body: unknown): Promise<Response> =>
  fetch(`${url}/dev-idp/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('auth mode dev (the development identity provider)', () => {
  let dir: string;
  let gw: Gateway | undefined;
  beforeEach(() => { dir = tempDir('gitgate-devidp-'); });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    removeDirs(dir);
  });

  it('serves discovery and keys, mints tokens the gateway then accepts, and refuses a token it did not sign', async () => {
    gw = await startGateway({ port: 0, dataDir: join(dir, 'data'), auth: { mode: 'dev' }, repos: [] });
    const disc = await (await fetch(`${gw.url}/dev-idp/.well-known/openid-configuration`)).json() as { issuer: string; jwks_uri: string };
    expect(disc.issuer).to.equal(`${gw.url}/dev-idp`);
    const jwks = await (await fetch(disc.jwks_uri)).json() as { keys: Array<{ kty: string; d?: string }> };
    expect(jwks.keys).to.have.length(1);
    expect(jwks.keys[0]!.kty).to.equal('RSA');
    expect(jwks.keys[0]!.d, 'no private part').to.equal(undefined);
    const res = await mint(gw.url, { subject: 'agent-1', groups: ['agents'] });
    expect(res.status).to.equal(200);
    const { token, expiresIn } = await res.json() as { token: string; expiresIn: number };
    expect(expiresIn).to.equal(3600);
    const mine = await fetch(`${gw.url}/api/v1/detokenize-requests?mine=1`, { headers: { Authorization: `Bearer ${token}` } });
    expect(mine.status).to.equal(200);
    const other = await startIssuer('gitgate');
    try {
      const forged = await other.mint('agent-1', ['agents'], { issuer: `${gw.url}/dev-idp` });
      const refused = await fetch(`${gw.url}/api/v1/detokenize-requests?mine=1`, { headers: { Authorization: `Bearer ${forged}` } });
      expect(refused.status).to.equal(401);
    } finally {
      await other.close();
    }
    expect((await mint(gw.url, { subject: 'a b', groups: [] })).status).to.equal(400);
    expect((await mint(gw.url, { subject: 'x', groups: 'agents' })).status).to.equal(400);
  });

  it('refuses to start on a non-loopback host, or with TLS', async () => {
    const err = await startGateway({ host: '0.0.0.0', port: 0, dataDir: join(dir, 'data'), auth: { mode: 'dev' }, repos: [] }).then(() => undefined, (e: unknown) => e);
    expect(String((err as Error | undefined)?.message)).to.match(/auth mode "dev" only listens on loopback/);
    const tls = await startGateway({ port: 0, dataDir: join(dir, 'data'), auth: { mode: 'dev' }, repos: [], tls: { cert: 'x', key: 'x' } }).then(() => undefined, (e: unknown) => e);
    expect(String((tls as Error | undefined)?.message)).to.match(/plain HTTP/);
  });

  for (const mode of ['none', 'oidc'] as const) {
    it(`has no /dev-idp in auth mode ${mode}`, async () => {
      const issuer = mode === 'oidc' ? await startIssuer('gitgate') : undefined;
      try {
        const auth = issuer ? { mode: 'oidc' as const, issuer: issuer.issuer, audience: 'gitgate' } : { mode: 'none' as const };
        gw = await startGateway({ port: 0, dataDir: join(dir, 'data'), auth, repos: [] });
        expect((await mint(gw.url, { subject: 'agent-1', groups: ['agents'] })).status).to.equal(404);
        expect((await fetch(`${gw.url}/dev-idp/.well-known/openid-configuration`)).status).to.equal(404);
      } finally {
        await gw?.close();
        gw = undefined;
        await issuer?.close();
      }
    });
  }
});
