// The detokenize API as an agent with only curl and its clone uses it: its own requests, the open
// request named on a 409, a reveal that only a POST performs, and a context in the clone's own ids.
import { expect } from 'chai';
import { join } from 'node:path';
import type { PolicyConfig } from '@gitgate/access';
import { startIssuer, http, type TestIssuer } from '@gitgate/testkit';
import { startDemoGateway, git, gitOk, allObjects, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';

const TOKEN = /\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]+\]\]/g;

const policy: PolicyConfig = {
  repos: [{ name: 'acme/api', readers: ['agents'] }],
  detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
  admins: [],
};

describe('e2e: detokenize for agents', function () {
  this.timeout(120_000);
  let issuer: TestIssuer;
  let demo: DemoGateway;
  let work: string;
  let api: string;
  let jwt: Record<'agent' | 'other' | 'sec', string>;
  /** Tokens of the clone that the vault saw in a file of a commit. */
  let tokens: string[];

  const create = (token: string, who = jwt.agent): ReturnType<typeof http> =>
    http(`${api}/detokenize-requests`, { method: 'POST', jwt: who, body: { token, reason: 'rotate it' } });

  before(async () => {
    issuer = await startIssuer('gitgate');
    demo = await startDemoGateway({ auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' }, policy });
    api = `${demo.gw.url}/api/v1`;
    jwt = { agent: await issuer.mint('agent-7', ['agents']), other: await issuer.mint('agent-8', ['agents']), sec: await issuer.mint('alice', ['security']) };
    work = tempDir();
    await gitOk(['clone', '-q', demo.url.replace('http://', `http://agent:${jwt.agent}@`), join(work, 'api')]);
    tokens = [];
    for (const t of new Set((await allObjects(join(work, 'api', '.git'))).match(TOKEN))) {
      const o = (await demo.gw.vault.info(t))?.occurrences[0];
      if (o?.commitId && o.path) tokens.push(t);
    }
    expect(tokens.length).to.be.at.least(4);
  });
  after(async () => {
    await demo?.stop();
    await issuer?.close();
    if (work) cleanup(work);
  });

  it('lists the caller\'s own requests with mine=1 for an agent that is no approver', async () => {
    const mine = await create(tokens.pop()!);
    const theirs = await create(tokens.pop()!, jwt.other);
    expect(theirs.status, theirs.text).to.equal(201);
    expect((await http(`${api}/detokenize-requests`, { jwt: jwt.agent })).status).to.equal(403);
    const listed = await http(`${api}/detokenize-requests?mine=1`, { jwt: jwt.agent });
    expect(listed.status, listed.text).to.equal(200);
    expect(listed.json().items.map((r: { id: string }) => r.id)).to.deep.equal([mine.json().id]);
  });

  it('names the caller\'s open request for the same token in the 409 of a second request', async () => {
    const token = tokens.pop()!;
    const first = await create(token);
    const second = await create(token);
    expect(second.status).to.equal(409);
    expect(second.json().error).to.include({ code: 'GITGATE_CONFLICT', openRequestId: first.json().id });
    expect(second.json().error.requestId).to.be.a('string').and.not.equal(first.json().id);
  });

  it('never reveals on a GET: the request reads as approved, a GET of …/reveal is 405 pointing to POST, and a POST reveals once', async () => {
    const token = tokens.pop()!;
    const { id } = (await create(token)).json();
    expect((await http(`${api}/detokenize-requests/${id}/approve`, { method: 'POST', jwt: jwt.sec, body: {} })).status).to.equal(200);
    const read = await http(`${api}/detokenize-requests/${id}`, { jwt: jwt.agent });
    expect(read.json()).to.include({ status: 'approved' }).and.not.have.property('secret');
    const wrong = await http(`${api}/detokenize-requests/${id}/reveal`, { jwt: jwt.agent });
    expect(wrong.status).to.equal(405);
    expect(wrong.headers['allow']).to.equal('POST');
    expect(wrong.json().error).to.include({ code: 'GITGATE_METHOD_NOT_ALLOWED', message: 'GET is not allowed on this route; use POST' });
    const revealed = await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent });
    expect(revealed.status, revealed.text).to.equal(200);
    expect(demo.gw.vault.tokenFor(token.slice(8, token.lastIndexOf('_')), Buffer.from(revealed.json().secret as string))).to.equal(token);
    expect((await http(`${api}/detokenize-requests/${id}/reveal`, { method: 'POST', jwt: jwt.agent })).status).to.equal(410);
  });

  it('gives the requester a commit and path its clone holds, and the upstream commit id only to approvers', async () => {
    const token = tokens.pop()!;
    const created = await create(token);
    const ctx = created.json().context as { commit: string; path: string };
    expect(created.json().context).not.to.have.property('upstreamCommit');
    const clone = join(work, 'api');
    const blob = await gitOk(['rev-parse', `${ctx.commit}:${ctx.path}`], { cwd: clone });
    expect(await gitOk(['cat-file', '-p', blob.trim()], { cwd: clone })).to.include(token);
    const upstream = (await demo.gw.vault.info(token))!.occurrences[0]!.commitId!;
    expect(upstream).not.to.equal(ctx.commit);
    expect((await git(['cat-file', '-e', upstream], { cwd: clone })).code).not.to.equal(0);
    const mine = await http(`${api}/detokenize-requests?mine=1`, { jwt: jwt.agent });
    expect(JSON.stringify([created.json(), mine.json(), (await http(`${api}/detokenize-requests/${created.json().id}`, { jwt: jwt.agent })).json()])).not.to.include(upstream);
    const seen = await http(`${api}/detokenize-requests/${created.json().id}`, { jwt: jwt.sec });
    expect(seen.json().context).to.include({ commit: ctx.commit, upstreamCommit: upstream, path: ctx.path });
  });
});
