import { expect } from 'chai';
import {
  captureLogger, freePort, http, randomChars, slackMessageProblems, startIssuer, startWebhookReceiver,
  type CaptureLogger, type TestIssuer, type WebhookReceiver,
} from '@gitgate/testkit';
import { signBody } from '@gitgate/access';
import { startDemoGateway, gitOk, type DemoGateway } from './helpers/harness.js';
import type { GatewayOptions } from '../src/index.js';

const policy: GatewayOptions['policy'] = {
  repos: [{ name: 'acme/api', readers: ['agents'] }],
  detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
  admins: [],
};

async function until(cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A gateway in auth mode oidc whose Slack-format webhook points at `port`, where nobody listens yet. */
async function gatewayWithHook(issuer: TestIssuer, port: number, secret: string, logger: CaptureLogger, webhook: Partial<GatewayOptions['webhook']> = {}): Promise<DemoGateway> {
  return startDemoGateway({
    logger, policy,
    auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate', groupsClaim: 'groups' },
    webhook: { url: `http://127.0.0.1:${port}/services/hook`, secret, format: 'slack', backoffMs: () => 150, ...webhook },
  });
}

/** Syncs acme/api and asks for the secret behind one of its tokens; resolves with the request id. */
async function requestOneToken(demo: DemoGateway, agentJwt: string): Promise<string> {
  await gitOk(['ls-remote', demo.url.replace('http://', `http://agent:${agentJwt}@`)]);
  const [known] = await demo.gw.vault.knownSecrets();
  const token = demo.gw.vault.tokenFor(known!.type, known!.secret);
  const created = await http(`${demo.gw.url}/api/v1/detokenize-requests`, { method: 'POST', jwt: agentJwt, body: { token, reason: 'deploy fix #42' } });
  expect(created.status, created.text).to.equal(201);
  return created.json().id as string;
}

describe('e2e: webhook deliveries from the durable queue', function () {
  this.timeout(120_000);
  let issuer: TestIssuer;
  let agent: string;
  const secret = randomChars(32);
  before(async () => {
    issuer = await startIssuer('gitgate');
    agent = await issuer.mint('agent-7', ['agents']);
  });
  after(async () => {
    await issuer.close();
  });

  describe('a receiver down at first, across a gateway restart', () => {
    let demo: DemoGateway;
    let hook: WebhookReceiver | undefined;
    let port: number;
    let requestId: string;
    const logger = captureLogger();
    before(async () => {
      port = await freePort();
      demo = await gatewayWithHook(issuer, port, secret, logger);
    });
    after(async () => {
      await hook?.close();
      await demo.stop();
    });

    it('logs ECONNREFUSED, the attempt and the wait while the receiver is down', async () => {
      requestId = await requestOneToken(demo, agent);
      await until(() => logger.lines.some((l) => l.msg === 'webhook delivery failed'));
      const line = logger.lines.find((l) => l.msg === 'webhook delivery failed')!;
      expect(line.meta).to.deep.include({ kind: 'detokenize-request', requestId, attempt: 1, error: 'ECONNREFUSED' });
      expect(logger.text()).not.to.include(secret);
    });

    it('delivers the pending request exactly once after a restart, once the receiver is up', async () => {
      await demo.restart();
      // The restarted gateway found the delivery in its queue file.
      expect(logger.lines.filter((l) => l.msg === 'webhook deliveries started').at(-1)!.meta).to.include({ pending: 1 });
      hook = await startWebhookReceiver({ port, path: '/services/hook', answer: (r) => (slackMessageProblems(r.body).length === 0 ? 200 : 400) });
      await hook.waitFor(1);
      // Several back-off periods later there is still one delivery: nothing is sent twice.
      await new Promise((r) => setTimeout(r, 800));
      expect(hook.received).to.have.length(1);
      expect(logger.lines.filter((l) => l.msg === 'webhook delivered')).to.have.length(1);
    });

    it('sends a Slack message a checking receiver accepts, linking to the request and naming repo and path', () => {
      const r = hook!.received[0]!;
      expect(slackMessageProblems(r.body)).to.deep.equal([]);
      expect(r.headers['x-gitgate-signature']).to.equal(signBody(secret, r.body));
      const m = JSON.parse(r.body) as { blocks: { type: string; fields?: { text: string }[]; elements?: { url?: string }[] }[] };
      expect(m.blocks.find((b) => b.type === 'actions')!.elements![0]!.url).to.equal(`${demo.gw.url}/approvals#${requestId}`);
      const fields = m.blocks.find((b) => b.type === 'section')!.fields!.map((f) => f.text);
      expect(fields).to.include('*Repository*\n`acme/api`');
      expect(fields.some((f) => f.startsWith('*Path*\n'))).to.equal(true);
      expect(fields).to.include('*Reason*\ndeploy fix #42');
      for (const s of demo.secrets) expect(r.body).not.to.include(s.value.trim());
    });
  });

  describe('a receiver that never comes up', () => {
    let demo: DemoGateway;
    const logger = captureLogger();
    after(async () => {
      await demo.stop();
    });

    it('drops the delivery at its expiry with a warning and an admin audit record', async () => {
      demo = await gatewayWithHook(issuer, await freePort(), secret, logger, { retryForMs: 700 });
      const requestId = await requestOneToken(demo, agent);
      await until(() => logger.lines.some((l) => l.msg === 'webhook delivery expired'));
      expect(logger.lines.find((l) => l.msg === 'webhook delivery expired')!).to.deep.include({ level: 'warn' });
      await demo.gw.audit.flush();
      const rows = await demo.gw.audit.adminActions();
      const row = rows.find((x) => x.action === 'webhook-undelivered');
      expect(row, 'audit record').to.not.equal(undefined);
      expect(row!.actor).to.equal('system');
      const details = typeof row!.details === 'string' ? JSON.parse(row!.details) as object : row!.details;
      expect(details).to.deep.include({ reason: 'expired', requestId, kind: 'detokenize-request', error: 'ECONNREFUSED' });
    });
  });
});
