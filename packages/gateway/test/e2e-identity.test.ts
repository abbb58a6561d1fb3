import { expect } from 'chai';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { startDemoGateway, git, gitOk, allObjects, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';
import { startIssuer, type TestIssuer } from '@gitgate/testkit';
import { http } from '@gitgate/testkit';

describe('e2e: identity, detokenize and audit', function () {
  this.timeout(120_000);
  let issuer: TestIssuer;
  let demo: DemoGateway;
  let work: string;
  let hook: Server;
  const hookBodies: { body: string; signature: string | undefined }[] = [];
  const logs: string[] = [];
  let jwt: { agent: string; ci: string; outsider: string; sec1: string; sec2: string; admin: string };
  let api: string;

  before(async () => {
    issuer = await startIssuer('gitgate');
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hookBodies.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-gitgate-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const logger = { debug: () => {}, info: (m: string, meta?: object) => logs.push(m + JSON.stringify(meta ?? {})), warn: (m: string, meta?: object) => logs.push(m + JSON.stringify(meta ?? {})), error: (m: string, meta?: object) => logs.push(m + JSON.stringify(meta ?? {})) };
    demo = await startDemoGateway({
      logger,
      auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate', groupsClaim: 'groups' },
      policy: {
        repos: [{ name: 'acme/api', readers: ['agents', 'ci'] }],
        detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
        admins: ['security-admins'],
      },
      webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, secret: 'hook-secret' },
    });
    api = `${demo.gw.url}/api/v1`;
    jwt = {
      agent: await issuer.mint('agent-7', ['agents']),
      ci: await issuer.mint('ci-runner', ['ci']),
      outsider: await issuer.mint('mallory', ['interns']),
      sec1: await issuer.mint('alice', ['security']),
      sec2: await issuer.mint('bob', ['security']),
      admin: await issuer.mint('root', ['security-admins']),
    };
    work = tempDir();
  });
  after(async () => {
    await demo.stop();
    await issuer.close();
    await new Promise<void>((r) => { hook.closeAllConnections(); hook.close(() => r()); });
    cleanup(work);
  });

  const basicUrl = (token: string): string => demo.url.replace('http://', `http://agent:${token}@`);

  it('lets a valid JWT clone as the Basic password and as a Bearer header', async () => {
    await gitOk(['clone', '-q', basicUrl(jwt.agent), join(work, 'basic')]);
    await gitOk(['-c', `http.extraHeader=Authorization: Bearer ${jwt.ci}`, 'clone', '-q', demo.url, join(work, 'bearer')]);
  });

  it('answers a clone without credentials with 401 and a Basic challenge', async () => {
    const r = await http(`${demo.url}/info/refs?service=git-upload-pack`);
    expect(r.status).to.equal(401);
    expect(String(r.headers['www-authenticate'])).to.match(/^Basic realm="gitgate"/);
    const g = await git(['clone', demo.url, join(work, 'nocreds')]);
    expect(g.code).to.not.equal(0);
  });

  it('refuses expired, not-yet-valid, wrong-issuer, wrong-audience, alg none, unknown-kid and HS256 tokens with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { sub: 'agent-7', groups: ['agents'], iss: issuer.issuer, aud: 'gitgate', iat: now, exp: now + 600 };
    const jwksText = await (await fetch(`${issuer.issuer}/jwks`)).text();
    const hs256 = ((): string => {
      const head = b64({ alg: 'HS256', kid: 'k1' }) + '.' + b64(claims);
      return head + '.' + createHmac('sha256', Buffer.from(jwksText)).update(head).digest('base64url');
    })();
    const bad = {
      expired: await issuer.mint('agent-7', ['agents'], { expiresIn: now - 120 }),
      notYetValid: await issuer.mint('agent-7', ['agents'], { notBefore: now + 3600, expiresIn: now + 7200 }),
      wrongIssuer: await issuer.mint('agent-7', ['agents'], { issuer: 'http://127.0.0.1:1' }),
      wrongAudience: await issuer.mint('agent-7', ['agents'], { audience: 'someone-else' }),
      algNone: b64({ alg: 'none' }) + '.' + b64(claims) + '.',
      unknownKid: ((t: string) => b64({ alg: 'RS256', kid: 'nope' }) + t.slice(t.indexOf('.')))(jwt.agent),
      hs256,
      garbage: 'not-a-jwt',
    };
    for (const [name, token] of Object.entries(bad)) {
      const r = await http(`${demo.url}/info/refs?service=git-upload-pack`, { jwt: token });
      expect(r.status, name).to.equal(401);
    }
    await demo.gw.audit.flush();
    const failures = await demo.gw.audit.authFailures({ limit: 100 });
    expect(failures.length).to.be.at.least(Object.keys(bad).length);
  });

  it('refuses a valid identity outside the readers with the 404 of an unknown repository', async () => {
    const r = await http(`${demo.url}/info/refs?service=git-upload-pack`, { jwt: jwt.outsider });
    const unknown = await http(`${demo.gw.url}/acme/nope.git/info/refs?service=git-upload-pack`, { jwt: jwt.outsider });
    expect(r.status).to.equal(404);
    expect(r.text.replace('acme/api', 'X')).to.equal(unknown.text.replace('acme/nope', 'X'));
    const g = await git(['clone', basicUrl(jwt.outsider), join(work, 'outsider')]);
    expect(g.code).to.not.equal(0);
  });

  it('runs request → approval → one reveal → 410, and records it all', async () => {
    const text = await allObjects(join(work, 'basic', '.git'));
    const token = /\[\[TOKEN_github-pat_[A-Z2-7]+\]\]/.exec(text)![0];
    const created = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.agent, body: { token, reason: 'deploy fix #42' } });
    expect(created.status, created.text).to.equal(201);
    const id = created.json().id as string;
    expect(created.json().status).to.equal('pending');

    const listed = await http(`${api}/detokenize-requests?status=pending`, { jwt: jwt.sec1 });
    expect(listed.status).to.equal(200);
    const item = listed.json().items.find((x: { id: string }) => x.id === id);
    expect(item).to.not.equal(undefined);
    for (const p of demo.secrets) expect(JSON.stringify(item)).to.not.include(p.value.trim());

    const early = await http(`${api}/detokenize-requests/${id}`, { jwt: jwt.agent });
    expect(early.json().secret).to.equal(undefined);
    const approved = await http(`${api}/detokenize-requests/${id}/approve`, { method: 'POST', jwt: jwt.sec1, body: { comment: 'ok' } });
    expect(approved.status, approved.text).to.equal(200);

    const other = await http(`${api}/detokenize-requests/${id}`, { jwt: jwt.sec1 });
    expect(other.json().secret).to.equal(undefined);
    const read = await http(`${api}/detokenize-requests/${id}`, { jwt: jwt.agent });
    expect(read.json().status).to.equal('approved');
    expect(read.json().secret).to.equal(undefined);
    const reveal = await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent });
    expect(reveal.status).to.equal(200);
    const secret = reveal.json().secret as string;
    expect(demo.secrets.map((x) => x.value.trim())).to.include(secret);
    expect(demo.gw.vault.tokenFor('github-pat', Buffer.from(secret))).to.equal(token);
    const again = await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent });
    expect(again.status).to.equal(410);

    await demo.gw.audit.flush();
    const events = await demo.gw.audit.detokenize({ token });
    const kinds = events.map((e) => (e as { kind: string }).kind);
    for (const k of ['detokenize-request', 'detokenize-approve', 'detokenize-reveal']) expect(kinds).to.include(k);
  });

  it('refuses self-approval and approvers outside the approver group', async () => {
    const text = await allObjects(join(work, 'basic', '.git'));
    const token = /\[\[TOKEN_aws-access-key-id_[A-Z2-7]+\]\]/.exec(text)![0];
    const selfReq = await issuer.mint('sam', ['agents', 'security']);
    const created = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: selfReq, body: { token, reason: 'need it' } });
    expect(created.status).to.equal(201);
    const id = created.json().id as string;
    expect((await http(`${api}/detokenize-requests/${id}/approve`, { method: 'POST', jwt: selfReq, body: {} })).status).to.equal(403);
    expect((await http(`${api}/detokenize-requests/${id}/approve`, { method: 'POST', jwt: jwt.agent, body: {} })).status).to.equal(403);
    const bare = await http(`${api}/detokenize-requests/${id}/deny`, { method: 'POST', jwt: jwt.sec2, body: { comment: '  ' } });
    expect(bare.status).to.equal(400);
    expect(bare.json().error.code).to.equal('GITGATE_COMMENT_REQUIRED');
    const denied = await http(`${api}/detokenize-requests/${id}/deny`, { method: 'POST', jwt: jwt.sec2, body: { comment: 'no' } });
    expect(denied.status).to.equal(200);
    expect(denied.json().status).to.equal('denied');
  });

  it('answers GET /me with the caller\'s subject, groups and roles, and 401 for a token that is not a JWT', async () => {
    const me = await http(`${api}/me`, { jwt: jwt.sec1 });
    expect(me.status, me.text).to.equal(200);
    expect(me.json()).to.deep.equal({ subject: 'alice', groups: ['security'], requester: false, approver: true, admin: false });
    expect((await http(`${api}/me`, { jwt: jwt.agent })).json()).to.include({ subject: 'agent-7', requester: true, approver: false });
    const bad = await http(`${api}/me`, { jwt: 'not-a-jwt' });
    expect(bad.status).to.equal(401);
  });

  it('lets admins revoke a token so it can no longer be requested, and shows metadata without the secret', async () => {
    const text = await allObjects(join(work, 'basic', '.git'));
    const token = /\[\[TOKEN_private-key_[A-Z2-7]+\]\]/.exec(text)![0];
    expect((await http(`${api}/tokens/${encodeURIComponent(token)}/revoke`, { method: 'POST', jwt: jwt.agent })).status).to.equal(403);
    const info = await http(`${api}/tokens/${encodeURIComponent(token)}`, { jwt: jwt.admin });
    expect(info.status, info.text).to.equal(200);
    expect((await http(`${api}/tokens/${encodeURIComponent(token)}/revoke`, { method: 'POST', jwt: jwt.admin })).status).to.equal(200);
    const after = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.agent, body: { token, reason: 'please' } });
    expect(after.status).to.be.oneOf([409, 410, 403]);
  });

  it('answers audit queries for admins only', async () => {
    expect((await http(`${api}/audit/sessions?repo=acme/api`, { jwt: jwt.agent })).status).to.equal(403);
    const r = await http(`${api}/audit/sessions?repo=acme/api`, { jwt: jwt.admin });
    expect(r.status).to.equal(200);
    expect(r.json().items.some((s: { subject?: string; actor?: string }) => (s.subject ?? s.actor) === 'agent-7')).to.equal(true);
  });

  it('serves the OpenAPI description', async () => {
    const r = await http(`${api}/openapi.json`);
    expect(r.status).to.equal(200);
    expect(r.json().paths).to.have.property('/detokenize-requests');
  });

  it('keeps every planted secret out of logs, audit rows, webhook bodies and error responses', async () => {
    await demo.gw.audit.flush();
    // Give webhook deliveries a moment; they run after the decisions.
    await new Promise((r) => setTimeout(r, 300));
    expect(hookBodies.length).to.be.greaterThan(0);
    for (const h of hookBodies) {
      expect(h.signature).to.equal(`sha256=${createHmac('sha256', 'hook-secret').update(h.body).digest('hex')}`);
    }
    const errors = await Promise.all([
      http(`${api}/detokenize-requests/nope`, { jwt: jwt.agent }),
      http(`${api}/detokenize-requests`, { method: 'POST', jwt: jwt.agent, body: { token: 'x' } }),
    ]);
    const haystacks = [
      logs.join('\n'),
      hookBodies.map((h) => h.body).join('\n'),
      errors.map((e) => e.text).join('\n'),
      ...readdirSync(demo.gw.dataDir).filter((f) => f.startsWith('audit.db')).map((f) => readFileSync(join(demo.gw.dataDir, f)).toString('latin1')),
    ];
    for (const s of demo.secrets) for (const h of haystacks) expect(h.includes(s.value.trim()), `${s.type} leaked`).to.equal(false);
  });
});
