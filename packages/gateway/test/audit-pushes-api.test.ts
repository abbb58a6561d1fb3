// GET /api/v1/audit/pushes on a running gateway: admins read push records from the real audit database.
import { expect } from 'chai';
import { join } from 'node:path';
import type { PolicyConfig } from '@gitgate/access';
import { http, removeDirs, startIssuer, tempDir, type TestIssuer } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { emptyPolicy } from '../src/oidc-access.js';

const TOKEN = '[[TOKEN_github-pat_FFFFFFFFFFFFFFFFFFFFFFFF]]';
const ZERO = '0'.repeat(40);

describe('gateway: the pushes audit API', function () {
  this.timeout(30_000);
  let dir: string;
  let issuer: TestIssuer;
  let gw: Gateway;

  before(async () => {
    dir = tempDir();
    issuer = await startIssuer('gitgate');
    const policy: PolicyConfig = { ...emptyPolicy([]), repos: [{ name: 'acme/api', readers: ['agents'], writers: ['agents'] }], admins: ['security-admins'] };
    gw = await startGateway({
      dataDir: join(dir, 'data'), port: 0, auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' }, policy,
      repos: [{ name: 'acme/api', upstream: { url: join(dir, 'up.git') }, push: { branches: ['agent/*'] } }],
    });
    const base = { id: 's1', oldId: ZERO, newId: 'a'.repeat(40), clientAddress: '127.0.0.1', userAgent: 'git/2.39.2' };
    await gw.audit.recordDurable({ kind: 'push', actor: 'agent-7', repo: 'acme/api', data: { ...base, ref: 'refs/heads/agent/x', outcome: 'ok', tokensRestored: [TOKEN], commits: 1 } });
    await gw.audit.recordDurable({ kind: 'push', actor: 'agent-7', repo: 'acme/api', data: { ...base, ref: 'refs/heads/main', outcome: 'refused', reason: 'outside', tokensRestored: [], commits: 0 } });
  });

  after(async () => {
    await gw?.close();
    await issuer?.close();
    removeDirs(dir);
  });

  it('lists the push records of a repository to an admin, newest first', async () => {
    const r = await http(`${gw.url}/api/v1/audit/pushes?repo=acme/api`, { jwt: await issuer.mint('root', ['security-admins']) });
    expect(r.status, r.text).to.equal(200);
    expect((r.json().items as { ref: string; outcome: string }[]).map((i) => [i.ref, i.outcome])).to.deep.equal([['refs/heads/main', 'refused'], ['refs/heads/agent/x', 'ok']]);
  });

  it('keeps the pushes that restored a token', async () => {
    const r = await http(`${gw.url}/api/v1/audit/pushes?token=${encodeURIComponent(TOKEN)}`, { jwt: await issuer.mint('root', ['security-admins']) });
    expect((r.json().items as { ref: string; tokensRestored: string[] }[]).map((i) => [i.ref, i.tokensRestored])).to.deep.equal([['refs/heads/agent/x', [TOKEN]]]);
  });

  it('refuses the agent that pushed: the audit is for admins', async () => {
    expect((await http(`${gw.url}/api/v1/audit/pushes`, { jwt: await issuer.mint('agent-7', ['agents']) })).status).to.equal(403);
  });
});
