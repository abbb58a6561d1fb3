/**
 * The trial's approver step in a real Chromium: auth mode dev, a sign-in link /approvals#signin=<JWT>
 * minted by the dev identity provider; the page keeps the JWT in session storage, drops the fragment
 * from the address, and approves; the agent then reveals the secret once.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDemoGateway, gitOk, allObjects, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';

const CHROMIUM = '/usr/bin/chromium';

async function devToken(base: string, subject: string, groups: string[]): Promise<string> {
  const r = await fetch(`${base}/dev-idp/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ subject, groups }) });
  return ((await r.json()) as { token: string }).token;
}

async function post(url: string, jwt: string, body: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined };
}

describe('e2e: the trial sign-in link to the approvals page (auth mode dev, browser)', function () {
  this.timeout(60_000);
  let demo: DemoGateway | undefined;
  let context: BrowserContext | undefined;
  let work: string | undefined;

  before(function () { if (!existsSync(CHROMIUM)) this.skip(); });
  after(async () => {
    await context?.close();
    await demo?.stop();
    if (work) cleanup(work);
  });

  /** The dev-mode gateway of this suite, started once. */
  async function gateway(): Promise<DemoGateway> {
    demo ??= await startDemoGateway({
      auth: { mode: 'dev' },
      policy: {
        repos: [{ name: 'acme/api', readers: ['agents'] }],
        detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
        admins: [],
      },
    });
    return demo;
  }

  async function browserPage(): Promise<Page> {
    work ??= tempDir();
    context ??= await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return context.pages()[0] ?? await context.newPage();
  }

  it('signs the approver in from #signin=, forgets the fragment, approves, and the agent reveals once', async () => {
    const trial = await gateway();
    const base = trial.gw.url;
    const agent = await devToken(base, 'agent-1', ['agents']);
    const approver = await devToken(base, 'alice', ['security']);
    work ??= tempDir();
    await gitOk(['-c', `http.extraHeader=Authorization: Bearer ${agent}`, 'clone', '-q', trial.url, join(work, 'clone')]);
    const token = /\[\[TOKEN_github-pat_[A-Z2-7]+\]\]/.exec(await allObjects(join(work, 'clone', '.git')))?.[0];
    expect(token, 'a github-pat token in the clone').to.be.a('string');
    const created = await post(`${base}/api/v1/detokenize-requests`, agent, { token, reason: 'trial' });
    expect(created.status).to.equal(201);
    const id = created.json.id as string;

    const page = await browserPage();
    await page.goto(`${base}/approvals#signin=${approver}`);
    const row = page.locator(`tr[data-request="${id}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    expect(new URL(page.url()).hash).to.equal('');
    expect(await page.evaluate('sessionStorage.getItem("gitgate.jwt")')).to.equal(approver);
    await row.locator('.approve').click();
    await row.locator('.confirm').click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });

    const revealed = await post(`${base}/api/v1/detokenize-requests/${id}/reveal`, agent, {});
    expect(revealed.status).to.equal(200);
    expect(trial.secrets.map((s) => s.value)).to.include(revealed.json.secret);
    expect((await post(`${base}/api/v1/detokenize-requests/${id}/reveal`, agent, {})).status).to.be.within(400, 499);
  });

  it('refuses a sign-in answer whose state it did not issue, and drops the code from the address', async () => {
    const base = (await gateway()).gw.url;
    const page = await browserPage();
    await page.goto(`${base}/approvals?code=stolen-code&state=not-mine`);
    await page.locator('#signin-message', { hasText: 'state mismatch' }).waitFor({ state: 'visible', timeout: 10_000 });
    expect(new URL(page.url()).search).to.equal('');
    expect(await page.locator('#main').isHidden()).to.equal(true);
    expect(await page.evaluate('sessionStorage.getItem("gitgate.jwt")')).to.equal(null);
  });
});
