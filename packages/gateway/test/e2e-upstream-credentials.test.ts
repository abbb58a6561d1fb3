// End to end through the gateway: an HTTPS upstream (git http-backend behind Basic auth, self-signed
// certificate from tls.ts) and a GitHub organisation resolved by the connector (a local stand-in for the
// REST API and a git upstream that demands the App installation token). The clone works, the planted
// secrets are tokens, and the service credential is nowhere: not in what the client receives, not in
// the logs, not in the audit database nor any other file of the data directory.
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GitHubConnector, authorizationHeader, httpsUpstreamSource } from '@gitgate/mirror';
import type { Logger } from '@gitgate/log';
import { selfSignedCertificate } from '@gitgate/server';
import { startGateway, type Gateway } from '../src/index.js';
import { allObjects, cleanup, demoFixtures, git, gitOk, tempDir, type PlantedSecret } from './helpers/harness.js';
import { startGitHttpServer, type GitHttpServer } from '@gitgate/testkit';
import { startFakeGitHub, type FakeGitHub } from '@gitgate/testkit';

function randomText(n: number): string {
  const abc = 'abcdefghijkmnpqrstuvwxyz23456789';
  let s = '';
  for (let i = 0; i < n; i++) s += abc[Math.floor(Math.random() * abc.length)];
  return s;
}

function capture(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, meta?: object): void => { lines.push(`${level} ${msg} ${JSON.stringify(meta ?? {})}`); };
  return { logger: { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') }, text: () => lines.join('\n') };
}

/** Every file under `root`, as latin1 text (SQLite files and their WAL included). */
function everyFile(root: string): string {
  let out = '';
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out += fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1');
  }
  return out;
}

function expectAbsent(haystack: string, needles: string[], where: string): void {
  for (const n of needles) expect(haystack.includes(n), `${where} holds a credential`).to.equal(false);
}

describe('e2e: upstreams that require a credential', function () {
  this.timeout(120_000);

  describe('an HTTPS upstream behind Basic auth with a self-signed certificate', () => {
    let dir: string;
    let upstream: GitHttpServer;
    let gw: Gateway;
    let logs: ReturnType<typeof capture>;
    let secrets: PlantedSecret[];
    const username = 'svc-' + randomText(10);
    const password = 'pw-' + randomText(28);
    const credentialForms = (): string[] => [password, username, Buffer.from(`${username}:${password}`).toString('base64')];

    before(async () => {
      dir = tempDir();
      ({ secrets } = await (await demoFixtures()).makeDemoRepo(path.join(dir, 'root', 'acme', 'api.git'), { seed: 'c0ffee' }));
      const tls = selfSignedCertificate(['git.example.test']);
      const caFile = path.join(dir, 'upstream-ca.pem');
      fs.writeFileSync(caFile, tls.cert);
      const expected = authorizationHeader({ basic: { username, password } });
      upstream = await startGitHttpServer({ projectRoot: path.join(dir, 'root'), tls, authorize: (h) => h === expected });
      logs = capture();
      gw = await startGateway({
        port: 0, dataDir: path.join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, logger: logs.logger,
        repos: [
          { name: 'acme/api', upstream: httpsUpstreamSource({ url: `${upstream.url}/acme/api.git`, credential: { basic: { username, password } }, caFile }) },
          { name: 'acme/wrong', upstream: httpsUpstreamSource({ url: `${upstream.url}/acme/api.git`, credential: { basic: { username, password: password + 'x' } }, caFile }) },
        ],
      });
    });

    after(async () => {
      await gw?.close();
      await upstream?.close();
      cleanup(dir);
    });

    it('clones through the gateway with every planted secret replaced', async () => {
      const r = await git(['clone', '--mirror', `${gw.url}/acme/api.git`, path.join(dir, 'clone.git')]);
      expect(r.code, r.stderr).to.equal(0);
      const objects = await allObjects(path.join(dir, 'clone.git'));
      expect(objects).to.match(/\[\[TOKEN_/);
      for (const s of secrets) expect(objects.includes(s.value), s.where).to.equal(false);
      expectAbsent(objects + r.stdout + r.stderr, credentialForms(), 'the clone or the client output');
    });

    it('sent the credential to the upstream on every request', () => {
      expect(upstream.authorizations.length).to.be.greaterThan(0);
      expect(upstream.refused).to.equal(0);
    });

    it('fails a clone whose upstream refuses the credential, without showing it', async () => {
      const r = await git(['clone', `${gw.url}/acme/wrong.git`, path.join(dir, 'clone-wrong')]);
      expect(r.code).to.not.equal(0);
      expect(upstream.refused).to.be.greaterThan(0);
      expect(r.stderr).to.include("gitgate: acme/wrong: the upstream repository refused the gateway's credential");
      expectAbsent(r.stdout + r.stderr, [...credentialForms(), password + 'x'], 'the client output');
    });

    it('keeps the credential out of the logs', () => {
      expect(logs.text()).to.contain('acme/api');
      expectAbsent(logs.text(), [...credentialForms(), password + 'x'], 'the logs');
    });

    it('keeps the credential out of the audit database and every other file of the data directory', async () => {
      const disk = everyFile(path.join(dir, 'data'));
      expect(disk).to.contain('acme/api');
      expectAbsent(disk, [...credentialForms(), password + 'x'], 'the data directory');
    });
  });

  describe('a rotated upstream credential at reload', () => {
    let dir: string;
    let upstream: GitHttpServer;
    let gw: Gateway;
    const username = 'svc-' + randomText(10);
    const oldPassword = 'pw-' + randomText(28);
    const newPassword = 'pw-' + randomText(28);
    const header = (password: string): string => authorizationHeader({ basic: { username, password } });
    // What the upstream accepts; rotating it there is what makes the gateway's old credential useless.
    let accepted = header(oldPassword);
    const source = (password: string) => httpsUpstreamSource({ url: `${upstream.url}/acme/api.git`, credential: { basic: { username, password } }, allowInsecureHttp: true });

    before(async () => {
      dir = tempDir();
      await (await demoFixtures()).makeDemoRepo(path.join(dir, 'root', 'acme', 'api.git'), { seed: 'a07a7e' });
      upstream = await startGitHttpServer({ projectRoot: path.join(dir, 'root'), authorize: (h) => h === accepted });
      gw = await startGateway({ port: 0, dataDir: path.join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, repos: [{ name: 'acme/api', upstream: source(oldPassword) }] });
      await gitOk(['ls-remote', `${gw.url}/acme/api.git`]);
    });

    after(async () => {
      await gw?.close();
      await upstream?.close();
      cleanup(dir);
    });

    it('counts a repository whose credential alone changed as changed, and its next sync sends the new credential', async () => {
      accepted = header(newPassword);
      const { changed } = gw.reload({ repos: [{ name: 'acme/api', upstream: source(newPassword) }] });
      expect(changed).to.deep.equal(['acme/api']);
      const sent = upstream.authorizations.length;
      const r = await git(['clone', '--mirror', `${gw.url}/acme/api.git`, path.join(dir, 'clone.git')]);
      expect(r.code, r.stderr).to.equal(0);
      expect(upstream.authorizations.slice(sent)).to.include(header(newPassword));
      expect(upstream.authorizations.slice(sent)).to.not.include(header(oldPassword));
    });

    it('counts a reload with the same credential as no change', () => {
      const { added, changed, removed } = gw.reload({ repos: [{ name: 'acme/api', upstream: source(newPassword) }] });
      expect({ added, changed, removed }).to.deep.equal({ added: [], changed: [], removed: [] });
    });
  });

  describe('a GitHub organisation through the connector', () => {
    let dir: string;
    let upstream: GitHttpServer;
    let api: FakeGitHub;
    let gw: Gateway;
    let logs: ReturnType<typeof capture>;
    let now = Date.parse('2030-01-02T03:04:05Z');
    const clock = (): number => now;
    const app = { appId: 77, installationId: 4242 };
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

    before(async () => {
      dir = tempDir();
      await (await demoFixtures()).makeDemoRepo(path.join(dir, 'root', 'acme', 'api.git'), { seed: 'beef' });
      const tls = selfSignedCertificate(['git.example.test']);
      const caFile = path.join(dir, 'upstream-ca.pem');
      fs.writeFileSync(caFile, tls.cert);
      upstream = await startGitHttpServer({
        projectRoot: path.join(dir, 'root'), tls,
        authorize: (h) => {
          const [user, token] = Buffer.from((h ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
          return user === 'x-access-token' && token !== undefined && api.accepts(token);
        },
      });
      api = await startFakeGitHub({
        org: 'acme', clock, app: { ...app, publicKey: keys.publicKey },
        repos: [{ name: 'api', cloneUrl: `${upstream.url}/acme/api.git` }, { name: 'internal-secrets' }],
      });
      const connector = new GitHubConnector({
        org: 'acme', include: ['api', 'web-*'], baseUrl: api.url, clock,
        auth: { app: { ...app, privateKey: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() } },
      });
      const repos = await connector.resolve();
      logs = capture();
      gw = await startGateway({
        port: 0, dataDir: path.join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, logger: logs.logger,
        repos: repos.map((r) => ({ name: r.name, upstream: connector.upstreamSource(r, { caFile }) })),
      });
    });

    after(async () => {
      await gw?.close();
      await upstream?.close();
      await api?.close();
      cleanup(dir);
    });

    it('exposes the repositories the organisation listing matched, and only those', () => {
      expect([...gw.repos.keys()]).to.deep.equal(['acme/api']);
    });

    it('clones a resolved repository from the upstream that demands the installation token', async () => {
      await gitOk(['clone', '--quiet', `${gw.url}/acme/api.git`, path.join(dir, 'clone')]);
      expect(fs.readdirSync(path.join(dir, 'clone'))).to.include('README.md');
      expect(api.issued.length).to.equal(1);
    });

    it('fetches again with a fresh installation token after the first one expired', async () => {
      now += 61 * 60_000;
      const seen = upstream.authorizations.length;
      await gitOk(['fetch', '--quiet', 'origin'], { cwd: path.join(dir, 'clone') });
      expect(api.issued.length).to.equal(2);
      expect(upstream.authorizations.slice(seen)).to.include(authorizationHeader({ token: api.issued[1].token }));
    });

    it('refuses a repository the include globs left out', async () => {
      const r = await git(['ls-remote', `${gw.url}/acme/internal-secrets.git`]);
      expect(r.code).to.not.equal(0);
    });

    it('keeps the installation tokens out of the logs and the data directory', () => {
      const text = logs.text() + everyFile(path.join(dir, 'data'));
      for (const t of api.issued) expect(text.includes(t.token)).to.equal(false);
    });
  });
});
