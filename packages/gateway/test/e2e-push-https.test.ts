// git push through the gateway to an HTTPS smart-HTTP upstream behind Basic auth: the gateway pushes
// with its own credential (the agent never has it), and the branch lands with the values back.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { authorizationHeader, httpsUpstreamSource } from '@gitgate/mirror';
import { selfSignedCertificate } from '@gitgate/server';
import { randomChars, startGitHttpServer, type GitHttpServer } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { cleanup, demoFixtures, git, gitOk, tempDir } from './helpers/harness.js';

const AGENT = ['-c', 'user.name=Agent Smith', '-c', 'user.email=agent@example.test'];

describe('e2e: git push through the gateway to an HTTPS upstream', function () {
  this.timeout(120_000);
  let dir: string;
  let upstream: GitHttpServer;
  let gw: Gateway;
  const username = 'svc-' + randomChars(10);
  const password = 'pw-' + randomChars(28);

  before(async () => {
    dir = tempDir();
    await (await demoFixtures()).makeDemoRepo(path.join(dir, 'root', 'acme', 'api.git'), { seed: 'c0ffee' });
    const tls = selfSignedCertificate(['git.example.test']);
    const caFile = path.join(dir, 'upstream-ca.pem');
    fs.writeFileSync(caFile, tls.cert);
    const expected = authorizationHeader({ basic: { username, password } });
    upstream = await startGitHttpServer({ projectRoot: path.join(dir, 'root'), tls, authorize: (h) => h === expected });
    gw = await startGateway({
      port: 0, dataDir: path.join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0,
      repos: [{
        name: 'acme/api', push: { branches: ['agent/*'] },
        upstream: httpsUpstreamSource({ url: `${upstream.url}/acme/api.git`, credential: { basic: { username, password } }, caFile }),
      }],
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    cleanup(dir);
  });

  it('pushes with the service credential and the values restored', async () => {
    const clone = path.join(dir, 'clone');
    await gitOk(['clone', '-q', `${gw.url}/acme/api.git`, clone]);
    const env = fs.readFileSync(path.join(clone, '.env'), 'utf8');
    fs.writeFileSync(path.join(clone, '.env'), env + 'FEATURE=on\n');
    await gitOk([...AGENT, '-C', clone, 'commit', '-q', '-am', 'feature flag']);
    const pushed = (await gitOk(['-C', clone, 'rev-parse', 'HEAD'])).trim();
    const r = await git(['-C', clone, 'push', 'origin', 'HEAD:agent/https']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).to.not.contain(password);
    const bare = path.join(dir, 'root', 'acme', 'api.git');
    const real = await gitOk(['--git-dir', bare, 'show', 'main:.env']);
    expect(await gitOk(['--git-dir', bare, 'show', 'agent/https:.env'])).to.equal(real + 'FEATURE=on\n');
    expect(upstream.refused).to.equal(0);
    const f = await git(['-C', clone, 'fetch', 'origin']);
    expect(f.code, f.stderr).to.equal(0);
    expect((await gitOk(['-C', clone, 'rev-parse', 'origin/agent/https'])).trim()).to.equal(pushed);
  });
});
