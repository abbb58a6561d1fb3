/**
 * Browser end-to-end test of held pushes on the approver page: a real Chromium (Debian's /usr/bin/chromium
 * driven by playwright-core) signs in to /approvals as an approver, sees the agent's held push beside the
 * detokenize requests (repo, ref, pusher, the pushed commit id, commits, tokens restored; never a value),
 * approves it, and the branch is upstream.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startIssuer, type TestIssuer } from '@gitgate/testkit';
import { startDemoGateway, git, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';
import { HELD_PUSH_POLICY, pushHeld } from './helpers/held-push.js';

const CHROMIUM = '/usr/bin/chromium';
const policy = HELD_PUSH_POLICY;

describe('e2e: held pushes on the approver page in a browser', function () {
  this.timeout(90_000);
  let issuer: TestIssuer;
  let demo: DemoGateway;
  let work: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let requestId: string;
  let pushed: string;
  const pageErrors: string[] = [];

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    issuer = await startIssuer('gitgate');
    demo = await startDemoGateway({ auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' }, policy });
    demo.gw.reload({ repos: [{ name: 'acme/api', upstream: { url: demo.upstream }, push: { branches: ['agent/*'], requireApproval: true } }], policy });
    const agent = await issuer.mint('agent-7', ['agents']);
    work = tempDir();
    ({ pushed, requestId } = await pushHeld(demo.url, agent, join(work, 'clone'), 'x'));

    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 720 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
    await page.goto(`${demo.gw.url}/approvals`);
    await page.fill('#jwt', await issuer.mint('alice', ['security']));
    await page.click('#signin-button');
  });

  after(async () => {
    await context?.close();
    await demo?.stop();
    await issuer?.close();
    if (work) cleanup(work);
  });

  it('shows the held push with its repository, ref, pushed commit id, pusher and tokens restored, and no value', async () => {
    const row = page.locator(`tr[data-push-request="${requestId}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await row.innerText();
    for (const part of ['agent-7', 'acme/api', 'refs/heads/agent/x', pushed]) expect(text).to.include(part);
    expect(text).to.match(/\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]+\]\]/);
    const html = await page.content();
    for (const s of demo.secrets) expect(html.includes(s.value.trim()), `${s.type} shown on the page`).to.equal(false);
  });

  it('approves the held push from the page, which sends it upstream and says released', async () => {
    const row = page.locator(`tr[data-push-request="${requestId}"]`);
    await row.locator('.approve').click();
    await row.locator('.confirm').click();
    const message = page.locator('#message', { hasText: requestId });
    await message.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await message.innerText()).to.equal(`Push request ${requestId}: released`);
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await git(['--git-dir', demo.upstream, 'rev-parse', '-q', '--verify', 'refs/heads/agent/x'])).code).to.equal(0);
  });

  it('ran the page without script errors or CSP violations', () => {
    expect(pageErrors).to.deep.equal([]);
  });
});
