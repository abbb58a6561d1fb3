// The GitHub connector against a local server implementing the REST endpoints it uses (through
// Octokit's baseUrl): org listing with pagination and globs, App installation tokens minted with a
// locally signed JWT and refreshed on a controlled clock, and syncs from a git upstream that demands them.
import { expect } from 'chai';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { MirrorError } from '../src/index.js';
import { GitHubConnector, appJwt, type GitHubConnectorOptions } from '../src/github-connector.js';
import { authorizationHeader } from '../src/upstream-credentials.js';
import { startFakeGitHub, fakeInstallationToken, type FakeGitHub, type FakeRepo } from '@gitgate/testkit';
import { opensslSelfSigned, startGitHttpServer, type GitHttpServer } from '@gitgate/testkit';
import { makeMirror, openDataEnv, removeDir, tempDir, Upstream, refsOf, symbolicHead, type DataEnv } from './helpers.js';

const ORG = 'acme';
const START = Date.parse('2030-01-02T03:04:05Z');
const MINUTE = 60_000;

const REPOS: FakeRepo[] = [
  { name: 'api' },
  { name: 'web-app', defaultBranch: 'develop' },
  { name: 'Web-Shop' },
  { name: 'web-legacy' },
  { name: 'web-old', archived: true },
  { name: 'tools' },
  { name: 'api-docs' },
];

function rsaKeys(): { privatePem: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // PKCS#1, the form GitHub hands out for app keys.
  return { privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey };
}

describe('GitHubConnector', function () {
  this.timeout(30_000);
  let now = START;
  const clock = (): number => now;
  const keys = rsaKeys();
  const app = { appId: 123, installationId: 456 };
  let gh: FakeGitHub;
  const pat = fakeInstallationToken();

  before(async () => {
    gh = await startFakeGitHub({ org: ORG, repos: REPOS, staticToken: pat, app: { ...app, publicKey: keys.publicKey }, clock });
  });
  after(async () => {
    await gh.close();
  });
  beforeEach(() => {
    now = START;
  });

  function appConnector(extra: Partial<GitHubConnectorOptions> = {}): GitHubConnector {
    return new GitHubConnector({
      org: ORG, include: ['*'], baseUrl: gh.url, clock,
      auth: { app: { ...app, privateKey: keys.privatePem } }, ...extra,
    });
  }

  describe('resolve', () => {
    it('lists every page of the organisation and keeps the names matching the globs', async () => {
      const before = gh.listRequests.length;
      const c = new GitHubConnector({ org: ORG, include: ['api', 'web-*', '!web-legacy'], auth: { token: pat }, baseUrl: gh.url });
      const repos = await c.resolve();
      expect(repos.map((r) => r.name)).to.deep.equal(['acme/api', 'acme/web-app', 'acme/Web-Shop']);
      expect(gh.listRequests.length - before).to.equal(4);
    });

    it('reports the clone URL and default branch of each repository', async () => {
      const c = new GitHubConnector({ org: ORG, include: ['web-app'], auth: { token: pat }, baseUrl: gh.url });
      expect(await c.resolve()).to.deep.equal([{ name: 'acme/web-app', cloneUrl: 'https://git.example.test/acme/web-app.git', defaultBranch: 'develop' }]);
    });

    it('skips archived repositories unless asked to include them', async () => {
      const skip = await new GitHubConnector({ org: ORG, include: ['web-o*'], auth: { token: pat }, baseUrl: gh.url }).resolve();
      const keep = await new GitHubConnector({ org: ORG, include: ['web-o*'], auth: { token: pat }, baseUrl: gh.url, includeArchived: true }).resolve();
      expect(skip).to.deep.equal([]);
      expect(keep.map((r) => r.name)).to.deep.equal(['acme/web-old']);
    });

    it('lists with the installation token when authenticated as an App', async () => {
      // The fake accepts only the PAT (not configured here) and the installation tokens it issued.
      const issued = gh.issued.length;
      const c = appConnector({ include: ['api*'] });
      const repos = await c.resolve();
      expect(repos.map((r) => r.name)).to.deep.equal(['acme/api', 'acme/api-docs']);
      expect(gh.issued.length).to.equal(issued + 1);
    });

    it('throws GITGATE_GITHUB_FAILED without the token when GitHub refuses it', async () => {
      const bad = fakeInstallationToken();
      let err: unknown;
      try {
        await new GitHubConnector({ org: ORG, include: ['*'], auth: { token: bad }, baseUrl: gh.url }).resolve();
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(MirrorError);
      expect((err as MirrorError).code).to.equal('GITGATE_GITHUB_FAILED');
      expect((err as MirrorError).message).to.contain('401').and.contain('Bad credentials');
      expect(JSON.stringify([(err as Error).message, (err as Error).stack, (err as MirrorError).data])).to.not.contain(bad);
    });
  });

  describe('credentials', () => {
    it('returns a configured token as is, without expiry', async () => {
      expect(await new GitHubConnector({ org: ORG, include: ['*'], auth: { token: pat }, baseUrl: gh.url }).credentials()).to.deep.equal({ token: pat });
    });

    it('mints an installation token with an app JWT that GitHub verifies with the public key', async () => {
      const jwtsBefore = gh.jwts.length;
      const cred = await appConnector().credentials();
      expect(cred.token).to.equal(gh.issued[gh.issued.length - 1].token);
      expect(cred.expiresAt?.getTime()).to.equal(START + 60 * MINUTE);
      const jwt = gh.jwts[jwtsBefore];
      expect(jwt.iss).to.equal('123');
      expect(jwt.iat).to.equal(START / 1000 - 60);
      expect(jwt.exp - jwt.iat).to.be.at.most(600);
    });

    it('reuses the installation token while more than five minutes of it remain', async () => {
      const c = appConnector();
      const first = await c.credentials();
      now = START + 54 * MINUTE;
      expect((await c.credentials()).token).to.equal(first.token);
    });

    it('mints a new installation token once less than five minutes remain', async () => {
      const c = appConnector();
      const first = await c.credentials();
      const issued = gh.issued.length;
      now = START + 56 * MINUTE;
      const second = await c.credentials();
      expect(second.token).to.not.equal(first.token);
      expect(gh.issued.length).to.equal(issued + 1);
      expect(second.expiresAt?.getTime()).to.equal(now + 60 * MINUTE);
    });

    it('mints once for concurrent callers', async () => {
      const c = appConnector();
      const issued = gh.issued.length;
      const all = await Promise.all([c.credentials(), c.credentials(), c.credentials()]);
      expect(new Set(all.map((x) => x.token)).size).to.equal(1);
      expect(gh.issued.length).to.equal(issued + 1);
    });

    it('throws GITGATE_GITHUB_FAILED without the JWT when the app key is not the registered one', async () => {
      const other = rsaKeys();
      const c = appConnector({ auth: { app: { ...app, privateKey: other.privatePem } } });
      const jwt = appJwt(app.appId, other.privatePem, now);
      let err: unknown;
      try {
        await c.credentials();
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(MirrorError);
      expect((err as MirrorError).code).to.equal('GITGATE_GITHUB_FAILED');
      expect((err as Error).message).to.contain('signature');
      expect(JSON.stringify([(err as Error).message, (err as Error).stack])).to.not.contain(jwt.split('.')[2]);
    });
  });

  describe('options', () => {
    it('refuses a private key that is not PEM, without quoting it', () => {
      expect(() => appConnector({ auth: { app: { ...app, privateKey: 'not-a-key-xyz' } } })).to.throw(TypeError).that.satisfies(
        (e: Error) => !e.message.includes('not-a-key-xyz'),
      );
    });

    it('refuses an include list made of exclusions only', () => {
      expect(() => new GitHubConnector({ org: ORG, include: ['!x'], auth: { token: pat } })).to.throw(TypeError);
    });

    it('gives an upstream source whose headers carry the current credential', async () => {
      const c = appConnector();
      const source = c.upstreamSource({ name: 'acme/api', cloneUrl: 'https://git.example.test/acme/api.git', defaultBranch: 'main' });
      const headers = await source.headers();
      expect(headers).to.deep.equal([`Authorization: ${authorizationHeader({ token: (await c.credentials()).token })}`]);
    });
  });

  describe('syncing what the connector resolved', function () {
    this.timeout(60_000);
    let dir: string;
    let git: GitHttpServer;
    let api: FakeGitHub;
    let env: DataEnv;
    let certFile: string;
    let apiUpstream: Upstream;

    before(async function () {
      dir = tempDir();
      const cert = opensslSelfSigned(dir);
      if (!cert) this.skip();
      certFile = cert.certFile;
      apiUpstream = Upstream.create(path.join(dir, 'root', 'acme', 'api.git'));
      apiUpstream.setRef('refs/heads/main', apiUpstream.commitFiles({ 'README.md': '# api\n' }, 'first'));
      const web = Upstream.create(path.join(dir, 'root', 'acme', 'web-app.git'));
      web.setRef('refs/heads/develop', web.commitFiles({ 'index.html': '<p>hi</p>\n' }, 'first'));
      web.setHead('refs/heads/develop');
      // Only a live installation token opens the git upstream, as on GitHub.
      git = await startGitHttpServer({
        projectRoot: path.join(dir, 'root'), tls: cert,
        authorize: (h) => {
          const [user, token] = Buffer.from((h ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
          return user === 'x-access-token' && token !== undefined && token !== pat && api.accepts(token);
        },
      });
      api = await startFakeGitHub({
        org: ORG, clock, app: { ...app, publicKey: keys.publicKey },
        repos: [{ name: 'api', cloneUrl: `${git.url}/acme/api.git` }, { name: 'web-app', defaultBranch: 'develop', cloneUrl: `${git.url}/acme/web-app.git` }, { name: 'other' }],
      });
      env = await openDataEnv(path.join(dir, 'data'));
    });

    after(async () => {
      await env?.close();
      await git?.close();
      await api?.close();
      removeDir(dir);
    });

    function connector(): GitHubConnector {
      return new GitHubConnector({ org: ORG, include: ['api', 'web-*'], baseUrl: api.url, clock, auth: { app: { ...app, privateKey: keys.privatePem } } });
    }

    it('syncs every resolved repository with the installation token', async () => {
      const c = connector();
      const repos = await c.resolve();
      expect(repos.map((r) => r.name)).to.deep.equal(['acme/api', 'acme/web-app']);
      for (const r of repos) {
        const m = makeMirror(env, r.cloneUrl, { name: r.name, dir: path.join(env.dir, 'repos', encodeURIComponent(r.name)), source: c.upstreamSource(r, { caFile: certFile }) });
        await m.sync();
        expect(symbolicHead(m.sanitized.gitDir)).to.equal(`refs/heads/${r.defaultBranch}`);
      }
      expect(git.refused).to.equal(0);
    });

    it('syncs again after the first installation token expired, with a fresh one', async () => {
      const c = connector();
      const [r] = await c.resolve();
      const m = makeMirror(env, r.cloneUrl, { name: 'acme/api-2', dir: path.join(env.dir, 'repos', 'api-2'), source: c.upstreamSource(r, { caFile: certFile }) });
      await m.sync();
      const firstToken = (await c.credentials()).token;
      const tip = apiUpstream.commitFiles({ 'README.md': '# api v2\n' }, 'second', [refsOf(apiUpstream.gitDir).get('refs/heads/main')!]);
      apiUpstream.setRef('refs/heads/main', tip);
      now = START + 61 * MINUTE;
      expect(api.accepts(firstToken)).to.equal(false);
      const seen = git.authorizations.length;
      const report = await m.sync({ force: true });
      expect(report.objects).to.be.greaterThan(0);
      const fresh = (await c.credentials()).token;
      expect(fresh).to.not.equal(firstToken);
      expect(git.authorizations.slice(seen)).to.include(authorizationHeader({ token: fresh }));
    });
  });
});
