// The trial's whole story, the approver's step in Chromium: `npm start` (auth mode dev), the agent clones
// with the real git and a token from the dev issuer, `gitgate token request … --wait` waits as a child
// process, the approver signs in on /approvals through the authorization code flow with PKCE and
// approves after the confirmation, the waiting CLI prints the secret once, a second reveal is refused,
// and `gitgate audit` shows the request, the approval and the reveal.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir, removeDirs } from '@gitgate/testkit';
import { gitgateAsync } from './bin-helpers.js';
import { cloneAsAgent, pendingRequestId, startTrial, stopDemo } from './trial-helpers.js';

const CHROMIUM = '/usr/bin/chromium';

describe('the trial in a browser: clone, request --wait, sign in and approve on the page, reveal once, audit', function () {
  this.timeout(120_000);
  let dir: string;
  let demo: ChildProcess | undefined;
  let context: BrowserContext | undefined;

  before(function () { if (!fs.existsSync(CHROMIUM)) this.skip(); });
  beforeEach(() => { dir = tempDir('gitgate-story-'); });
  afterEach(async () => {
    await context?.close();
    await stopDemo(demo);
    removeDirs(dir);
  });

  it('gives the waiting agent the secret once after an approval made in the page', async () => {
    const trial = await startTrial(dir);
    const { data, base } = trial;
    demo = trial.proc;
    expect(await trial.printed).to.include(`${base}/approvals\n`);
    // The agent: a token from the dev issuer in a file, a clone with the real git, a token from .env.
    const { agentJwt, token, planted } = await cloneAsAgent(dir, trial);
    const waiting = gitgateAsync(['token', 'request', token, '--reason', 'check the deploy key', '--wait', '--interval', '1s',
      '--token-file', path.join(dir, 'agent.jwt'), '--gateway', base], dir);
    const id = await pendingRequestId(base, agentJwt, true);

    // The approver: the page's sign-in goes to the dev issuer, alice picks herself, the code comes back.
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(`${base}/approvals#${id}`);
    await page.click('#signin-provider');
    await page.waitForURL(/\/dev-idp\/authorize\?/);
    await page.click('button[value="alice"]');
    const row = page.locator(`tr[data-request="${id}"]`);
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    expect(page.url(), 'the code and state are dropped, the request link kept').to.equal(`${base}/approvals#${id}`);
    expect(await page.locator('#who-text').innerText()).to.equal('Signed in as alice · groups: security · approver');
    expect(await row.getAttribute('class')).to.equal('linked');
    await row.locator('.approve').click();
    await row.locator('.confirm').click();
    await page.locator('#message', { hasText: `Request ${id}: approved` }).waitFor({ state: 'visible', timeout: 10_000 });

    const r = await waiting;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(planted);
    expect(r.stderr).to.include(`request ${id}`);
    const again = await fetch(`${base}/api/v1/detokenize-requests/${id}/reveal`, { method: 'POST', headers: { Authorization: `Bearer ${agentJwt}` } });
    expect(again.status).to.equal(410);
    expect(await again.text()).to.not.include(planted);

    const audit = await gitgateAsync(['audit', 'requests', '--config', path.join(data, 'gitgate.yaml'), '--json'], dir);
    expect(audit.code, audit.stderr).to.equal(0);
    const parsed = JSON.parse(audit.stdout) as unknown;
    const rows = (Array.isArray(parsed) ? parsed : (parsed as { items: unknown[] }).items) as Array<{ kind: string; actor: string }>;
    const ofRequest = rows.filter((x) => JSON.stringify(x).includes(id)).map((x) => `${x.kind} ${x.actor}`);
    expect(ofRequest).to.include.members(['detokenize-request agent-1', 'detokenize-approve alice', 'detokenize-reveal agent-1']);
    expect(audit.stdout).to.not.include(planted);
    expect(pageErrors).to.deep.equal([]);
  });
});
