// No secret before its record: a gateway killed with SIGKILL right after answering a reveal still has
// the reveal in its audit, and the chain verifies.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'node:http';
import { AuditLog } from '@gitgate/audit';
import { noopLogger } from '@gitgate/log';
import { auditKeyFor, DataDir } from '../src/index.js';
import { demoFixtures, gitOk, allObjects, tempDir, cleanup } from './helpers/harness.js';
import { startIssuer, type TestIssuer } from '@gitgate/testkit';
import { http } from '@gitgate/testkit';
import { spawnGateway } from './helpers/spawn-gateway.js';

describe('e2e: a reveal survives kill -9', function () {
  this.timeout(120_000);
  let issuer: TestIssuer;
  let dir: string;
  let child: ChildProcess | undefined;

  before(async () => {
    issuer = await startIssuer('gitgate');
    dir = tempDir();
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await issuer.close();
    cleanup(dir);
  });

  it('has the reveal record on disk when the gateway is killed as the secret is answered', async () => {
    const upstream = join(dir, 'upstream', 'api.git');
    await (await demoFixtures()).makeDemoRepo(upstream, { seed: '5eed' });
    const dataDir = join(dir, 'data');
    const opts = {
      port: 0, dataDir, coalesceMs: 0, repos: [{ name: 'acme/api', upstream: { url: upstream } }],
      auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' },
      policy: {
        repos: [{ name: 'acme/api', readers: ['agents'] }],
        detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
        admins: [],
      },
    };
    const { child: proc, url, exited } = await spawnGateway(opts);
    child = proc;
    const agent = await issuer.mint('agent-7', ['agents']);
    const sec = await issuer.mint('alice', ['security']);
    await gitOk(['clone', '-q', `${url}/acme/api.git`.replace('http://', `http://agent:${agent}@`), join(dir, 'clone')]);
    const token = /\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]+\]\]/.exec(await allObjects(join(dir, 'clone', '.git')))![0];
    const created = await http(`${url}/api/v1/detokenize-requests`, { method: 'POST', jwt: agent, body: { token, reason: 'incident 7' } });
    expect(created.status, created.text).to.equal(201);
    const id = created.json().id as string;
    expect((await http(`${url}/api/v1/detokenize-requests/${id}/approve`, { method: 'POST', jwt: sec, body: {} })).status).to.equal(200);

    // SIGKILL the moment the response headers arrive: nothing queued after the answer gets written.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/api/v1/detokenize-requests/${id}/reveal`, { method: 'POST', headers: { Authorization: `Bearer ${agent}` } }, (res) => {
        proc.kill('SIGKILL');
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    await exited;
    expect(status).to.equal(200);

    // The gateway keyed the chain with the key file it created beside the database.
    const files = new DataDir(dataDir);
    const audit = await AuditLog.open({ path: files.auditDb, key: await auditKeyFor(files, undefined, noopLogger) });
    try {
      const reveals = (await audit.detokenize({ token })).filter((e) => e.kind === 'detokenize-reveal');
      expect(reveals.map((e) => e.requestId)).to.deep.equal([id]);
      expect((await audit.verify()).ok).to.equal(true);
    } finally {
      await audit.close();
    }
  });
});
