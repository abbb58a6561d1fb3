// The trial's whole story with the real binaries: `npm start` (scripts/start-demo.mjs) in auth mode
// dev, tokens from its identity provider, a clone with the real git client, `gitgate token request
// --wait`, an approval through the API, the secret once, and the audit's records.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir, removeDirs } from '@gitgate/testkit';
import { BIN, gitgateAsync } from './bin-helpers.js';

const ROOT = path.resolve(path.dirname(BIN), '..', '..', '..');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Runs start-demo.mjs; resolves with its output once the walkthrough (the sign-in link) is printed. */
function startDemo(data: string, listen: string): { proc: ChildProcess; printed: Promise<string> } {
  const proc = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start-demo.mjs')], {
    cwd: path.dirname(data), env: { PATH: process.env.PATH, GITGATE_DATA: data, GITGATE_LISTEN: listen }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const printed = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (/audit requests --config \S+\n/.test(out)) resolve(out);
    });
    proc.on('exit', (code) => reject(new Error(`start-demo exited early (${code}): ${out}`)));
  });
  return { proc, printed };
}

async function devToken(base: string, subject: string, groups: string[]): Promise<string> {
  const res = await fetch(`${base}/dev-idp/token`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/plain' }, body: JSON.stringify({ subject, groups }) });
  expect(res.status).to.equal(200);
  return (await res.text()).trim();
}

describe('the trial: npm start in auth mode dev, the whole story', () => {
  let dir: string;
  let demo: ChildProcess | undefined;
  beforeEach(() => { dir = tempDir('gitgate-trial-'); });
  afterEach(async () => {
    if (demo && demo.exitCode === null) {
      const exited = new Promise((r) => demo!.once('exit', r));
      demo.kill('SIGTERM');
      await exited;
    }
    demo = undefined;
    removeDirs(dir);
  });

  it('clones as the agent, reveals once after an approval, and audits it', async () => {
    const data = path.join(dir, 'data');
    // The upstream built here (start-demo keeps an existing one) so the planted values are known.
    const fixture = pathToFileURL(path.join(ROOT, 'fixtures', 'demo-repo.mjs')).href;
    const { makeDemoRepo } = await import(fixture) as { makeDemoRepo(d: string): Promise<{ secrets: Array<{ value: string; type: string }> }> };
    const { secrets } = await makeDemoRepo(path.join(data, 'demo-upstream', 'api.git'));
    const base = `http://127.0.0.1:${await freePort()}`;
    const started = startDemo(data, base.slice('http://'.length));
    demo = started.proc;
    const printed = await started.printed;
    expect(fs.readFileSync(path.join(data, 'gitgate.yaml'), 'utf8')).to.match(/auth: \{ mode: dev \}/);
    const approver = /\/approvals#signin=([\w.-]+)/.exec(printed)?.[1];
    expect(approver, printed).to.be.a('string');

    fs.writeFileSync(path.join(dir, 'agent.jwt'), `${await devToken(base, 'agent-1', ['agents'])}\n`);
    const agentJwt = fs.readFileSync(path.join(dir, 'agent.jwt'), 'utf8').trim();
    const clone = spawnSync('git', ['-c', `http.extraHeader=Authorization: Bearer ${agentJwt}`, 'clone', '-q', `${base}/acme/api.git`], { cwd: dir, encoding: 'utf8' });
    expect(clone.status, clone.stderr).to.equal(0);
    const envFile = fs.readFileSync(path.join(dir, 'api', '.env'), 'utf8');
    const token = /\[\[TOKEN_(aws-access-key-id)_[A-Z0-9]+\]\]/.exec(envFile);
    expect(token, envFile).to.not.equal(null);
    const planted = secrets.filter((s) => s.type === token![1]).map((s) => s.value);
    expect(envFile).to.not.include(planted[0]);

    const reveal = gitgateAsync(['token', 'request', token![0], '--reason', 'check the deploy key', '--wait', '--interval', '1s',
      '--token-file', path.join(dir, 'agent.jwt'), '--gateway', base], dir);
    const auth = { Authorization: `Bearer ${approver!}`, 'Content-Type': 'application/json' };
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      const list = await (await fetch(`${base}/api/v1/detokenize-requests?status=pending`, { headers: auth })).json() as { items: Array<{ id: string }> };
      id = list.items[0]?.id;
      if (!id) await new Promise((r) => setTimeout(r, 200));
    }
    expect(id, 'a pending request').to.be.a('string');
    const approved = await fetch(`${base}/api/v1/detokenize-requests/${id!}/approve`, { method: 'POST', headers: auth, body: '{}' });
    expect(approved.status).to.equal(200);
    const r = await reveal;
    expect(r.code, r.stderr).to.equal(0);
    expect(planted).to.include(r.stdout.trim());

    const again = await fetch(`${base}/api/v1/detokenize-requests/${id!}/reveal`, { method: 'POST', headers: { Authorization: `Bearer ${agentJwt}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(again.status).to.be.within(400, 499);
    expect(await again.text()).to.not.include(r.stdout.trim());

    const audit = await gitgateAsync(['audit', 'requests', '--config', path.join(data, 'gitgate.yaml'), '--json'], dir);
    expect(audit.code, audit.stderr).to.equal(0);
    const parsed = JSON.parse(audit.stdout) as unknown;
    const kinds = (Array.isArray(parsed) ? parsed : (parsed as { items: unknown[] }).items) as Array<{ kind: string }>;
    const ofRequest = kinds.filter((k) => JSON.stringify(k).includes(id!)).map((k) => k.kind);
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
