// Authorization at the moment of use, as the adversary (an agent with a valid identity) probes it:
// stale grants after a reload, refused attempts on record, no repository enumeration, /metrics, bad input.
import { expect } from 'chai';
import { join } from 'node:path';
import { renameSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import type { PolicyConfig } from '@gitgate/access';
import { startDemoGateway, demoFixtures, gitOk, allObjects, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';
import { startIssuer, type TestIssuer } from '@gitgate/testkit';
import { http } from '@gitgate/testkit';
import { randomChars } from '@gitgate/testkit';
import { startGateway } from '../src/index.js';

type Detokenize = PolicyConfig['detokenize'];
const TOKEN = /\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]+\]\]/g;

/** Rows of `sql` from a SQLite file, read over a separate read-only connection. */
function query(file: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => {
      if (e) return reject(e);
      db.all(sql, params, (err, rows) => db.close(() => (err ? reject(err) : resolve(rows as Record<string, unknown>[]))));
    });
  });
}

describe('e2e: authorization at the moment of use', function () {
  this.timeout(120_000);
  let issuer: TestIssuer;
  let demo: DemoGateway;
  let work: string;
  let opsUpstream: string;
  let api: string;
  let jwt: Record<'agent' | 'outsider' | 'ops' | 'sec1' | 'sec2' | 'admin', string>;
  let apiTokens: string[];
  let opsTokens: string[];
  const metricsToken = 'm-' + randomChars(30);
  const logs: { message: string; meta: Record<string, unknown> }[] = [];
  const keep = (message: string, meta?: object): void => { logs.push({ message, meta: { ...meta } }); };
  const logger = { debug: keep, info: keep, warn: keep, error: keep };

  const policyOf = (d: Partial<Detokenize> = {}, apiReaders = ['agents']): PolicyConfig => ({
    repos: [{ name: 'acme/api', readers: apiReaders }, { name: 'acme/ops', readers: ['ops'] }, { name: 'acme/api-copy', readers: ['ops'] }],
    detokenize: { requesters: ['agents'], approvers: ['security', 'security-2'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true, ...d },
    admins: ['security-admins'],
  });
  /** A SIGHUP-style reload: same repositories, the given policy. */
  const apply = (p: PolicyConfig): void => {
    demo.gw.reload({
      repos: [{ name: 'acme/api', upstream: { url: demo.upstream } }, { name: 'acme/ops', upstream: { url: opsUpstream } }, { name: 'acme/api-copy', upstream: { url: demo.upstream } }],
      policy: p,
    });
  };
  const refusals = async (actor: string): Promise<{ action: string; status: number; code: string; count?: number }[]> => {
    await demo.gw.audit.flush();
    const rows = await query(join(demo.gw.dataDir, 'audit.db'), "SELECT data FROM records WHERE kind = 'api-refusal' AND actor = ? ORDER BY seq", [actor]);
    return rows.map((r) => JSON.parse(String(r.data)));
  };
  /** A request by the agent for a fresh token, approved by sec1; resolves with its id and token. */
  const approvedRequest = async (): Promise<{ id: string; token: string }> => {
    const token = apiTokens.pop()!;
    const created = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.agent, body: { token, reason: 'rotate it' } });
    expect(created.status, created.text).to.equal(201);
    const id = created.json().id as string;
    const approved = await http(`${api}/detokenize-requests/${id}/approve`, { method: 'POST', jwt: jwt.sec1, body: {} });
    expect(approved.status, approved.text).to.equal(200);
    expect(approved.json().status).to.equal('approved');
    return { id, token };
  };

  before(async () => {
    issuer = await startIssuer('gitgate');
    demo = await startDemoGateway({ logger, auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' }, policy: policyOf(), metrics: { token: metricsToken } });
    opsUpstream = join(demo.dir, 'upstream', 'ops.git');
    await (await demoFixtures()).makeDemoRepo(opsUpstream, { seed: '0b50' });
    apply(policyOf());
    api = `${demo.gw.url}/api/v1`;
    jwt = {
      agent: await issuer.mint('agent-7', ['agents']),
      outsider: await issuer.mint('mallory', ['interns']),
      ops: await issuer.mint('olga', ['ops']),
      sec1: await issuer.mint('alice', ['security']),
      sec2: await issuer.mint('bob', ['security-2']),
      admin: await issuer.mint('root', ['security-admins']),
    };
    work = tempDir();
    await gitOk(['clone', '-q', demo.url.replace('http://', `http://agent:${jwt.agent}@`), join(work, 'api')]);
    await gitOk(['clone', '-q', `${demo.gw.url}/acme/ops.git`.replace('http://', `http://ops:${jwt.ops}@`), join(work, 'ops')]);
    apiTokens = [...new Set((await allObjects(join(work, 'api', '.git'))).match(TOKEN))];
    opsTokens = [...new Set((await allObjects(join(work, 'ops', '.git'))).match(TOKEN))].filter((t) => !apiTokens.includes(t));
    expect(apiTokens.length).to.be.at.least(5);
    expect(opsTokens.length).to.be.at.least(1);
  });
  afterEach(() => apply(policyOf()));
  after(async () => {
    await demo?.stop();
    await issuer?.close();
    if (work) cleanup(work);
  });

  it('refuses the secret of an approved grant once a reload took the requester\'s read access away, and audits it', async () => {
    const { id } = await approvedRequest();
    apply(policyOf({}, ['ci']));
    const r = await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent });
    expect(r.status).to.equal(403);
    expect(r.json().secret).to.equal(undefined);
    expect(r.json().error.message).to.match(/no longer read/);
    expect(await refusals('agent-7')).to.deep.include({ action: 'detokenize.reveal', status: 403, code: 'GITGATE_FORBIDDEN', clientAddress: '127.0.0.1', target: id });
    // Nothing was consumed: the grant is still there for an admin to see.
    expect((await http(`${api}/detokenize-requests/${id}`, { jwt: jwt.admin })).json().status).to.equal('approved');
  });

  it('refuses the secret of an approved grant once a reload removed the requester role', async () => {
    const { id } = await approvedRequest();
    apply(policyOf({ requesters: ['contractors'] }));
    const r = await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent });
    expect(r.status).to.equal(403);
    expect(r.json().error.message).to.match(/no longer in a detokenize requester group/);
    apply(policyOf());
    const again = await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent });
    expect(again.status).to.equal(200);
    expect(again.json().secret).to.be.a('string');
  });

  it('refuses an approval by an approver a reload removed, and lets the remaining approver approve', async () => {
    const token = apiTokens.pop()!;
    const created = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.agent, body: { token, reason: 'rotate it' } });
    const id = created.json().id as string;
    apply(policyOf({ approvers: ['security-2'] }));
    const refused = await http(`${api}/detokenize-requests/${id}/approve`, { method: 'POST', jwt: jwt.sec1, body: {} });
    expect(refused.status).to.equal(403);
    expect(await refusals('alice')).to.deep.include({ action: 'detokenize.approve', status: 403, code: 'GITGATE_FORBIDDEN', clientAddress: '127.0.0.1', target: id });
    const ok = await http(`${api}/detokenize-requests/${id}/approve`, { method: 'POST', jwt: jwt.sec2, body: {} });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.json().approvals.map((a: { approver: string }) => a.approver)).to.deep.equal(['bob']);
  });

  it('logs one line of what a reload changed in the policy', async () => {
    logs.length = 0;
    apply(policyOf({ approvers: ['security-2'], minApprovals: 2 }, ['agents', 'ci']));
    const lines = logs.filter((l) => l.message === 'configuration reloaded');
    expect(lines).to.have.length(1);
    expect(lines[0]!.meta.policy).to.deep.equal({
      readers: { 'acme/api': { added: ['ci'], removed: [] } },
      approvers: { added: [], removed: ['security'] },
      detokenize: { minApprovals: [1, 2] },
    });
  });

  it('audits forbidden attempts: an outsider requesting, an agent approving and listing', async () => {
    const token = apiTokens[0]!;
    expect((await http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.outsider, body: { token, reason: 'x' } })).status).to.equal(403);
    expect((await http(`${api}/detokenize-requests/00000000-0000-4000-8000-000000000000/approve`, { method: 'POST', jwt: jwt.agent, body: {} })).status).to.equal(403);
    expect((await http(`${api}/detokenize-requests`, { jwt: jwt.agent })).status).to.equal(403);
    expect((await http(`${api}/audit/sessions`, { jwt: jwt.agent })).status).to.equal(403);
    const outsider = await refusals('mallory');
    expect(outsider.map((r) => [r.action, r.code])).to.deep.include(['detokenize.create', 'GITGATE_FORBIDDEN']);
    const agent = (await refusals('agent-7')).map((r) => [r.action, r.code]);
    for (const action of ['detokenize.approve', 'detokenize.list', 'audit.sessions']) expect(agent).to.deep.include([action, 'GITGATE_FORBIDDEN']);
    const audited = JSON.stringify(await query(join(demo.gw.dataDir, 'audit.db'), "SELECT data FROM records WHERE kind = 'api-refusal'"));
    for (const s of demo.secrets) expect(audited).not.to.include(s.value.trim());
  });

  it('folds a flood of refused calls into a bounded number of audit records', async () => {
    const before = (await refusals('mallory')).length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 200 }, () => http(`${api}/audit/verify`, { jwt: jwt.outsider })));
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    await new Promise((r) => setTimeout(r, 1200));
    const added = (await refusals('mallory')).slice(before).filter((r) => r.action === 'audit.verify');
    // At most two records per one-second window (the first refusal, then the folded count), however many calls.
    expect(added.length).to.be.at.most(2 * windows);
    expect(added.length).to.be.below(20);
    expect(added.reduce((n, r) => n + (r.count ?? 1), 0)).to.equal(200);
  });

  it('folds a flood of failed git logins into a bounded number of auth-failure records, like the API', async () => {
    const failures = async (): Promise<{ reason: string; count?: number }[]> => {
      await demo.gw.audit.flush();
      const rows = await query(join(demo.gw.dataDir, 'audit.db'), "SELECT data FROM records WHERE kind = 'auth-failure' AND repo = 'acme/api' ORDER BY seq");
      return rows.map((r) => JSON.parse(String(r.data)));
    };
    const before = (await failures()).length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 200 }, () => http(`${demo.gw.url}/acme/api.git/info/refs?service=git-upload-pack`, { jwt: 'not-a-jwt' })));
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    await new Promise((r) => setTimeout(r, 1200));
    const added = (await failures()).slice(before);
    expect(added.length).to.be.at.most(2 * windows);
    expect(added.reduce((n, r) => n + (r.count ?? 1), 0)).to.equal(200);
  });

  it('answers a repository the caller cannot read exactly as an unknown one, on every git route', async () => {
    for (const [path, method] of [['info/refs?service=git-upload-pack', 'GET'], ['git-upload-pack', 'POST']] as const) {
      const hidden = await http(`${demo.gw.url}/acme/ops.git/${path}`, { method, jwt: jwt.agent, rawBody: method === 'POST' ? '0000' : undefined });
      const unknown = await http(`${demo.gw.url}/acme/opz.git/${path}`, { method, jwt: jwt.agent, rawBody: method === 'POST' ? '0000' : undefined });
      expect(hidden.status, path).to.equal(404);
      expect(hidden.status).to.equal(unknown.status);
      expect(hidden.text.replace('acme/ops', 'R')).to.equal(unknown.text.replace('acme/opz', 'R'));
    }
  });

  it('answers a token seen only in repositories the caller cannot read exactly as an unknown token', async () => {
    const hiddenToken = opsTokens[0]!;
    const unknownToken = hiddenToken.replace(/_[A-Z2-7]+\]\]$/, `_${'A'.repeat(hiddenToken.length - hiddenToken.lastIndexOf('_') - 3)}]]`);
    const hidden = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.agent, body: { token: hiddenToken, reason: 'x' } });
    const unknown = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.agent, body: { token: unknownToken, reason: 'x' } });
    expect(hidden.status).to.equal(404);
    expect(unknown.status).to.equal(404);
    const shape = (r: typeof hidden, t: string): unknown => ({ ...r.json().error, requestId: 'x', message: r.json().error.message.replace(t, 'T') });
    expect(shape(hidden, hiddenToken)).to.deep.equal(shape(unknown, unknownToken));
  });

  it('counts in a request\'s context only the occurrences in repositories the requester can read', async () => {
    // acme/api-copy serves the same upstream: every acme/api token occurs there too, where the agent cannot read.
    expect((await http(`${demo.gw.url}/acme/api-copy.git/info/refs?service=git-upload-pack`, { jwt: jwt.ops })).status).to.equal(200);
    const token = apiTokens.pop()!;
    const info = (await http(`${api}/tokens/${encodeURIComponent(token)}`, { jwt: jwt.admin })).json() as { occurrences: { repo: string }[] };
    const readable = info.occurrences.filter((o) => o.repo === 'acme/api').length;
    expect(info.occurrences.length).to.be.greaterThan(readable);
    const created = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.agent, body: { token, reason: 'x' } });
    expect(created.status, created.text).to.equal(201);
    expect(created.json().context.occurrences).to.equal(readable);
    expect(created.json().context.repo).to.equal('acme/api');
  });

  it('serves /metrics in OIDC mode only with the configured bearer token', async () => {
    expect((await http(`${demo.gw.url}/metrics`)).status).to.equal(401);
    expect((await http(`${demo.gw.url}/metrics`, { jwt: jwt.admin })).status).to.equal(401);
    expect((await http(`${demo.gw.url}/metrics`, { jwt: 'm-' + randomChars(30) })).status).to.equal(401);
    const ok = await http(`${demo.gw.url}/metrics`, { jwt: metricsToken });
    expect(ok.status).to.equal(200);
    expect(ok.text).to.match(/^gitgate_sync_last_success_timestamp_seconds\{repo="acme\/api"\} \d+$/m);
  });

  it('answers /metrics in OIDC mode without a metrics token as an unknown route', async () => {
    const dir = tempDir();
    const gw = await startGateway({ port: 0, dataDir: join(dir, 'data'), repos: [], auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' } });
    try {
      const r = await http(`${gw.url}/metrics`);
      const unknown = await http(`${gw.url}/no-such-route`);
      expect(r.status).to.equal(404);
      expect(r.text).to.equal(unknown.text);
    } finally {
      await gw.close();
      cleanup(dir);
    }
  });

  it('serves metrics on a separate listen address only, when one is configured', async () => {
    const dir = tempDir();
    const gw = await startGateway({
      port: 0, dataDir: join(dir, 'data'), repos: [], auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' },
      metrics: { listen: { host: '127.0.0.1', port: 0 } },
    });
    try {
      expect(gw.metricsUrl).to.be.a('string').and.not.equal(gw.url);
      const scraped = await http(`${gw.metricsUrl}/metrics`);
      expect(scraped.status).to.equal(200);
      expect(scraped.text).to.contain('# TYPE gitgate_sync_failures_total counter');
      expect((await http(`${gw.url}/metrics`)).status).to.equal(404);
      expect((await http(`${gw.metricsUrl}/api/v1/audit/sessions`)).status).to.equal(404);
    } finally {
      await gw.close();
      cleanup(dir);
    }
  });

  it('answers malformed input on every API route with a 4xx and a sentence, never a 500', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, { jwt: string; body?: unknown; rawBody?: string }][] = [
      ['POST', '/detokenize-requests', { jwt: jwt.agent, rawBody: '{"token": ' }],
      ['POST', '/detokenize-requests', { jwt: jwt.agent, body: ['a'] }],
      ['POST', '/detokenize-requests', { jwt: jwt.agent, body: 'text' }],
      ['POST', '/detokenize-requests', { jwt: jwt.agent, body: {} }],
      ['POST', '/detokenize-requests', { jwt: jwt.agent, body: { token: 'x', reason: 'y' } }],
      ['POST', '/detokenize-requests', { jwt: jwt.agent, body: { token: { a: 1 }, reason: 'y' } }],
      ['POST', '/detokenize-requests', { jwt: jwt.agent, body: { token: apiTokens[0], reason: 7 } }],
      ['POST', '/detokenize-requests', { jwt: jwt.agent, body: { token: apiTokens[0], reason: 'y', admin: true } }],
      ['POST', '/detokenize-requests?x=1', { jwt: jwt.agent, body: { token: apiTokens[0], reason: 'y' } }],
      ['GET', '/detokenize-requests?status=bogus', { jwt: jwt.sec1 }],
      ['GET', '/detokenize-requests?status=pending&status=approved', { jwt: jwt.sec1 }],
      ['GET', '/detokenize-requests?status[a]=1', { jwt: jwt.sec1 }],
      ['GET', '/detokenize-requests?limit=0', { jwt: jwt.sec1 }],
      ['GET', '/detokenize-requests?limit=abc', { jwt: jwt.sec1 }],
      ['GET', '/detokenize-requests?sort=desc', { jwt: jwt.sec1 }],
      ['GET', `/detokenize-requests/${'x'.repeat(500)}`, { jwt: jwt.agent }],
      ['GET', `/detokenize-requests/${id}?x=1`, { jwt: jwt.agent }],
      ['GET', '/detokenize-requests?mine=2', { jwt: jwt.agent }],
      ['POST', `/detokenize-requests/${id}/reveal`, { jwt: jwt.agent, body: { force: true } }],
      ['POST', `/detokenize-requests/${id}/approve`, { jwt: jwt.sec1, body: { comment: 5 } }],
      ['POST', `/detokenize-requests/${id}/approve`, { jwt: jwt.sec1, body: { comment: 'x'.repeat(5000) } }],
      ['POST', `/detokenize-requests/${id}/approve`, { jwt: jwt.sec1, body: { status: 'approved' } }],
      ['POST', `/detokenize-requests/${id}/deny`, { jwt: jwt.sec1, body: [1] }],
      ['POST', `/detokenize-requests/${id}/deny`, { jwt: jwt.sec1, body: { comment: 'no' } }],
      ['POST', '/tokens/not-a-token/revoke', { jwt: jwt.admin }],
      ['POST', `/tokens/${encodeURIComponent(apiTokens[0]!)}/revoke`, { jwt: jwt.admin, body: { all: true } }],
      ['GET', '/tokens/%5B%5BTOKEN_x', { jwt: jwt.admin }],
      ['GET', `/tokens/${encodeURIComponent(apiTokens[0]!)}?verbose=1`, { jwt: jwt.admin }],
      ['GET', '/audit/syncs?token=x', { jwt: jwt.admin }],
      ['GET', '/audit/sessions?since=yesterday', { jwt: jwt.admin }],
      ['GET', '/audit/sessions?since=1', { jwt: jwt.admin }],
      ['GET', '/audit/exposures?until=2030-13-45T99:99:99Z', { jwt: jwt.admin }],
      ['GET', '/audit/requests?since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z', { jwt: jwt.admin }],
      ['GET', '/audit/requests?limit=-1', { jwt: jwt.admin }],
      ['GET', '/audit/requests?limit=1e3', { jwt: jwt.admin }],
      ['GET', '/audit/requests?limit=99999999', { jwt: jwt.admin }],
      ['GET', '/audit/sessions?repo[]=a', { jwt: jwt.admin }],
      ['GET', '/audit/sessions?actor=x', { jwt: jwt.admin }],
      ['GET', '/audit/sessions/abc?x=1', { jwt: jwt.admin }],
      ['GET', '/audit/sessions/nope', { jwt: jwt.admin }],
      ['GET', '/audit/verify?deep=1', { jwt: jwt.admin }],
      ['GET', '/no-such-route', { jwt: jwt.admin }],
    ];
    for (const [method, path, opts] of cases) {
      const r = await http(`${api}${path}`, { method, ...opts });
      const what = `${method} ${path.slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`;
      expect(r.status, what).to.be.within(400, 499);
      const message = r.json().error.message as string;
      expect(message, what).to.be.a('string').and.not.equal('internal error');
      expect(message.length, what).to.be.greaterThan(5);
    }
  });

  it('degrades /readyz while a repository\'s last sync failed, and recovers after a good sync', async () => {
    const ready = await http(`${demo.gw.url}/readyz`);
    expect(ready.status, ready.text).to.equal(200);
    expect(ready.json().repos['acme/ops'].lastOutcome).to.equal('ok');
    renameSync(opsUpstream, `${opsUpstream}.away`);
    try {
      expect((await http(`${demo.gw.url}/acme/ops.git/info/refs?service=git-upload-pack`, { jwt: jwt.ops })).status).to.equal(502);
      const degraded = await http(`${demo.gw.url}/readyz`);
      expect(degraded.status).to.equal(503);
      expect(degraded.json().status).to.equal('degraded');
      expect(degraded.json().repos['acme/ops'].lastOutcome).to.equal('error');
      expect(degraded.json().repos['acme/ops'].errorCode).to.match(/^GITGATE_[A-Z_]+$/);
      expect(degraded.json().repos['acme/ops'].lastSuccessAt).to.be.a('string');
      expect(degraded.json().repos['acme/api'].lastOutcome).to.equal('ok');
      // A load-balancer probe can leave sync health out.
      expect((await http(`${demo.gw.url}/readyz?syncs=ignore`)).status).to.equal(200);
      const metrics = await http(`${demo.gw.url}/metrics`, { jwt: metricsToken });
      expect(metrics.text).to.match(/^gitgate_sync_failures_total\{repo="acme\/ops"\} 1$/m);
    } finally {
      renameSync(`${opsUpstream}.away`, opsUpstream);
    }
    expect((await http(`${demo.gw.url}/acme/ops.git/info/refs?service=git-upload-pack`, { jwt: jwt.ops })).status).to.equal(200);
    const recovered = await http(`${demo.gw.url}/readyz`);
    expect(recovered.status).to.equal(200);
    expect(recovered.json().status).to.equal('ready');
  });

  it('refuses the reveal with 503 while the audit database cannot be written, and reveals once it can', async function () {
    const { id } = await approvedRequest();
    await demo.gw.audit.flush();
    // A second connection holds SQLite's write lock: the gateway's audit write fails after its busy timeout.
    const lock = new sqlite3.Database(join(demo.gw.dataDir, 'audit.db'));
    await new Promise<void>((resolve, reject) => lock.exec('BEGIN IMMEDIATE', (e) => (e ? reject(e) : resolve())));
    let refused;
    try {
      refused = await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent });
    } finally {
      await new Promise<void>((resolve) => lock.exec('ROLLBACK', () => lock.close(() => resolve())));
    }
    expect(refused.status).to.equal(503);
    expect(refused.json().secret).to.equal(undefined);
    expect(refused.json().error.code).to.equal('GITGATE_AUDIT_UNAVAILABLE');
    expect(refused.json().error.message).to.match(/not revealed/);
    const revealed = await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent });
    expect(revealed.status, revealed.text).to.equal(200);
    expect(revealed.json().secret).to.be.a('string');
    await demo.gw.audit.flush();
    const reveals = await query(join(demo.gw.dataDir, 'audit.db'), "SELECT count(*) AS n FROM records WHERE kind = 'detokenize-reveal' AND json_extract(data, '$.requestId') = ?", [id]);
    expect(reveals[0]!.n).to.equal(1);
  });
});
