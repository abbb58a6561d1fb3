// Held pushes (push.requireApproval) end to end in auth mode oidc, with the real git client: the agent's
// push is held and git says so; it goes upstream only once an approver (never the pusher) allows it, and
// comes back to the agent at the very id it pushed; a denial leaves nothing upstream and nothing on disk.
import { expect } from 'chai';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { http, startIssuer, type TestIssuer } from '@gitgate/testkit';
import type { PushSettings } from '@gitgate/mirror';
import { startGateway, type Gateway } from '../src/index.js';
import { cleanup, demoFixtures, git, gitOk, tempDir } from './helpers/harness.js';
import { HELD_PUSH_POLICY, pushHeld } from './helpers/held-push.js';

const policy = HELD_PUSH_POLICY;

describe('e2e: held pushes (push.requireApproval)', function () {
  this.timeout(180_000);
  let dir: string;
  let upstream: string;
  let issuer: TestIssuer;
  let gw: Gateway;
  let api: string;
  let jwt: Record<'agent' | 'sec' | 'agentApprover', string>;
  let n = 0;
  let hook: Server;
  let planted: string[];
  const hookBodies: string[] = [];
  const logs: string[] = [];
  const keep = (m: string, meta?: object): void => { logs.push(m + JSON.stringify(meta ?? {})); };
  const logger = { debug: keep, info: keep, warn: keep, error: keep };

  const options = (): Parameters<typeof startGateway>[0] => ({
    port: 0, dataDir: join(dir, 'data'), auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' }, coalesceMs: 0, policy, logger,
    webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, secret: 'hook-secret' },
    repos: [{ name: 'acme/api', upstream: { url: upstream }, push: { branches: ['agent/*'], requireApproval: true } }],
  });

  before(async () => {
    dir = tempDir();
    upstream = join(dir, 'upstream', 'api.git');
    planted = (await (await demoFixtures()).makeDemoRepo(upstream, { seed: '5eed' })).secrets.map((x) => x.value.trim());
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hookBodies.push(Buffer.concat(chunks).toString('utf8'));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    issuer = await startIssuer('gitgate');
    gw = await startGateway(options());
    api = `${gw.url}/api/v1`;
    jwt = {
      agent: await issuer.mint('agent-7', ['agents']),
      sec: await issuer.mint('alice', ['security']),
      agentApprover: await issuer.mint('agent-9', ['agents', 'security']),
    };
  });
  after(async () => {
    await gw?.close();
    await issuer?.close();
    await new Promise((r) => hook?.close(r));
    cleanup(dir);
  });

  /** A clone by `who` and its push of a region change to agent/<branch>, held (helpers/held-push.ts). */
  async function heldPush(who: string, branch: string): Promise<{ clone: string; pushed: string; requestId: string; stderr: string }> {
    const clone = join(dir, `clone-${++n}`);
    return { clone, ...(await pushHeld(`${gw.url}/acme/api.git`, who, clone, branch)) };
  }

  const heldDirs = (): string[] => {
    const held = join(gw.dataDir, 'repos');
    return fs.readdirSync(held).flatMap((r) => (fs.existsSync(join(held, r, 'held')) ? fs.readdirSync(join(held, r, 'held')) : []));
  };
  const reposWith = (push?: PushSettings): Parameters<Gateway['reload']>[0]['repos'] => [{ name: 'acme/api', upstream: { url: upstream }, ...(push ? { push } : {}) }];
  const APPROVAL = { branches: ['agent/*'], requireApproval: true };
  const upstreamHas = async (ref: string): Promise<boolean> => (await git(['--git-dir', upstream, 'rev-parse', '-q', '--verify', ref])).code === 0;

  it('holds the push, with git printing the held sentence, and sends nothing upstream before approval', async () => {
    const { requestId, stderr } = await heldPush(jwt.agent, 'held');
    expect(stderr).to.contain(`[remote rejected] HEAD -> agent/held (held for approval: push request ${requestId}; it goes upstream once an approver allows it)`);
    expect(await upstreamHas('refs/heads/agent/held')).to.equal(false);
    expect(heldDirs()).to.include(requestId);
    const pending = await http(`${api}/push-requests?status=pending`, { jwt: jwt.sec });
    const item = (pending.json().items as { id: string; pusher: string; refs: { ref: string }[]; tokensRestored: string[] }[]).find((i) => i.id === requestId);
    expect(item).to.deep.include({ pusher: 'agent-7' });
    expect(item!.refs.map((r) => r.ref)).to.deep.equal(['refs/heads/agent/held']);
    expect(item!.tokensRestored.length).to.be.at.least(1);
  });

  it('pushes upstream with the values restored once an approver allows it, and the agent fetches it at the very id pushed', async () => {
    const { clone, pushed, requestId } = await heldPush(jwt.agent, 'x');
    const approved = await http(`${api}/push-requests/${requestId}/approve`, { method: 'POST', jwt: jwt.sec, body: { comment: 'fine' } });
    expect(approved.status, approved.text).to.equal(200);
    expect(approved.json()).to.deep.include({ status: 'released' });
    const realEnv = await gitOk(['--git-dir', upstream, 'show', 'main:.env']);
    expect(await gitOk(['--git-dir', upstream, 'show', 'agent/x:.env'])).to.equal(realEnv.replace('AWS_REGION=eu-west-1', 'AWS_REGION=us-east-1'));
    await gitOk(['-C', clone, 'fetch', '-q', 'origin']);
    expect((await gitOk(['-C', clone, 'rev-parse', 'refs/remotes/origin/agent/x'])).trim()).to.equal(pushed);
    expect(heldDirs()).to.not.include(requestId);
    await gw.audit.flush();
    const rows = (await gw.audit.pushes({ repo: 'acme/api' })).filter((r) => r.ref === 'refs/heads/agent/x').sort((a, b) => a.seq - b.seq);
    expect(rows.map((r) => [r.outcome, r.actor])).to.deep.equal([['held', 'agent-7'], ['ok', 'agent-7']]);
    const decisions = (await gw.audit.detokenize({})).filter((r) => r.requestId === requestId);
    expect(decisions.map((r) => [r.kind, r.actor]).sort()).to.deep.equal([['detokenize-approve', 'alice'], ['detokenize-request', 'agent-7']]);
    expect(gw.metrics.registry.render()).to.contain('gitgate_pushes_total{repo="acme/api",outcome="held"}');
  });

  it('leaves nothing upstream and nothing held on disk after a denial', async () => {
    const { requestId } = await heldPush(jwt.agent, 'denied');
    const denied = await http(`${api}/push-requests/${requestId}/deny`, { method: 'POST', jwt: jwt.sec, body: { comment: 'no' } });
    expect(denied.status, denied.text).to.equal(200);
    expect(denied.json().status).to.equal('denied');
    expect(heldDirs()).to.not.include(requestId);
    expect(await upstreamHas('refs/heads/agent/denied')).to.equal(false);
  });

  it('refuses the pusher approving their own push, though they are an approver, and lets them read it', async () => {
    const { requestId } = await heldPush(jwt.agentApprover, 'own');
    const own = await http(`${api}/push-requests/${requestId}/approve`, { method: 'POST', jwt: jwt.agentApprover, body: {} });
    expect(own.status).to.equal(403);
    expect(own.json().error.code).to.equal('GITGATE_FORBIDDEN');
    const mine = await http(`${api}/push-requests/${requestId}`, { jwt: jwt.agentApprover });
    expect(mine.json()).to.deep.include({ status: 'pending', pusher: 'agent-9' });
    expect(await upstreamHas('refs/heads/agent/own')).to.equal(false);
  });

  it('refuses the release when a reload made the repository read-only since, and discards the held push', async () => {
    const { requestId } = await heldPush(jwt.agent, 'reloaded');
    gw.reload({ repos: reposWith(), policy });
    try {
      const approved = await http(`${api}/push-requests/${requestId}/approve`, { method: 'POST', jwt: jwt.sec, body: {} });
      expect(approved.json().status).to.equal('failed');
      expect(approved.json().refs[0]).to.deep.include({ ok: false, reason: 'the repository no longer accepts pushes' });
    } finally {
      gw.reload({ repos: reposWith(APPROVAL), policy });
    }
    expect(heldDirs()).to.not.include(requestId);
    expect(await upstreamHas('refs/heads/agent/reloaded')).to.equal(false);
  });

  it('discards a held push whose request expired', async () => {
    gw.reload({ repos: reposWith(APPROVAL), policy: { ...policy, detokenize: { ...policy.detokenize, requestTtlMs: 1 } } });
    let requestId: string;
    try {
      ({ requestId } = await heldPush(jwt.agent, 'expired'));
    } finally {
      gw.reload({ repos: reposWith(APPROVAL), policy });
    }
    const r = await http(`${api}/push-requests/${requestId}`, { jwt: jwt.sec });
    expect(r.json().status).to.equal('expired');
    for (let i = 0; i < 50 && heldDirs().includes(requestId); i++) await new Promise((done) => setTimeout(done, 20));
    expect(heldDirs()).to.not.include(requestId);
    expect(await upstreamHas('refs/heads/agent/expired')).to.equal(false);
  });

  it('keeps a pending held push across a restart and discards a held directory without a request', async () => {
    const { requestId } = await heldPush(jwt.agent, 'restart');
    const repoDir = join(gw.dataDir, 'repos', fs.readdirSync(join(gw.dataDir, 'repos'))[0]!);
    const stray = 'deadbeef-0000-4000-8000-000000000000';
    fs.mkdirSync(join(repoDir, 'held', stray, 'objects'), { recursive: true });
    await gw.close();
    gw = await startGateway(options());
    api = `${gw.url}/api/v1`;
    expect(heldDirs()).to.include(requestId).and.not.include(stray);
    const approved = await http(`${api}/push-requests/${requestId}/approve`, { method: 'POST', jwt: jwt.sec, body: {} });
    expect(approved.json().status, approved.text).to.equal('released');
    expect(await upstreamHas('refs/heads/agent/restart')).to.equal(true);
  });

  it('keeps every planted value out of logs, audit rows, webhook bodies and push request answers', async () => {
    await gw.audit.flush();
    const audit = JSON.stringify([await gw.audit.pushes({}), await gw.audit.detokenize({})]);
    const answers = (await http(`${api}/push-requests`, { jwt: jwt.sec })).text;
    for (let i = 0; i < 50 && !hookBodies.some((b) => b.includes('"subject":"push"')); i++) await new Promise((done) => setTimeout(done, 20));
    expect(hookBodies.some((b) => b.includes('"subject":"push"'))).to.equal(true);
    for (const value of planted) {
      for (const [where, text] of [['logs', logs.join('\n')], ['audit', audit], ['webhooks', hookBodies.join('\n')], ['answers', answers]] as const) {
        expect(text.includes(value), `a planted value in the ${where}`).to.equal(false);
      }
    }
  });
});
