/**
 * Browser end-to-end test of the approver page: a real Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) signs in to /approvals with an approver's JWT, approves a pending detokenize request,
 * and the requester then reveals the secret once through the API.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDemoGateway, gitOk, allObjects, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';
import { startIssuer, type TestIssuer } from '@gitgate/testkit';

const CHROMIUM = '/usr/bin/chromium';

interface JsonResult { status: number; text: string; json: () => any }

async function call(url: string, jwt: string, method = 'GET', body?: unknown): Promise<JsonResult> {
  const r = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${jwt}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, text, json: () => JSON.parse(text) };
}

describe('e2e: approver page in a browser (approvals)', function () {
  // Chromium start-up dominates; the whole suite runs in a few seconds on 2 cores.
  this.timeout(60_000);
  let issuer: TestIssuer;
  let demo: DemoGateway;
  let work: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let api: string;
  let jwt: { agent: string; approver: string };
  let token: string;
  let requestId: string;
  let cspHeader: string | undefined;
  const pageErrors: string[] = [];
  const comment = 'ticket SEC-123, rotating after deploy';

  before(async function () {
    // A machine without Debian's chromium cannot run this suite; .ci/run installs it.
    if (!existsSync(CHROMIUM)) this.skip();
    issuer = await startIssuer('gitgate');
    demo = await startDemoGateway({
      auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate', groupsClaim: 'groups' },
      policy: {
        repos: [{ name: 'acme/api', readers: ['agents'] }],
        detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
        admins: [],
      },
    });
    api = `${demo.gw.url}/api/v1`;
    jwt = { agent: await issuer.mint('agent-7', ['agents']), approver: await issuer.mint('alice', ['security']) };
    work = tempDir();

    await gitOk(['clone', '-q', demo.url.replace('http://', `http://agent:${jwt.agent}@`), join(work, 'clone')]);
    const found = /\[\[TOKEN_github-pat_[A-Z2-7]+\]\]/.exec(await allObjects(join(work, 'clone', '.git')));
    if (!found) throw new Error('the demo clone holds no github-pat token');
    token = found[0];
    const created = await call(`${api}/detokenize-requests`, jwt.agent, 'POST', { token, reason: 'deploy fix #42' });
    if (created.status !== 201) throw new Error(`creating the request failed: ${created.status} ${created.text}`);
    requestId = created.json().id as string;

    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 720 },
    });
    page = context.pages()[0] ?? await context.newPage();
    // A CSP violation or a script error would otherwise pass silently while the page stays blank.
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    const response = await page.goto(`${demo.gw.url}/approvals`);
    cspHeader = response?.headers()['content-security-policy'];
  });

  after(async () => {
    await context?.close();
    await demo?.stop();
    await issuer?.close();
    if (work) cleanup(work);
  });

  it('serves the page with a strict Content-Security-Policy header', () => {
    expect(cspHeader).to.be.a('string');
    expect(cspHeader).to.include("default-src 'none'");
    expect(cspHeader).to.include("script-src 'self'");
    expect(cspHeader).to.include("frame-ancestors 'none'");
  });

  it('shows the pending request with its requester and token, and not the secret, after signing in', async () => {
    await page.fill('#jwt', jwt.approver);
    await page.click('#signin-button');
    const row = page.locator(`tr[data-request="${requestId}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await row.innerText();
    expect(text).to.include('agent-7');
    expect(text).to.include(token);
    expect(text).to.include('deploy fix #42');
    const html = await page.content();
    for (const s of demo.secrets) expect(html.includes(s.value.trim()), `${s.type} shown on the page`).to.equal(false);
    // The JWT moves out of the textarea into session storage once used.
    expect(await page.inputValue('#jwt')).to.equal('');
  });

  it('marks the request a webhook message links to as /approvals#<id>', async () => {
    await page.goto(`${demo.gw.url}/approvals#${requestId}`);
    await page.reload();
    const row = page.locator(`tr[data-request="${requestId}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await row.getAttribute('class')).to.equal('linked');
  });

  it('approves the request from the page with a comment and says so in the status message', async () => {
    const row = page.locator(`tr[data-request="${requestId}"]`);
    await row.locator('input').fill(comment);
    await row.locator('.approve').click();
    const message = page.locator('#message', { hasText: requestId });
    await message.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await message.innerText()).to.match(/approved/);
    expect(await message.getAttribute('class')).to.not.include('err');
    await row.waitFor({ state: 'detached', timeout: 10_000 });

    const shot = join(work, 'approvals.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString('latin1')).to.equal('PNG');

    const view = await call(`${api}/detokenize-requests/${requestId}`, jwt.approver);
    expect(view.status, view.text).to.equal(200);
    expect(view.json().status).to.equal('approved');
    const approvals = view.json().approvals as { approver: string; comment: string | null }[];
    expect(approvals.map((x) => [x.approver, x.comment])).to.deep.equal([['alice', comment]]);
    expect(view.json().secret).to.equal(undefined);
  });

  it('lets the requester reveal the planted secret once, then answers 410', async () => {
    const reveal = await call(`${api}/detokenize-requests/${requestId}/reveal`, jwt.agent, 'POST');
    expect(reveal.status, reveal.text).to.equal(200);
    const planted = demo.secrets.map((s) => s.value.trim());
    expect(planted).to.include(reveal.json().secret);
    expect(demo.gw.vault.tokenFor('github-pat', Buffer.from(reveal.json().secret as string))).to.equal(token);
    const again = await call(`${api}/detokenize-requests/${requestId}/reveal`, jwt.agent, 'POST');
    expect(again.status).to.equal(410);
  });

  it('ran the page without script errors or CSP violations', () => {
    expect(pageErrors).to.deep.equal([]);
  });
});
