/**
 * Browser end-to-end test of the approver page: a real Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) signs in to /approvals with a pasted approver's JWT (the fallback for providers
 * without a browser flow), sees who is signed in, approves a request needing two approvals (1 of 2,
 * "you already approved", then the second approver), denies another with the required comment, finds
 * both in the history tab, and the requester then reveals the secret once through the API.
 * With GITGATE_SCREENSHOTS=<dir> it also saves the screenshots docs/ shows there.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
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
  let jwt: { agent: string; approver: string; second: string };
  let token: string;
  let requestId: string;
  let xssId: string;
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
        detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 2, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
        admins: [],
      },
    });
    api = `${demo.gw.url}/api/v1`;
    jwt = { agent: await issuer.mint('agent-7', ['agents']), approver: await issuer.mint('alice', ['security']), second: await issuer.mint('bob', ['security']) };
    work = tempDir();

    await gitOk(['clone', '-q', demo.url.replace('http://', `http://agent:${jwt.agent}@`), join(work, 'clone')]);
    const found = /\[\[TOKEN_github-pat_[A-Z2-7]+\]\]/.exec(await allObjects(join(work, 'clone', '.git')));
    if (!found) throw new Error('the demo clone holds no github-pat token');
    token = found[0];
    const created = await call(`${api}/detokenize-requests`, jwt.agent, 'POST', { token, reason: 'deploy fix #42' });
    if (created.status !== 201) throw new Error(`creating the request failed: ${created.status} ${created.text}`);
    requestId = created.json().id as string;
    // The reason is the agent's text: markup in it must stay text on the page.
    const other = /\[\[TOKEN_aws-access-key-id_[A-Z2-7]+\]\]/.exec(await allObjects(join(work, 'clone', '.git')))![0];
    const xss = await call(`${api}/detokenize-requests`, jwt.agent, 'POST', { token: other, reason: '<img src=x onerror="document.title=\'pwned\'"> urgent' });
    if (xss.status !== 201) throw new Error(`creating the second request failed: ${xss.status} ${xss.text}`);
    xssId = xss.json().id as string;

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

  /** Saves a screenshot into the run's work dir, and into GITGATE_SCREENSHOTS when set (docs/). */
  async function screenshot(name: string): Promise<void> {
    const shot = join(work, name);
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString('latin1')).to.equal('PNG');
    const dir = process.env.GITGATE_SCREENSHOTS;
    if (dir) copyFileSync(shot, join(dir, name));
  }

  async function signInWith(jwtText: string): Promise<void> {
    await page.goto(`${demo.gw.url}/approvals`);
    await page.fill('#jwt', jwtText);
    await page.click('#signin-button');
  }

  it('refuses a pasted token the API does not accept, and says so', async () => {
    const other = await context!.newPage();
    try {
      await other.goto(`${demo.gw.url}/approvals`);
      await other.fill('#jwt', 'not-a-jwt');
      await other.click('#signin-button');
      await other.locator('#signin-message', { hasText: 'refused' }).waitFor({ state: 'visible', timeout: 10_000 });
      expect(await other.locator('#main').isHidden()).to.equal(true);
      expect(await other.evaluate('sessionStorage.getItem("gitgate.jwt")')).to.equal(null);
    } finally {
      await other.close();
    }
  });

  it('shows who is signed in with their groups, and the pending request with its requester, token and 0 of 2', async () => {
    await signInWith(jwt.approver);
    const row = page.locator(`tr[data-request="${requestId}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#who-text').innerText()).to.equal('Signed in as alice · groups: security · approver');
    const text = await row.innerText();
    expect(text).to.include('agent-7');
    expect(text).to.include(token);
    expect(text).to.include('deploy fix #42');
    expect(text).to.include('0 of 2');
    const html = await page.content();
    for (const s of demo.secrets) expect(html.includes(s.value.trim()), `${s.type} shown on the page`).to.equal(false);
    // The JWT moves out of the textarea into session storage once used.
    expect(await page.inputValue('#jwt')).to.equal('');
  });

  it('renders an agent\'s reason with markup as text, running none of it', async () => {
    const row = page.locator(`tr[data-request="${xssId}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await row.innerText()).to.include('<img src=x onerror=');
    expect(await row.locator('img').count()).to.equal(0);
    expect(await page.title()).to.equal('gitgate approvals');
  });

  it('shows times relative and local, with the ISO time in the title', async () => {
    const time = page.locator(`tr[data-request="${requestId}"] time`);
    const iso = await time.getAttribute('title');
    expect(iso).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await time.innerText()).to.match(/^in \d+ (min|h)$/);
  });

  it('marks the request a webhook message links to as /approvals#<id>', async () => {
    await page.goto(`${demo.gw.url}/approvals#${requestId}`);
    await page.reload();
    const row = page.locator(`tr[data-request="${requestId}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await row.getAttribute('class')).to.equal('linked');
    expect(await row.locator(`a[href="/approvals#${requestId}"]`).count()).to.equal(1);
    await screenshot('approvals-pending.png');
  });

  it('asks for confirmation, then records the first approval as 1 of 2 and offers no second approve to the same approver', async () => {
    const row = page.locator(`tr[data-request="${requestId}"]`);
    await row.locator('input').fill(comment);
    await row.locator('.approve').click();
    expect(await row.locator('.confirm-box').innerText()).to.include(`Approve the reveal of ${token} to agent-7?`);
    expect((await call(`${api}/detokenize-requests/${requestId}`, jwt.approver)).json().approvals).to.deep.equal([]);
    await row.locator('.confirm').click();
    const message = page.locator('#message', { hasText: requestId });
    await message.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await message.innerText()).to.equal(`Request ${requestId}: pending (1 of 2 approvals)`);
    const again = page.locator(`tr[data-request="${requestId}"]`);
    expect(await again.innerText()).to.include('1 of 2 by alice');
    expect(await again.innerText()).to.include('you already approved');
    expect(await again.locator('.approve').count()).to.equal(0);
    await screenshot('approvals-one-of-two.png');
  });

  it('refuses a denial without a comment on the page, and denies with one after confirmation', async () => {
    const row = page.locator(`tr[data-request="${xssId}"]`);
    await row.locator('.deny').click();
    expect(await page.locator('#message').innerText()).to.match(/denial needs a comment/);
    expect(await row.locator('.confirm-box').count()).to.equal(0);
    await row.locator('input').fill('not for a guess in a reason field');
    await row.locator('.deny').click();
    await row.locator('.confirm').click();
    await page.locator('#message', { hasText: xssId }).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#message').innerText()).to.equal(`Request ${xssId}: denied`);
    await row.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('completes the approval as the second approver, and the request leaves the pending list', async () => {
    await page.click('#signout');
    await page.locator('#signin').waitFor({ state: 'visible' });
    await signInWith(jwt.second);
    const row = page.locator(`tr[data-request="${requestId}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.locator('.approve').click();
    await row.locator('.confirm').click();
    const message = page.locator('#message', { hasText: requestId });
    await message.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await message.innerText()).to.equal(`Request ${requestId}: approved`);
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    const view = await call(`${api}/detokenize-requests/${requestId}`, jwt.approver);
    expect(view.json().status).to.equal('approved');
    expect((view.json().approvals as { approver: string; comment: string | null }[]).map((x) => [x.approver, x.comment])).to.deep.equal([['alice', comment], ['bob', null]]);
    expect(view.json().secret).to.equal(undefined);
  });

  it('lists both decided requests in the history tab with who decided and the comments', async () => {
    await page.click('#tab-history');
    const approved = page.locator(`tr[data-history-request="${requestId}"]`);
    await approved.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await approved.innerText()).to.match(/approved\s+alice, bob\s+alice: ticket SEC-123/);
    const denied = page.locator(`tr[data-history-request="${xssId}"]`);
    expect(await denied.innerText()).to.match(/denied\s+alice\s+alice: not for a guess/);
    expect(await page.locator('#pending-view').isHidden()).to.equal(true);
    await screenshot('approvals-history.png');
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
