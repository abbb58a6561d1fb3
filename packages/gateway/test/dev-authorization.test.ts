// Auth mode dev, the browser sign-in: authorization code with PKCE (RFC 7636, S256) at /dev-idp, over real HTTP.
import { expect } from 'chai';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { tempDir, removeDirs } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { AuthorizationCodes, DEV_CLIENT_ID, s256 } from '../src/dev-authorization.js';

const form = (o: Record<string, string>): RequestInit => ({
  method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o).toString(), redirect: 'manual',
});

describe('auth mode dev: the approvals page sign-in (authorization code + PKCE)', () => {
  let dir: string;
  let gw: Gateway;
  let redirectUri: string;
  let verifier: string;
  let authorize: Record<string, string>;

  before(async () => {
    dir = tempDir('gitgate-devauthz-');
    gw = await startGateway({ port: 0, dataDir: join(dir, 'data'), auth: { mode: 'dev' }, repos: [] });
    redirectUri = `${gw.url}/approvals`;
  });
  after(async () => {
    await gw.close();
    removeDirs(dir);
  });
  beforeEach(() => {
    verifier = randomBytes(32).toString('base64url');
    authorize = {
      response_type: 'code', client_id: DEV_CLIENT_ID, redirect_uri: redirectUri, state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'), code_challenge: s256(verifier), code_challenge_method: 'S256',
    };
  });

  /** Signs `subject` in on the page's form; the code and state the redirect carries. */
  async function signIn(subject: string): Promise<{ code: string; state: string; location: URL }> {
    const res = await fetch(`${gw.url}/dev-idp/authorize`, form({ ...authorize, subject }));
    expect(res.status).to.equal(302);
    const location = new URL(res.headers.get('location')!);
    return { code: location.searchParams.get('code')!, state: location.searchParams.get('state')!, location };
  }
  const exchange = (code: string, extra: Record<string, string> = {}): Promise<Response> => fetch(`${gw.url}/dev-idp/token`, form({
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: DEV_CLIENT_ID, code_verifier: verifier, ...extra,
  }));

  it('advertises the authorization and token endpoints with S256 in its discovery document', async () => {
    const disc = await (await fetch(`${gw.url}/dev-idp/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(disc).to.include({ authorization_endpoint: `${gw.url}/dev-idp/authorize`, token_endpoint: `${gw.url}/dev-idp/token` });
    expect(disc.code_challenge_methods_supported).to.deep.equal(['S256']);
  });

  it('shows a sign-in page offering the trial users for a well-formed request, under a CSP that posts to itself only', async () => {
    const res = await fetch(`${gw.url}/dev-idp/authorize?${new URLSearchParams(authorize).toString()}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-security-policy')).to.include("form-action 'self'");
    const html = await res.text();
    for (const who of ['alice', 'bob', 'agent-1']) expect(html).to.include(`value="${who}"`);
  });

  it('refuses an authorization request without PKCE, for another redirect URI or another client', async () => {
    const { code_challenge: _c, ...noPkce } = authorize;
    for (const bad of [noPkce, { ...authorize, redirect_uri: 'http://127.0.0.1:1/approvals' }, { ...authorize, client_id: 'other' }, { ...authorize, code_challenge_method: 'plain' }]) {
      const res = await fetch(`${gw.url}/dev-idp/authorize?${new URLSearchParams(bad).toString()}`);
      expect(res.status, JSON.stringify(bad)).to.equal(400);
    }
  });

  it('sends the code back to the redirect URI with the state, and exchanges it for tokens the API accepts', async () => {
    const { code, state, location } = await signIn('alice');
    expect(`${location.origin}${location.pathname}`).to.equal(redirectUri);
    expect(state).to.equal(authorize.state);
    const res = await exchange(code);
    expect(res.status).to.equal(200);
    const body = await res.json() as { access_token: string; id_token: string; token_type: string };
    expect(body.token_type).to.equal('Bearer');
    expect(decodeJwt(body.id_token)).to.include({ sub: 'alice', aud: DEV_CLIENT_ID, nonce: authorize.nonce });
    const me = await fetch(`${gw.url}/api/v1/me`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(me.status).to.equal(200);
    expect(await me.json()).to.include({ subject: 'alice' });
  });

  it('refuses a second exchange of the same code', async () => {
    const { code } = await signIn('bob');
    expect((await exchange(code)).status).to.equal(200);
    const again = await exchange(code);
    expect(again.status).to.equal(400);
    expect(await again.json()).to.include({ error: 'invalid_grant' });
  });

  it('refuses a code with the wrong verifier, and the code is used up by that attempt', async () => {
    const { code } = await signIn('alice');
    const wrong = await exchange(code, { code_verifier: randomBytes(32).toString('base64url') });
    expect(wrong.status).to.equal(400);
    expect((await exchange(code)).status).to.equal(400);
  });

  it('refuses a code presented with another redirect URI', async () => {
    const { code } = await signIn('alice');
    expect((await exchange(code, { redirect_uri: `${gw.url}/elsewhere` })).status).to.equal(400);
  });

  it('refuses a subject that is not one of the trial users', async () => {
    const res = await fetch(`${gw.url}/dev-idp/authorize`, form({ ...authorize, subject: 'root' }));
    expect(res.status).to.equal(400);
  });

  it('lets a code expire after a minute', () => {
    let now = 1_000_000;
    const codes = new AuthorizationCodes(() => now);
    const req = { clientId: DEV_CLIENT_ID, redirectUri, state: 's', nonce: null, codeChallenge: s256(verifier) };
    const params = (code: string): URLSearchParams => new URLSearchParams({ code, client_id: DEV_CLIENT_ID, redirect_uri: redirectUri, code_verifier: verifier });
    const fresh = codes.issue(req, { subject: 'alice', groups: ['security'] });
    expect(codes.redeem(params(fresh))).to.deep.include({ clientId: DEV_CLIENT_ID });
    const stale = codes.issue(req, { subject: 'alice', groups: ['security'] });
    now += 60_000;
    expect(codes.redeem(params(stale))).to.be.a('string');
  });
});
