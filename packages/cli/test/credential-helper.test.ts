// git-credential-gitgate: the real helper run by the real git client against a real gateway in OIDC
// mode, and its GitHub Actions source against a local stand-in for the Actions OIDC endpoint.
import { expect } from 'chai';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { GIT_CLEAN_ENV, gitAsync, randomChars } from '@gitgate/testkit';
import { BIN_DIR, runBin, startAgentGateway, type AgentGateway } from './agent-helpers.js';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('git-credential-gitgate', function () {
  this.timeout(120_000);
  let g: AgentGateway;
  let env: NodeJS.ProcessEnv;
  let n = 0;

  /** git with the helper on PATH as `git-credential-gitgate`, configured as `helper` for this command only. */
  const gitWithHelper = (helper: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): ReturnType<typeof gitAsync> =>
    gitAsync(['-c', `credential.helper=${helper}`, ...args], { env: { ...env, ...extraEnv } });
  const cloneDir = (): string => path.join(g.dir, `clone-${++n}`);

  before(async () => {
    g = await startAgentGateway();
    // git finds `gitgate` as git-credential-gitgate on PATH, as npm's bin link installs it.
    const bin = path.join(g.dir, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(path.join(BIN_DIR, 'git-credential-gitgate.js'), path.join(bin, 'git-credential-gitgate'));
    env = { ...GIT_CLEAN_ENV, PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH}` };
  });
  after(async () => {
    await g?.stop();
  });

  it('clones with a token from a file, and no JWT is left in .git/config or anywhere under .git', async () => {
    const dest = cloneDir();
    const r = await gitWithHelper(`gitgate --file ${g.jwtFile.agent}`, ['clone', '-q', `${g.gw.url}/acme/api.git`, dest]);
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dest, 'package.json'))).to.equal(true);
    const config = fs.readFileSync(path.join(dest, '.git', 'config'), 'utf8');
    expect(config).to.include(`url = ${g.gw.url}/acme/api.git`);
    expect(config).not.to.include(g.jwt.agent);
    expect(config).not.to.include(g.jwt.agent.split('.')[2]!);
    const holding = filesUnder(path.join(dest, '.git')).filter((f) => fs.readFileSync(f).includes(g.jwt.agent.split('.')[2]!));
    expect(holding).to.deep.equal([]);
  });

  it('reads the token again at every request, so a refreshed file is used and an expired one refused', async () => {
    const dest = cloneDir();
    const file = path.join(g.dir, 'rotating.jwt');
    fs.writeFileSync(file, await g.issuer.mint('agent-7', ['agents']));
    expect((await gitWithHelper(`gitgate --file ${file}`, ['clone', '-q', `${g.gw.url}/acme/api.git`, dest])).code).to.equal(0);
    fs.writeFileSync(file, await g.issuer.mint('agent-7', ['agents'], { expiresIn: Math.floor(Date.now() / 1000) - 60 }));
    const refused = await gitWithHelper(`gitgate --file ${file}`, ['-C', dest, 'fetch', '-q']);
    expect(refused.code).not.to.equal(0);
    fs.writeFileSync(file, await g.issuer.mint('agent-7', ['agents']));
    const fetched = await gitWithHelper(`gitgate --file ${file}`, ['-C', dest, 'fetch', '-q']);
    expect(fetched.code, fetched.stderr).to.equal(0);
  });

  it('clones with a token printed by --command', async () => {
    const r = await gitWithHelper(`gitgate --command 'cat ${g.jwtFile.agent}'`, ['clone', '-q', `${g.gw.url}/acme/api.git`, cloneDir()]);
    expect(r.code, r.stderr).to.equal(0);
  });

  describe('with GitHub Actions\' OIDC endpoint', () => {
    let actions: Server;
    let requestUrl: string;
    const requestToken = 'gha-' + randomChars(24);
    const asked: { authorization?: string; audience: string | null }[] = [];

    before(async () => {
      // Stands in for ACTIONS_ID_TOKEN_REQUEST_URL: a bearer-checked GET answering {"value": <jwt>} for the asked audience.
      actions = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        asked.push({ authorization: req.headers.authorization, audience: url.searchParams.get('audience') });
        if (req.headers.authorization !== `Bearer ${requestToken}` || url.searchParams.get('api-version') !== '2.0') {
          res.statusCode = 401;
          res.end('{}');
          return;
        }
        void g.issuer.mint('repo:acme/api:ref:refs/heads/main', ['agents'], { audience: url.searchParams.get('audience') ?? 'github' }).then((jwt) => {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ value: jwt }));
        });
      });
      await new Promise<void>((r) => actions.listen(0, '127.0.0.1', r));
      requestUrl = `http://127.0.0.1:${(actions.address() as AddressInfo).port}/token?api-version=2.0`;
    });
    after(async () => {
      await new Promise<void>((r) => actions.close(() => r()));
    });

    it('clones with the job\'s OIDC token for the gateway\'s audience', async () => {
      asked.length = 0;
      const dest = cloneDir();
      const r = await gitWithHelper('gitgate --audience gitgate', ['clone', '-q', `${g.gw.url}/acme/api.git`, dest],
        { ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken });
      expect(r.code, r.stderr).to.equal(0);
      expect(asked[0]).to.deep.equal({ authorization: `Bearer ${requestToken}`, audience: 'gitgate' });
      expect(fs.readFileSync(path.join(dest, '.git', 'config'), 'utf8')).not.to.include(requestToken);
    });

    it('fails with a sentence and no password when the endpoint refuses', async () => {
      const r = await runBin('git-credential-gitgate.js', ['get'], { ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' }, 'protocol=http\nhost=x\n\n');
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.include('the GitHub Actions OIDC endpoint gave no token: HTTP 401');
    });
  });

  it('answers get with username and the token, and nothing for a host outside --host', async () => {
    const input = 'protocol=https\nhost=gitgate.example.test\npath=acme/api.git\n\n';
    const r = await runBin('git-credential-gitgate.js', ['--file', g.jwtFile.agent, 'get'], {}, input);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`username=gitgate\npassword=${g.jwt.agent}\n`);
    const other = await runBin('git-credential-gitgate.js', ['--file', g.jwtFile.agent, '--host', 'gitgate.internal', 'get'], {}, input);
    expect(other).to.include({ code: 0, stdout: '' });
  });

  it('does nothing on store and erase, and exits 2 on bad usage', async () => {
    for (const op of ['store', 'erase']) {
      expect(await runBin('git-credential-gitgate.js', ['--file', g.jwtFile.agent, op], {}, `protocol=https\nhost=h\nusername=gitgate\npassword=${g.jwt.agent}\n\n`)).to.include({ code: 0, stdout: '' });
    }
    expect((await runBin('git-credential-gitgate.js', ['fetch'])).code).to.equal(2);
    expect((await runBin('git-credential-gitgate.js', ['--file', 'a', '--command', 'b', 'get'])).code).to.equal(2);
    const help = await runBin('git-credential-gitgate.js', ['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('usage: git-credential-gitgate');
  });

  it('refuses a file that holds no JWT without printing its content', async () => {
    const file = path.join(g.dir, 'not-a-jwt');
    const content = 'not-a-token-' + randomChars(16);
    fs.writeFileSync(file, content);
    const r = await runBin('git-credential-gitgate.js', ['--file', file, 'get'], {}, 'protocol=https\nhost=h\n\n');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.include('the token file did not give a JWT').and.not.include(content);
  });
});
