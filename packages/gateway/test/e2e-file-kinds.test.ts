// The gateway decides per file kind: a rule limited to config files tokenizes `auth=<value>` in a
// .env and leaves the same assignment in Python code as it is, over a real clone.
import { expect } from 'chai';
import fs from 'node:fs';
import { join } from 'node:path';
import { randomChars } from '@gitgate/testkit';
import { compileCustomRules, createScanner } from '@gitgate/scanner';
import { startGateway, type Gateway } from '../src/index.js';
import { allObjects, cleanup, gitOk, revealTokens, tempDir } from './helpers/harness.js';

const TOKEN = /\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]{24}\]\]/g;

/** A test-only custom rule, as the config would give it: bare `auth=` values are literals only in config files. */
function configOnlyScanner(): ReturnType<typeof createScanner> {
  const { rules, problems } = compileCustomRules([{
    id: 'test-bare-auth', type: 'bare-auth', regex: '\\bauth\\s*=\\s*(?<secret>[A-Za-z0-9_]{8,64})', keywords: ['auth'],
    confidence: 'medium', fileKinds: ['config'],
  }], 'scanner.rules');
  expect(problems).to.deep.equal([]);
  // Without the built-in generic rule, which (for now) takes `auth=` in code too.
  return createScanner({ rules: [...createScanner().rules.filter((r) => r.id !== 'generic-secret-assignment'), ...rules] });
}

describe('e2e: file kinds decide per tree entry name', function () {
  this.timeout(120_000);
  let dir: string;
  let gw: Gateway;
  const value = 'wrong_auth_' + randomChars(12);

  before(async () => {
    dir = tempDir();
    const work = join(dir, 'work');
    const upstream = join(dir, 'upstream.git');
    await gitOk(['init', '-q', '-b', 'main', work]);
    fs.writeFileSync(join(work, 'test_auth.py'), `def test_auth(url, wrong_auth):\n    r = requests.get(url, auth=wrong_auth)\n    s.auth = wrong_auth\n`);
    fs.writeFileSync(join(work, '.env'), `auth=${value}\n`);
    fs.writeFileSync(join(work, 'client.py'), `session.auth=${value}\n`);
    fs.writeFileSync(join(work, 'client.env'), `session.auth=${value}\n`);
    await gitOk(['-C', work, 'add', '-A']);
    await gitOk(['-C', work, '-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-q', '-m', 'one']);
    await gitOk(['clone', '-q', '--bare', work, upstream]);
    gw = await startGateway({
      port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, scanner: configOnlyScanner(),
      repos: [{ name: 'acme/kinds', upstream: { url: upstream } }],
    });
  });
  after(async () => {
    await gw.close();
    cleanup(dir);
  });

  it('keeps code in a .py file as it is and tokenizes the value in a .env', async () => {
    const dest = join(dir, 'clone');
    await gitOk(['clone', '-q', `${gw.url}/acme/kinds.git`, dest]);
    const py = fs.readFileSync(join(dest, 'test_auth.py'), 'utf8');
    expect(py).to.equal(`def test_auth(url, wrong_auth):\n    r = requests.get(url, auth=wrong_auth)\n    s.auth = wrong_auth\n`);
    const env = fs.readFileSync(join(dest, '.env'), 'utf8');
    const tokens = env.match(TOKEN) ?? [];
    expect(env).to.equal(`auth=${tokens[0]}\n`);
    expect([...(await revealTokens(gw, env)).values()]).to.deep.equal([value]);
  });

  it('tokenizes one blob under its .py name too when the same sync also names it .env', async () => {
    // client.py and client.env hold the same bytes: one blob. The .env name keeps the finding, so the
    // .py name must not reveal it.
    const dest = join(dir, 'clone-2');
    await gitOk(['clone', '-q', '--bare', `${gw.url}/acme/kinds.git`, dest]);
    const py = await gitOk(['--git-dir', dest, 'cat-file', 'blob', 'main:client.py']);
    // The test rule or the generic rule for bare values in config (both config-only) takes it.
    expect(py).to.match(/^session\.auth=\[\[TOKEN_(?:bare-auth|generic-secret)_[A-Z2-7]{24}\]\]\n$/);
    expect(await gitOk(['--git-dir', dest, 'rev-parse', 'main:client.py'])).to.equal(await gitOk(['--git-dir', dest, 'rev-parse', 'main:client.env']));
    expect((await allObjects(dest)).includes(value)).to.equal(false);
    await gitOk(['--git-dir', dest, 'fsck', '--full', '--strict']);
  });
});
