// The trial's whole story with the real binaries: `npm start` (scripts/start-demo.mjs) in auth mode
// dev, tokens from its identity provider, a clone with the real git client, `gitgate token request
// --wait`, an approval through the API, the secret once, and the audit's records.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, removeDirs } from '@gitgate/testkit';
import { gitgateAsync } from './bin-helpers.js';
import { cloneAsAgent, pendingRequestId, startTrial, stopDemo } from './trial-helpers.js';

describe('the trial: npm start in auth mode dev, the whole story', () => {
  let dir: string;
  let demo: ChildProcess | undefined;
  beforeEach(() => { dir = tempDir('gitgate-trial-'); });
  afterEach(async () => {
    await stopDemo(demo);
    demo = undefined;
    removeDirs(dir);
  });

  it('clones as the agent, reveals once after an approval, and audits it', async () => {
    const trial = await startTrial(dir);
    const { data, base } = trial;
    demo = trial.proc;
    const printed = await trial.printed;
    expect(fs.readFileSync(path.join(data, 'gitgate.yaml'), 'utf8')).to.match(/auth: \{ mode: dev \}/);
    const approver = /\/approvals#signin=([\w.-]+)/.exec(printed)?.[1];
    expect(approver, printed).to.be.a('string');

    const { agentJwt, token, planted } = await cloneAsAgent(dir, trial);
    const reveal = gitgateAsync(['token', 'request', token, '--reason', 'check the deploy key', '--wait', '--interval', '1s',
      '--token-file', path.join(dir, 'agent.jwt'), '--gateway', base], dir);
    const auth = { Authorization: `Bearer ${approver!}`, 'Content-Type': 'application/json' };
    const id = await pendingRequestId(base, approver!);
    const approved = await fetch(`${base}/api/v1/detokenize-requests/${id}/approve`, { method: 'POST', headers: auth, body: '{}' });
    expect(approved.status).to.equal(200);
    const r = await reveal;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(planted);

    const again = await fetch(`${base}/api/v1/detokenize-requests/${id}/reveal`, { method: 'POST', headers: { Authorization: `Bearer ${agentJwt}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(again.status).to.be.within(400, 499);
    expect(await again.text()).to.not.include(r.stdout.trim());

    const audit = await gitgateAsync(['audit', 'requests', '--config', path.join(data, 'gitgate.yaml'), '--json'], dir);
    expect(audit.code, audit.stderr).to.equal(0);
    const parsed = JSON.parse(audit.stdout) as unknown;
    const kinds = (Array.isArray(parsed) ? parsed : (parsed as { items: unknown[] }).items) as Array<{ kind: string }>;
    const ofRequest = kinds.filter((k) => JSON.stringify(k).includes(id)).map((k) => k.kind);
    expect(ofRequest).to.include.members(['detokenize-request', 'detokenize-approve', 'detokenize-reveal']);
    expect(audit.stdout).to.not.include(r.stdout.trim());
  });

  it('refuses auth mode dev on a non-loopback listen at config check', async () => {
    const file = path.join(dir, 'gitgate.yaml');
    fs.writeFileSync(file, 'listen: 0.0.0.0:8080\ndataDir: ./data\nauth: { mode: dev }\nrepos:\n  - name: acme/api\n    upstream: ./up.git\n    readers: [agents]\n');
    fs.mkdirSync(path.join(dir, 'up.git'));
    const r = await gitgateAsync(['check-config', file], dir);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/auth mode "dev" only listens on loopback/);
  });
});
