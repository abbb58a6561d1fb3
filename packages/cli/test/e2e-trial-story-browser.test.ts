// The trial's whole story, the approver's step in Chromium: `npm start` (auth mode dev), the agent clones
// with the real git and a token from the dev issuer, `gitgate token request … --wait` waits as a child
// process, the approver signs in on /approvals through the authorization code flow with PKCE and
// approves after the confirmation, the waiting CLI prints the secret once, a second reveal is refused,
// and `gitgate audit` shows the request, the approval and the reveal.
import { expect } from 'chai';
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir, removeDirs, freePort } from '@gitgate/testkit';
import { gitgateAsync } from './bin-helpers.js';
import { devToken, makeTrialUpstream, pendingRequestId, startDemo, stopDemo } from './trial-helpers.js';

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
    const data = path.join(dir, 'data');
    const secrets = await makeTrialUpstream(data);
    const base = `http://127.0.0.1:${await freePort()}`;
    const started = startDemo(data, base.slice('http://'.length));
    demo = started.proc;
    expect(await started.printed).to.include(`${base}/approvals\n`);

    // The agent: a token from the dev issuer in a file, a clone with the real git, a token from .env.
    fs.writeFileSync(path.join(dir, 'agent.jwt'), `${await devToken(base, 'agent-1', ['agents'])}\n`);
    const agentJwt = fs.readFileSync(path.join(dir, 'agent.jwt'), 'utf8').trim();
    const clone = spawnSync('git', ['-c', `http.extraHeader=Authorization: Bearer ${agentJwt}`, 'clone', '-q', `${base}/acme/api.git`], { cwd: dir, encoding: 'utf8' });
    expect(clone.status, clone.stderr).to.equal(0);
    const envFile = fs.readFileSync(path.join(dir, 'api', '.env'), 'utf8');
    const token = /\[\[TOKEN_(aws-access-key-id)_[A-Z0-9]+\]\]/.exec(envFile)!;
    const planted = secrets.filter((s) => s.type === token[1]).map((s) => s.value);
    expect(planted).to.have.length(1);
    expect(envFile).to.not.include(planted[0]);
    const waiting = gitgateAsync(['token', 'request', token[0], '--reason', 'check the deploy key', '--wait', '--interval', '1s',
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
    expect(r.stdout.trim()).to.equal(planted[0]);
    expect(r.stderr).to.include(`request ${id}`);
    const again = await fetch(`${base}/api/v1/detokenize-requests/${id}/reveal`, { method: 'POST', headers: { Authorization: `Bearer ${agentJwt}` } });
    expect(again.status).to.equal(410);
    expect(await again.text()).to.not.include(planted[0]);

    const audit = await gitgateAsync(['audit', 'requests', '--config', path.join(data, 'gitgate.yaml'), '--json'], dir);
    expect(audit.code, audit.stderr).to.equal(0);
    const parsed = JSON.parse(audit.stdout) as unknown;
    const rows = (Array.isArray(parsed) ? parsed : (parsed as { items: unknown[] }).items) as Array<{ kind: string; actor: string }>;
    const ofRequest = rows.filter((x) => JSON.stringify(x).includes(id)).map((x) => `${x.kind} ${x.actor}`);
    expect(ofRequest).to.include.members(['detokenize-request agent-1', 'detokenize-approve alice', 'detokenize-reveal agent-1']);
    expect(audit.stdout).to.not.include(planted[0]);
    expect(pageErrors).to.deep.equal([]);
  });
});
