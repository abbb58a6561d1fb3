// `gitgate token …`, the real binary against a real gateway in OIDC mode; approvals through the API.
import { expect } from 'chai';
import path from 'node:path';
import { GIT_ENV, gitAsync, http } from '@gitgate/testkit';
import { runBin, startAgentGateway, type AgentGateway, type BinRun } from './agent-helpers.js';

describe('gitgate token', function () {
  this.timeout(120_000);
  let g: AgentGateway;
  let api: string;
  let tokens: string[];

  /** `gitgate token …` as the agent (its JWT from a file), or as `who`. */
  const token = (args: string[], who: keyof AgentGateway['jwtFile'] = 'agent'): Promise<BinRun> =>
    runBin('gitgate.js', ['token', ...args, '--gateway', g.gw.url, '--token-file', g.jwtFile[who]]);
  /** The agent's pending request for `t`, once the binary made it. */
  const pendingFor = async (t: string): Promise<string> => {
    for (let i = 0; i < 200; i++) {
      const items = (await http(`${api}/detokenize-requests?status=pending`, { jwt: g.jwt.sec })).json().items as { id: string; token: string }[];
      const found = items.find((r) => r.token === t);
      if (found) return found.id;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no pending request for ${t}`);
  };
  const decide = async (id: string, verb: 'approve' | 'deny'): Promise<void> => {
    const r = await http(`${api}/detokenize-requests/${id}/${verb}`, { method: 'POST', jwt: g.jwt.sec, body: { comment: 'checked' } });
    expect(r.status, r.text).to.equal(200);
  };

  before(async () => {
    g = await startAgentGateway();
    api = `${g.gw.url}/api/v1`;
    const clone = path.join(g.dir, 'clone');
    const cloned = await gitAsync(['clone', '-q', `${g.gw.url}/acme/api.git`.replace('http://', `http://agent:${g.jwt.agent}@`), clone], { env: GIT_ENV });
    expect(cloned.code, cloned.stderr).to.equal(0);
    tokens = await g.tokensIn(clone);
    expect(tokens.length).to.be.at.least(5);
  });
  after(async () => {
    await g?.stop();
  });

  it('waits for an approval made through the API, then prints the secret once on stdout', async () => {
    const t = tokens.pop()!;
    const run = token(['request', t, '--reason', 'rotate the key', '--wait', '--interval', '100ms']);
    await decide(await pendingFor(t), 'approve');
    const r = await run;
    expect(r.code, r.stderr).to.equal(0);
    expect(g.secrets).to.include(r.stdout);
    expect(r.stderr).to.match(/waiting for approval of request [0-9a-f-]{36}: 0 of 1 approvals/);
    expect(r.stderr).to.include(`revealed ${t}`);
    expect(r.stderr).not.to.include(r.stdout);
  });

  it('takes the ref-safe form of a token, without brackets, so a shell needs no quoting', async () => {
    const t = tokens.pop()!;
    const run = token(['request', t.slice(2, -2), '--reason', 'deploy', '--wait', '--interval', '100ms']);
    await decide(await pendingFor(t), 'approve');
    expect((await run).code).to.equal(0);
  });

  it('reuses the caller\'s open request for the same token instead of failing with 409', async () => {
    const t = tokens.pop()!;
    const created = await http(`${api}/detokenize-requests`, { method: 'POST', jwt: g.jwt.agent, body: { token: t, reason: 'first' } });
    const r = await token(['request', t, '--reason', 'again']);
    expect(r.code).to.equal(3);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.include(`you already asked for ${t}: request ${created.json().id} is pending`);
    await decide(created.json().id, 'approve');
    const revealed = await token(['request', t, '--reason', 'again']);
    expect(revealed.code, revealed.stderr).to.equal(0);
    expect(g.secrets).to.include(revealed.stdout);
  });

  it('exits 1 with the approver\'s comment when the request is denied', async () => {
    const t = tokens.pop()!;
    const run = token(['request', t, '--reason', 'curious', '--wait', '--interval', '100ms']);
    await decide(await pendingFor(t), 'deny');
    const r = await run;
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(/request [0-9a-f-]{36} was denied by alice: checked/);
  });

  it('exits 3 when --timeout passes with the request still pending', async () => {
    const r = await token(['request', tokens.pop()!, '--reason', 'later', '--wait', '--timeout', '300ms', '--interval', '100ms']);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.include('is still pending (0 of 1 approvals)');
  });

  it('lists only the caller\'s own requests, with the served commit and path of each token', async () => {
    const theirs = tokens.pop()!;
    await http(`${api}/detokenize-requests`, { method: 'POST', jwt: g.jwt.other, body: { token: theirs, reason: 'x' } });
    const r = await token(['list', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const items = JSON.parse(r.stdout) as { requester: string; token: string; context: Record<string, unknown> }[];
    expect(items.length).to.be.at.least(5);
    expect(items.every((x) => x.requester === 'agent-7')).to.equal(true);
    expect(items.map((x) => x.token)).not.to.include(theirs);
    expect(items.every((x) => !('upstreamCommit' in x.context))).to.equal(true);
    const table = await token(['list', '--status', 'denied']);
    expect(table.stdout.split('\n').filter(Boolean)).to.have.length(2);
  });

  it('gets a fresh OIDC token from --token-command', async () => {
    const r = await runBin('gitgate.js', ['token', 'list', '--gateway', g.gw.url, '--token-command', `cat '${g.jwtFile.agent}'`]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.split('\n')[0]).to.equal('ID\tSTATUS\tTOKEN\tCREATED\tWHERE');
  });

  it('shows token metadata to admins and revokes a token, and refuses both to an agent', async () => {
    const t = tokens.pop()!;
    expect((await token(['revoke', t])).code).to.equal(1);
    expect((await token(['revoke', t], 'admin')).stdout).to.equal(`revoked ${t}\n`);
    const info = await token(['info', t], 'admin');
    expect(info.code, info.stderr).to.equal(0);
    expect(JSON.parse(info.stdout).revokedAt).to.be.a('string');
    const refused = await token(['info', t]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('token metadata is for admins');
  });

  it('answers --help for each command and exits 2 on bad usage', async () => {
    for (const sub of ['request', 'list', 'info', 'revoke']) {
      const r = await runBin('gitgate.js', ['token', sub, '--help']);
      expect(r.code, sub).to.equal(0);
      expect(r.stdout, sub).to.include(`usage: gitgate token ${sub}`);
    }
    expect((await runBin('gitgate.js', ['token', 'request', tokens[0]!])).stderr).to.include('give --gateway URL or set GITGATE_URL');
    expect((await runBin('gitgate.js', ['token', 'list'], { GITGATE_URL: g.gw.url })).code).to.equal(2);
    expect((await token(['list', '--wait'])).code).to.equal(2);
    expect((await token(['request', tokens[0]!, '--timeout', 'soon'])).code).to.equal(2);
  });
});
