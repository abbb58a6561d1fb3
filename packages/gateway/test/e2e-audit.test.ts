import { expect } from 'chai';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import sqlite3 from 'sqlite3';
import { startDemoGateway, demoFixtures, git, gitOk, allObjects, tempDir, cleanup, repoRoot, type DemoGateway } from './helpers/harness.js';
import { startIssuer, type TestIssuer } from '@gitgate/testkit';

/** Runs the real `gitgate` binary; returns exit code and output. */
function gitgate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'packages', 'cli', 'bin', 'gitgate.js'), ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function api(url: string, jwt: string, method = 'GET', body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method, headers: { Authorization: `Bearer ${jwt}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, json: await r.json().catch(() => null) };
}

function sql(file: string, statement: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (e) => {
      if (e) return reject(e);
      db.exec(statement, (err) => db.close(() => (err ? reject(err) : resolve())));
    });
  });
}

describe('e2e: the audit answers the security team', function () {
  this.timeout(120_000);
  let issuer: TestIssuer;
  let demo: DemoGateway;
  let work: string;
  let token: string;
  let sessionsOfAgent: string[];

  before(async () => {
    issuer = await startIssuer('gitgate');
    demo = await startDemoGateway({
      auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' },
      policy: {
        repos: [{ name: 'acme/api', readers: ['agents'] }],
        detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 2, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
        admins: ['security-admins'],
      },
    });
    work = tempDir();
    // The scenario: a clone, a fetch after upstream moved, a failed authentication, request → 2 approvals → reveal, a revocation.
    const agent = await issuer.mint('agent-7', ['agents']);
    const url = demo.url.replace('http://', `http://agent:${agent}@`);
    await gitOk(['clone', '-q', url, join(work, 'clone')]);
    await (await demoFixtures()).advanceDemoRepo(demo.upstream, { seed: '5eed' });
    await gitOk(['-C', join(work, 'clone'), 'fetch', '-q', 'origin']);
    expect((await git(['ls-remote', demo.url.replace('http://', 'http://agent:not-a-jwt@')])).code).to.not.equal(0);
    token = /\[\[TOKEN_aws-access-key-id_[A-Z2-7]+\]\]/.exec(await allObjects(join(work, 'clone', '.git')))![0];
    const base = `${demo.gw.url}/api/v1`;
    const created = await api(`${base}/detokenize-requests`, agent, 'POST', { token, reason: 'rotate the key' });
    expect(created.status).to.equal(201);
    for (const who of ['alice', 'bob']) {
      const r = await api(`${base}/detokenize-requests/${created.json.id}/approve`, await issuer.mint(who, ['security']), 'POST', { comment: 'ok' });
      expect(r.status).to.equal(200);
    }
    expect((await api(`${base}/detokenize-requests/${created.json.id}/reveal`, agent, 'POST')).json.secret).to.be.a('string');
    const pk = /\[\[TOKEN_private-key_[A-Z2-7]+\]\]/.exec(await allObjects(join(work, 'clone', '.git')))![0];
    expect((await api(`${base}/tokens/${encodeURIComponent(pk)}/revoke`, await issuer.mint('root', ['security-admins']), 'POST')).status).to.equal(200);
    await demo.gw.audit.flush();
    await new Promise((r) => setTimeout(r, 200));
    await demo.gw.audit.flush();
  });
  after(async () => {
    await demo.stop();
    await issuer.close();
    cleanup(work);
  });

  it('answers who cloned repo X in the last hour', async () => {
    const r = await gitgate(['audit', 'sessions', '--data', demo.gw.dataDir, '--repo', 'acme/api', '--since', '1h', '--format', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as { subject: string; endpoint: string; objectsSent: number | null; id: string }[];
    const fetches = rows.filter((s) => s.endpoint === 'fetch' && s.objectsSent !== null);
    expect(new Set(fetches.map((s) => s.subject))).to.deep.equal(new Set(['agent-7']));
    expect(fetches.length).to.be.at.least(2); // the clone and the fetch
    sessionsOfAgent = fetches.map((s) => s.id);
  });

  it('answers which identities received token T and in which sessions', async () => {
    const r = await gitgate(['audit', 'exposures', '--data', demo.gw.dataDir, '--token', token, '--format', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as { actor: string; sessionId: string; token: string }[];
    expect(rows.length).to.be.greaterThan(0);
    expect(new Set(rows.map((x) => x.actor))).to.deep.equal(new Set(['agent-7']));
    for (const x of rows) expect(sessionsOfAgent).to.include(x.sessionId);
    const one = await gitgate(['audit', 'session', rows[0].sessionId, '--data', demo.gw.dataDir]);
    expect(one.stdout).to.include(token);
  });

  it('records the same exposures for a repeated clone as for the first', async () => {
    const other = await issuer.mint('agent-8', ['agents']);
    const url = demo.url.replace('http://', `http://agent:${other}@`);
    await gitOk(['clone', '-q', '--bare', url, join(work, 'again-1')]);
    await gitOk(['clone', '-q', '--bare', url, join(work, 'again-2')]);
    await new Promise((r) => setTimeout(r, 300));
    await demo.gw.audit.flush();
    const r = await gitgate(['audit', 'exposures', '--data', demo.gw.dataDir, '--token', token, '--format', 'json']);
    const rows = (JSON.parse(r.stdout) as { actor: string; sessionId: string }[]).filter((x) => x.actor === 'agent-8');
    expect(new Set(rows.map((x) => x.sessionId)).size).to.equal(2);
    const perSession = async (id: string): Promise<string[]> => {
      const one = await gitgate(['audit', 'session', id, '--data', demo.gw.dataDir]);
      return [...new Set(one.stdout.match(/\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]+\]\]/g) ?? [])].sort();
    };
    const [first, second] = await Promise.all([...new Set(rows.map((x) => x.sessionId))].map(perSession));
    expect(first.length).to.be.greaterThan(1);
    expect(second).to.deep.equal(first);
  });

  it('answers every reveal for repo X with its approvers', async () => {
    const r = await gitgate(['audit', 'reveals', '--data', demo.gw.dataDir, '--repo', 'acme/api', '--format', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as { token: string; requester: string; approvers: string }[];
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ token, requester: 'agent-7', approvers: 'alice bob' });
  });

  it('records the failed authentication and the revocation', async () => {
    const failures = await gitgate(['audit', 'auth-failures', '--data', demo.gw.dataDir, '--format', 'json']);
    expect(JSON.parse(failures.stdout).length).to.be.greaterThan(0);
    const requests = await gitgate(['audit', 'requests', '--data', demo.gw.dataDir, '--format', 'json']);
    expect((JSON.parse(requests.stdout) as { kind: string }[]).map((x) => x.kind)).to.include('token-revoke');
  });

  it('detects an edited row and a deleted row with gitgate audit verify', async () => {
    const ok = await gitgate(['audit', 'verify', '--data', demo.gw.dataDir]);
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    await demo.gw.audit.flush();
    const file = join(demo.gw.dataDir, 'audit.db');
    const copy = join(work, 'edited');
    const del = join(work, 'deleted');
    for (const d of [copy, del]) await gitOk(['init', '-q', d]); // plain dirs for the copies
    const { copyFileSync } = await import('node:fs');
    await sql(file, 'PRAGMA wal_checkpoint(TRUNCATE);');
    copyFileSync(file, join(copy, 'audit.db'));
    copyFileSync(file, join(del, 'audit.db'));
    // The chain is keyed: verification needs the audit key, which the gateway created beside it.
    for (const d of [copy, del]) copyFileSync(join(demo.gw.dataDir, 'audit.key'), join(d, 'audit.key'));
    // The guard triggers refuse both edits; an attacker drops them first.
    await sql(join(copy, 'audit.db'), "DROP TRIGGER IF EXISTS records_no_update; DROP TRIGGER IF EXISTS records_no_delete; UPDATE records SET actor = 'someone-else' WHERE seq = 3;");
    await sql(join(del, 'audit.db'), 'DROP TRIGGER IF EXISTS records_no_update; DROP TRIGGER IF EXISTS records_no_delete; DELETE FROM records WHERE seq = 4;');
    const edited = await gitgate(['audit', 'verify', '--data', copy]);
    expect(edited.code).to.equal(1);
    expect(edited.stdout).to.match(/BROKEN at seq 3/);
    const deleted = await gitgate(['audit', 'verify', '--data', del]);
    expect(deleted.code).to.equal(1);
    expect(deleted.stdout).to.match(/BROKEN at seq (4|5)/);
  });
});
