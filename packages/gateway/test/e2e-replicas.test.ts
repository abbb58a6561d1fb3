// Two replicas (issue 16): separate data dirs, one PostgreSQL database, the same upstream on disk and
// the same keys: a clone is served from PostgreSQL stores, and the audit of both stays one chain.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { PolicyConfig } from '@gitgate/access';
import { http, postgresBinDir, startIssuer, startPostgres, type TestIssuer } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { allObjects, cleanup, gitOk, startDemoGateway, tempDir, type DemoGateway } from './helpers/harness.js';

describe('e2e: two replicas on one PostgreSQL database', function () {
  this.timeout(180_000);
  let a: DemoGateway;
  let b: Gateway;
  let work: string;

  before(async () => {
    const database = { url: (await startPostgres()).createDatabase() };
    const keys = { masterKey: randomBytes(32), auditKey: randomBytes(32) };
    a = await startDemoGateway({ database, ...keys });
    b = await startGateway({ port: 0, dataDir: join(a.dir, 'data-b'), auth: { mode: 'none' }, coalesceMs: 0, repos: [{ name: 'acme/api', upstream: { url: a.upstream } }], database, ...keys });
    work = tempDir();
  });
  after(async () => {
    await b?.close();
    await a?.stop();
    if (work) cleanup(work);
  });

  it('serves a clone from a replica whose every store is in PostgreSQL, without a planted secret', async () => {
    const clone = join(work, 'clone');
    await gitOk(['clone', '--quiet', a.url, clone]);
    expect(await gitOk(['-C', clone, 'rev-parse', 'HEAD'])).to.match(/^[0-9a-f]{40}\n$/);
    const objects = await allObjects(join(clone, '.git'));
    for (const secret of a.secrets) expect(objects.includes(secret.value.trim()), secret.type).to.equal(false);
  });

  it('serves the same ids from both: a clone from A, an upstream commit, a fetch from B, then A has nothing new', async () => {
    const clone = join(work, 'clone-ab');
    await gitOk(['clone', '--quiet', a.url, clone]);
    const bUrl = `${b.url}/acme/api.git`;
    expect(await gitOk(['ls-remote', bUrl])).to.equal(await gitOk(['ls-remote', a.url]));
    const edit = join(work, 'upstream-edit');
    await gitOk(['clone', '--quiet', a.upstream, edit]);
    await gitOk(['-C', edit, '-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'upstream moves on']);
    await gitOk(['-C', edit, 'push', '--quiet', 'origin', 'HEAD']);
    await gitOk(['-C', clone, 'fetch', '--quiet', bUrl, '+refs/heads/*:refs/remotes/b/*']);
    const stored = async (): Promise<number> => (await gitOk(['-C', clone, 'count-objects', '-v'])).split('\n')
      .filter((l) => /^(count|in-pack): /.test(l)).reduce((n, l) => n + Number(l.split(': ')[1]), 0);
    const before = await stored();
    await gitOk(['-C', clone, 'fetch', '--quiet', a.url, '+refs/heads/*:refs/remotes/a/*']);
    const aRefs = await gitOk(['-C', clone, 'for-each-ref', '--format=%(objectname) %(refname:lstrip=3)', 'refs/remotes/a']);
    const bRefs = await gitOk(['-C', clone, 'for-each-ref', '--format=%(objectname) %(refname:lstrip=3)', 'refs/remotes/b']);
    expect(aRefs).to.equal(bRefs);
    expect(await stored(), 'the fetch from A found every object already fetched from B').to.equal(before);
  });

  it('keeps one audit chain over the records both replicas wrote', async () => {
    for (let i = 0; i < 10; i++) {
      a.gw.audit.record({ kind: 'admin', actor: 'replica-a', data: { action: 'replica-test', i } });
      b.audit.record({ kind: 'admin', actor: 'replica-b', data: { action: 'replica-test', i } });
    }
    await Promise.all([a.gw.audit.flush(), b.audit.flush()]);
    const actors = new Set((await b.audit.adminActions({ limit: 100 })).map((r) => r.actor));
    expect([...actors].filter((x) => x.startsWith('replica-')).sort()).to.deep.equal(['replica-a', 'replica-b']);
    const result = await b.audit.verify();
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.checked).to.be.greaterThan(2);
  });
});

const policy: PolicyConfig = {
  repos: [{ name: 'acme/api', readers: ['agents'] }],
  detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
  admins: [],
};

describe('e2e: detokenize across two replicas on one PostgreSQL database', function () {
  this.timeout(180_000);
  let issuer: TestIssuer;
  let a: DemoGateway;
  let b: Gateway;
  let work: string;
  let tokens: string[];
  let jwt: Record<'agent' | 'sec', string>;
  let databaseUrl: string;
  const requestIds: string[] = [];
  const api = (gw: Gateway): string => `${gw.url}/api/v1/detokenize-requests`;
  const create = async (gw: Gateway): Promise<string> => {
    const r = await http(api(gw), { method: 'POST', jwt: jwt.agent, body: { token: tokens.pop()!, reason: 'rotate it' } });
    expect(r.status, r.text).to.equal(201);
    requestIds.push(r.json().id as string);
    return r.json().id as string;
  };
  const approve = (gw: Gateway, id: string): ReturnType<typeof http> => http(`${api(gw)}/${id}/approve`, { method: 'POST', jwt: jwt.sec, body: {} });
  const reveal = (gw: Gateway, id: string): ReturnType<typeof http> => http(`${api(gw)}/${id}/reveal`, { method: 'POST', jwt: jwt.agent });

  before(async () => {
    issuer = await startIssuer('gitgate');
    databaseUrl = (await startPostgres()).createDatabase();
    const shared = { database: { url: databaseUrl }, masterKey: randomBytes(32), auditKey: randomBytes(32), auth: { mode: 'oidc' as const, issuer: issuer.issuer, audience: 'gitgate' }, policy };
    a = await startDemoGateway(shared);
    b = await startGateway({ port: 0, dataDir: join(a.dir, 'data-b'), coalesceMs: 0, repos: [{ name: 'acme/api', upstream: { url: a.upstream } }], ...shared });
    jwt = { agent: await issuer.mint('agent-7', ['agents']), sec: await issuer.mint('alice', ['security']) };
    work = tempDir();
    await gitOk(['clone', '-q', a.url.replace('http://', `http://agent:${jwt.agent}@`), join(work, 'api')]);
    tokens = [...new Set((await allObjects(join(work, 'api', '.git'))).match(/\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]+\]\]/g))];
    expect(tokens.length).to.be.at.least(2);
  });
  after(async () => {
    await b?.close();
    await a?.stop();
    await issuer?.close();
    if (work) cleanup(work);
  });

  it('reveals on A a request created on A and approved on B, and refuses the second reveal on B', async () => {
    const id = await create(a.gw);
    expect((await approve(b, id)).status).to.equal(200);
    const first = await reveal(a.gw, id);
    expect(first.status, first.text).to.equal(200);
    expect(first.json().secret).to.be.a('string').and.not.equal('');
    const second = await reveal(b, id);
    expect(second.status, second.text).to.equal(410);
  });

  it('hands the secret to exactly one of 10 racing reveals split across both replicas', async () => {
    const id = await create(b);
    expect((await approve(a.gw, id)).status).to.equal(200);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => reveal(i % 2 === 0 ? a.gw : b, id)));
    expect(answers.map((r) => r.status).sort()).to.deep.equal([200, ...Array(9).fill(410)]);
  });

  it('leaves no secret value in any table of the database, after syncs, requests, approvals and reveals', async () => {
    await Promise.all([a.gw.audit.flush(), b.audit.flush()]);
    // Every table, schema and rows, as pg_dump writes them (text: bytea as hex, the rest as stored).
    const dump = execFileSync(join(postgresBinDir()!, 'pg_dump'), ['--no-owner', databaseUrl], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
    // The dump holds the rows of this test: the vault's tokens are stored in clear.
    expect(tokens.length).to.be.greaterThan(0);
    expect(dump).to.include('[[TOKEN_');
    expect(requestIds.length).to.equal(2);
    for (const id of requestIds) expect(dump, 'the detokenize requests and their reveals').to.include(id);
    for (const secret of a.secrets) {
      const value = Buffer.from(secret.value.trim());
      // Raw, and in the encodings a careless store would use: hex (bytea's text form) and base64.
      for (const form of [value.toString('latin1'), value.toString('hex'), value.toString('base64')]) {
        expect(dump.includes(form), `${secret.type} as ${form === value.toString('latin1') ? 'text' : 'an encoding'}`).to.equal(false);
      }
    }
  });
});
