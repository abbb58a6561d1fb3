// The real `gitgate` binary: check-config, and serve driven by the real git client.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GIT_ENV, randomChars, startIssuer, type TestIssuer } from '@gitgate/testkit';

/** packages/cli/bin/gitgate.js, from packages/cli/dist/test. */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'gitgate.js');


function git(args: string[], cwd?: string): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout.toString('latin1');
}

/** Runs the binary to completion. */
function gitgate(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

describe('gitgate binary', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }); });

  const writeConfig = (text: string): string => {
    const file = path.join(dir, 'gitgate.yaml');
    fs.writeFileSync(file, text);
    return file;
  };

  describe('check-config', () => {
    it('exits 0 and summarises a good file', () => {
      const file = writeConfig('listen: 127.0.0.1:9090\nauth: { mode: none }\nrepos:\n  - name: acme/api\n    upstream: ./up.git\n');
      const r = gitgate(['check-config', file], os.tmpdir());
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal(`ok: 1 repositories, listening on 127.0.0.1:9090, data in ${path.join(dir, 'data')}\n`);
    });

    it('names the masking policy of each repository that has one, and refuses one that names nothing', () => {
      const file = writeConfig('auth: { mode: none }\nrepos:\n  - { name: acme/fixtures, upstream: ./up.git, mask: { leave: [private-key, jwt] } }\n');
      const r = gitgate(['check-config', file], dir);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/\n {2}acme\/fixtures leaves private-key, jwt \(ruleset [0-9a-f]{16}\)\n$/);
      const bad = gitgate(['check-config', writeConfig('auth: { mode: none }\nrepos:\n  - { name: acme/fixtures, upstream: ./up.git, mask: { leave: [keys] } }\n')], dir);
      expect(bad.code).to.not.equal(0);
      expect(bad.stderr).to.include('repos[0].mask.leave: "keys" is not a rule id, token type or rule family');
    });

    it('names who may push where for each repository with a push block, and refuses a bad branch glob', () => {
      const file = writeConfig('auth: { mode: none }\nrepos:\n  - { name: acme/api, upstream: ./up.git, push: { branches: [agent/*, +agent/scratch/**], tags: [agent-*] } }\n  - { name: acme/web, upstream: ./web.git }\n');
      const r = gitgate(['check-config', file], dir);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/\n {2}acme\/api accepts pushes from everyone \(auth mode none\) to branches agent\/\*, \+agent\/scratch\/\*\*; tags agent-\*; deletes no\n$/);
      const bad = gitgate(['check-config', writeConfig('auth: { mode: none }\nrepos:\n  - { name: acme/api, upstream: ./up.git, push: { branches: [refs/heads/main] } }\n')], dir);
      expect(bad.code).to.not.equal(0);
      expect(bad.stderr).to.include('repos[0].push.branches[0]: names a branch or tag without its refs/heads/ or refs/tags/ prefix');
    });

    it('exits non-zero with every problem on stderr for a bad file', () => {
      const file = writeConfig('listen: nowhere\nauth: { mode: none }\nrepos:\n  - name: acme/api\n  - name: ../x\n    upstream: /a\n');
      const r = gitgate(['check-config', file], dir);
      expect(r.code).to.not.equal(0);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.include('listen: must be HOST:PORT');
      expect(r.stderr).to.include('repos[0].upstream: required');
      expect(r.stderr).to.include('repos[1].name: must be path segments');
    });

    it('exits non-zero for a file that does not exist', () => {
      const r = gitgate(['check-config', path.join(dir, 'missing.yaml')], dir);
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.include('cannot read the file');
    });
  });

  it('exits 2 with the usage for an unknown command', () => {
    const r = gitgate(['frobnicate'], dir);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('unknown command frobnicate');
    expect(r.stderr).to.include('gitgate serve --config FILE');
  });

  describe('serve', () => {
    let child: ChildProcess | undefined;
    // SIGTERM first: the gateway closes after its running sync, so no git child of it is still writing
    // into the data directory when the outer afterEach removes it; SIGKILL only if it does not stop.
    afterEach(async () => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
      if (!stopped) {
        proc.kill('SIGKILL');
        await exited;
      }
    });

    /** Starts `serve` and resolves with the clone URL it prints. */
    const start = (file: string): Promise<{ url: string; exited: Promise<number | null>; logs: () => string; printed: () => string }> => {
      const proc = spawn(process.execPath, [BIN, 'serve', '--config', file], { cwd: dir, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
      let out = '';
      let err = '';
      proc.stderr!.on('data', (c: Buffer) => { err += c.toString('utf8'); });
      return new Promise((resolve, reject) => {
        proc.stdout!.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const m = /^ {2}git clone (http:\/\/127\.0\.0\.1:\d+\/acme\/api\.git)(?: .*)?$/m.exec(out);
          if (m) resolve({ url: m[1]!, exited, logs: () => err, printed: () => out });
        });
        void exited.then((code) => reject(new Error(`serve exited early (${code}): ${out}${err}`)));
      });
    };

    const makeUpstream = (): string => {
      const work = path.join(dir, 'work');
      fs.mkdirSync(work);
      git(['init', '--quiet', '-b', 'main', work]);
      fs.writeFileSync(path.join(work, 'README.md'), '# api\n');
      git(['add', 'README.md'], work);
      git(['commit', '--quiet', '-m', 'first'], work);
      const bare = path.join(dir, 'upstream', 'api.git');
      git(['clone', '--quiet', '--bare', work, bare]);
      return git(['--git-dir', bare, 'rev-parse', 'refs/heads/main']).trim();
    };

    const CONFIG = 'listen: 127.0.0.1:0\nauth: { mode: none }\nlog: { level: error }\nrepos:\n  - name: acme/api\n    upstream: upstream/api.git\n';

    /** The real git client, without blocking this process (the test OIDC issuer runs in it). */
    const gitAsync = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => new Promise((resolve) => {
      const p = spawn('git', args, { env: GIT_ENV });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (c: Buffer) => { stdout += c.toString('latin1'); });
      p.stderr.on('data', (c: Buffer) => { stderr += c.toString('latin1'); });
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    const lsRemote = (url: string): Promise<{ code: number | null; stdout: string; stderr: string }> => gitAsync(['ls-remote', url]);

    it('listens on a free port for listen port 0 and prints the clone command with it', async () => {
      makeUpstream();
      const { url } = await start(writeConfig(CONFIG));
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/acme\/api\.git$/);
    });

    it('answers a real git ls-remote with the upstream refs', async () => {
      const mainId = makeUpstream();
      const { url } = await start(writeConfig(CONFIG));
      const r = await lsRemote(url);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include(`${mainId}\trefs/heads/main\n`);
    });

    it('stops with exit code 0 on SIGTERM', async () => {
      makeUpstream();
      const { url, exited } = await start(writeConfig(CONFIG));
      expect((await lsRemote(url)).code).to.equal(0);
      child!.kill('SIGTERM');
      expect(await exited).to.equal(0);
    });
    it('applies an edited config on SIGHUP: a new repository is served, a removed one is not', async () => {
      makeUpstream();
      const file = writeConfig(CONFIG);
      const { url } = await start(file);
      expect((await lsRemote(url)).code).to.equal(0);
      const other = url.replace('/acme/api.git', '/acme/other.git');
      expect((await lsRemote(other)).code).to.not.equal(0);
      fs.writeFileSync(file, 'listen: 127.0.0.1:0\nauth: { mode: none }\nlog: { level: error }\nrepos:\n  - name: acme/other\n    upstream: upstream/api.git\n');
      child!.kill('SIGHUP');
      let served = false;
      for (let i = 0; i < 300 && !served; i++) {
        await new Promise((r) => setTimeout(r, 100));
        served = (await lsRemote(other)).code === 0;
      }
      expect(served).to.equal(true);
      const gone = await lsRemote(url);
      expect(gone.code).to.not.equal(0);
      expect(gone.stderr).to.include('not served by this gateway');
    });

    describe('with OIDC', () => {
      let issuer: TestIssuer;
      before(async () => { issuer = await startIssuer('gitgate'); });
      after(async () => { await issuer?.close(); });

      const oidcConfig = (approvers: string[]): string => [
        'listen: 127.0.0.1:0', `auth: { mode: oidc, issuer: "${issuer.issuer}", audience: gitgate }`, 'log: { level: error }',
        `detokenize: { requesters: [agents], approvers: [${approvers.join(', ')}] }`,
        'repos:', '  - name: acme/api', '    upstream: upstream/api.git', '    readers: [agents]', '',
      ].join('\n');

      it('prints the clone command with how to send the OIDC token, since a bare clone would answer 401', async () => {
        makeUpstream();
        const { url, printed } = await start(writeConfig(oidcConfig(['security'])));
        const line = printed().split('\n').find((l) => l.startsWith(`  git clone ${url}`));
        expect(line).to.include('Authorization: Bearer <JWT>');
      });

      it('applies an approver removed from the config on SIGHUP: that approver is refused, the other still approves', async () => {
        makeUpstream();
        const work = path.join(dir, 'work');
        // A fake token built at run time, so no secret-shaped literal lives in the repository.
        fs.writeFileSync(path.join(work, 'app.env'), `GITHUB_TOKEN=${'gh' + 'p_' + randomChars(36)}\n`);
        git(['add', 'app.env'], work);
        git(['commit', '--quiet', '-m', 'configure'], work);
        git(['push', '--quiet', path.join(dir, 'upstream', 'api.git'), 'main'], work);
        const file = writeConfig(oidcConfig(['security', 'security-2']));
        const { url } = await start(file);
        const api = url.replace('/acme/api.git', '/api/v1');
        const [agent, alice, bob] = await Promise.all([issuer.mint('agent-7', ['agents']), issuer.mint('alice', ['security']), issuer.mint('bob', ['security-2'])]);
        const clone = await gitAsync(['clone', '--quiet', url.replace('http://', `http://agent:${agent}@`), path.join(dir, 'clone')]);
        expect(clone.code, clone.stderr).to.equal(0);
        const token = /\[\[TOKEN_[^\]]+\]\]/.exec(fs.readFileSync(path.join(dir, 'clone', 'app.env'), 'utf8'))?.[0];
        expect(token, 'the clone holds a token for the planted value').to.be.a('string');
        const created = await fetch(`${api}/detokenize-requests`, { method: 'POST', headers: { Authorization: `Bearer ${agent}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ token, reason: 'rotate it' }) });
        expect(created.status, await created.clone().text()).to.equal(201);
        const { id } = await created.json() as { id: string };
        fs.writeFileSync(file, oidcConfig(['security-2']));
        child!.kill('SIGHUP');
        // The reload is applied when alice may no longer list requests (approvers and admins only).
        let listStatus = 0;
        for (let i = 0; i < 300 && listStatus !== 403; i++) {
          await new Promise((r) => setTimeout(r, 100));
          listStatus = (await fetch(`${api}/detokenize-requests`, { headers: { Authorization: `Bearer ${alice}` } })).status;
        }
        expect(listStatus).to.equal(403);
        const approve = (jwt: string): Promise<Response> => fetch(`${api}/detokenize-requests/${id}/approve`, { method: 'POST', headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' }, body: '{}' });
        const refused = await approve(alice);
        expect(refused.status).to.equal(403);
        expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('GITGATE_FORBIDDEN');
        const approved = await approve(bob);
        expect(approved.status).to.equal(200);
        expect(((await approved.json()) as { status: string }).status).to.equal('approved');
      });
    });

    it('keeps serving the old configuration when the edited file is invalid', async () => {
      makeUpstream();
      const file = writeConfig(CONFIG);
      const { url, logs } = await start(file);
      fs.writeFileSync(file, 'listen: nope\nrepos: 7\n');
      child!.kill('SIGHUP');
      // Wait for the gateway to say it refused the file (error level), not for a fixed time.
      for (let i = 0; i < 500 && !logs().includes('configuration reload refused'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(logs()).to.include('configuration reload refused');
      const r = await lsRemote(url);
      expect(r.code, r.stderr).to.equal(0);
    });
  });
});
