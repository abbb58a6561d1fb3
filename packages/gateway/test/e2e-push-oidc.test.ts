// git push through the gateway with OIDC: only the repository's writers may push; a reader's push is
// refused with a sentence; the push record names who pushed.
import { expect } from 'chai';
import fs from 'node:fs';
import { join } from 'node:path';
import { startIssuer, type TestIssuer } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { cleanup, demoFixtures, git, gitOk, tempDir } from './helpers/harness.js';

const AGENT = ['-c', 'user.name=Agent Smith', '-c', 'user.email=agent@example.test'];

describe('e2e: git push with OIDC writers', function () {
  this.timeout(120_000);
  let dir: string;
  let issuer: TestIssuer;
  let gw: Gateway;
  let upstream: string;
  let writer: string;
  let reader: string;

  before(async () => {
    dir = tempDir();
    issuer = await startIssuer('gitgate');
    upstream = join(dir, 'upstream', 'api.git');
    await (await demoFixtures()).makeDemoRepo(upstream, { seed: '5eed' });
    gw = await startGateway({
      port: 0, dataDir: join(dir, 'data'), coalesceMs: 0, auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' },
      repos: [{ name: 'acme/api', upstream: { url: upstream }, push: { branches: ['agent/*'] } }],
      policy: {
        repos: [{ name: 'acme/api', readers: ['agents', 'readers'], writers: ['agents'] }],
        detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
        admins: ['security-admins'],
      },
    });
    writer = await issuer.mint('agent-7', ['agents']);
    reader = await issuer.mint('rita', ['readers']);
  });
  after(async () => {
    await gw?.close();
    await issuer?.close();
    cleanup(dir);
  });

  const as = (jwt: string): string[] => ['-c', `http.extraHeader=Authorization: Bearer ${jwt}`];

  async function cloneAndCommit(jwt: string, name: string): Promise<string> {
    const clone = join(dir, name);
    await gitOk([...as(jwt), 'clone', '-q', `${gw.url}/acme/api.git`, clone]);
    fs.writeFileSync(join(clone, 'README.md'), `by ${name}\n`);
    await gitOk([...AGENT, '-C', clone, 'commit', '-qam', name]);
    return clone;
  }

  it('refuses a reader who is not a writer, with a sentence', async () => {
    const clone = await cloneAndCommit(reader, 'rita');
    const r = await git([...as(reader), '-C', clone, 'push', 'origin', 'HEAD:agent/rita']);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("you may not push to acme/api: you are not in its writers' groups");
    expect((await git(['--git-dir', upstream, 'rev-parse', '--verify', 'refs/heads/agent/rita'])).code).to.not.equal(0);
  });

  it('takes a writer\'s push and records who pushed it', async () => {
    const clone = await cloneAndCommit(writer, 'agent');
    const r = await git([...as(writer), '-C', clone, 'push', 'origin', 'HEAD:agent/seven']);
    expect(r.code, r.stderr).to.equal(0);
    expect(await gitOk(['--git-dir', upstream, 'show', 'agent/seven:README.md'])).to.equal('by agent\n');
    await gw.audit.flush();
    const rows = await gw.audit.pushes({ repo: 'acme/api' });
    expect(rows.filter((p) => p.ref === 'refs/heads/agent/seven').sort((a, b) => a.seq - b.seq).map((p) => [p.actor, p.outcome])).to.deep.equal([['agent-7', 'pushing'], ['agent-7', 'ok']]);
  });

  it('refuses an unauthenticated push with 401 and git\'s credential prompt turned off', async () => {
    const clone = join(dir, 'agent');
    const r = await git(['-C', clone, 'push', `${gw.url}/acme/api.git`, 'HEAD:agent/anon']);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/Authentication failed|could not read Username|401/);
  });
});
