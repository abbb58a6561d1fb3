// The approvals page's routes: its assets, the sign-in configuration it reads, and a CSP that lets the
// script reach this gateway and the configured provider's origin, nothing else.
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/index.js';
import type { ApprovalsSignIn } from '../src/api/approvals-page.js';

describe('approvals page routes', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  async function serve(signIn?: ApprovalsSignIn): Promise<string> {
    const app = createApp({ repos: new Map(), approvalsSignIn: signIn ? () => signIn : undefined });
    server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('allows fetches to this gateway only when no provider is configured, and says so in config.json', async () => {
    const base = await serve();
    const res = await fetch(`${base}/approvals`);
    expect(res.headers.get('content-security-policy')).to.include("connect-src 'self';");
    expect(await (await fetch(`${base}/approvals/config.json`)).json()).to.deep.equal({});
  });

  it('adds the issuer\'s origin, and nothing else, to connect-src when the page signs in with a provider', async () => {
    const base = await serve({ issuer: 'https://login.example.com/realms/acme', clientId: 'gitgate-approvals' });
    for (const path of ['/approvals', '/approvals/app.js', '/approvals/app.css', '/approvals/config.json']) {
      const csp = (await fetch(`${base}${path}`)).headers.get('content-security-policy')!;
      expect(csp, path).to.include("connect-src 'self' https://login.example.com;");
      expect(csp, path).to.include("script-src 'self';");
      expect(csp, path).to.include("style-src 'self';");
    }
    expect(await (await fetch(`${base}/approvals/config.json`)).json()).to.deep.equal({ issuer: 'https://login.example.com/realms/acme', clientId: 'gitgate-approvals' });
  });

  it('serves the script and the style with their content types and no inline script in the page', async () => {
    const base = await serve();
    const js = await fetch(`${base}/approvals/app.js`);
    expect(js.headers.get('content-type')).to.match(/^application\/javascript/);
    expect(await js.text()).to.include('code_challenge_method');
    expect((await fetch(`${base}/approvals/app.css`)).headers.get('content-type')).to.match(/^text\/css/);
    const html = await (await fetch(`${base}/approvals`)).text();
    expect(html).to.match(/<script src="\/approvals\/app\.js"><\/script>/);
    expect(html).to.not.match(/<script>|<style>|\son\w+=/);
  });
});
