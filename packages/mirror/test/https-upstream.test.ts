// HTTPS upstreams with a service credential and a private CA: resolving the configured values, the
// header git sends, and a real sync through git http-backend behind Basic auth with a self-signed cert.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { MirrorError, type Logger } from '../src/index.js';
import { authorizationHeader, httpsUpstreamSource, resolveSecretRef, TOKEN_USERNAME } from '../src/upstream-credentials.js';
import { fakeGithubPat, makeMirror, openDataEnv, randomAlnum, refsOf, removeDir, tempDir, tokensIn, Upstream, git, type DataEnv } from './helpers.js';
import { opensslSelfSigned, startGitHttpServer, type GitHttpServer } from '@gitgate/testkit';

describe('resolveSecretRef', () => {
  it('reads env:NAME from the given environment', () => {
    expect(resolveSecretRef('env:UPSTREAM_PW', { UPSTREAM_PW: 'pw-value' }, () => { throw new Error('unused'); })).to.equal('pw-value');
  });

  it('reads file:PATH and drops the trailing newline', () => {
    const read: string[] = [];
    const value = resolveSecretRef('file:/run/secrets/pw', {}, (p) => { read.push(p); return 'pw-value\n'; });
    expect(value).to.equal('pw-value');
    expect(read).to.deep.equal(['/run/secrets/pw']);
  });

  it('returns any other string as the literal value', () => {
    expect(resolveSecretRef('plain-value', {}, () => '')).to.equal('plain-value');
  });

  it('names a missing variable without any value in the error', () => {
    let err: unknown;
    try {
      resolveSecretRef('env:NOT_SET_HERE', { OTHER: 'other-value' }, () => '');
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(MirrorError);
    expect((err as MirrorError).code).to.equal('GITGATE_SECRET_REF');
    expect((err as MirrorError).message).to.contain('NOT_SET_HERE').and.not.contain('other-value');
  });

  it('reports an unreadable file by its errno code only', () => {
    const fail = (): never => { throw Object.assign(new Error('content-would-be-here'), { code: 'EACCES' }); };
    expect(() => resolveSecretRef('file:/x/pw', {}, fail)).to.throw(MirrorError, /\/x\/pw: EACCES/).that.satisfies(
      (e: Error) => !e.message.includes('content-would-be-here'),
    );
  });

  it('refuses an empty secret file', () => {
    expect(() => resolveSecretRef('file:/x/pw', {}, () => '\n')).to.throw(MirrorError, /empty/);
  });
});

describe('authorizationHeader', () => {
  it('sends a token as Basic with the x-access-token user name', () => {
    const header = authorizationHeader({ token: 'tok-123' });
    expect(Buffer.from(header.replace(/^Basic /, ''), 'base64').toString()).to.equal(`${TOKEN_USERNAME}:tok-123`);
  });

  it('sends a user name and password as Basic user:password', () => {
    expect(authorizationHeader({ basic: { username: 'svc', password: 'p:w' } })).to.equal(`Basic ${Buffer.from('svc:p:w').toString('base64')}`);
  });

  it('refuses a user name holding a colon', () => {
    expect(() => authorizationHeader({ basic: { username: 'a:b', password: 'pw' } })).to.throw(TypeError);
  });

  it('refuses a credential holding a newline', () => {
    expect(() => authorizationHeader({ token: 'tok\nX-Evil: 1' })).to.throw(TypeError);
  });
});

describe('httpsUpstreamSource', () => {
  it('puts the credential in an Authorization extra header', () => {
    const s = httpsUpstreamSource({ url: 'https://git.example.test/acme/api.git', credential: { token: 'tok-123' } });
    expect(s.extraHeaders).to.deep.equal([`Authorization: ${authorizationHeader({ token: 'tok-123' })}`]);
  });

  it('refuses to send a credential over plain http', () => {
    expect(() => httpsUpstreamSource({ url: 'http://git.example.test/a.git', credential: { token: 't' } })).to.throw(TypeError, /plain http/);
  });

  it('refuses credentials embedded in the URL', () => {
    expect(() => httpsUpstreamSource({ url: 'https://u:p@git.example.test/a.git' })).to.throw(TypeError, /credential/);
  });

  it('passes the CA file through', () => {
    expect(httpsUpstreamSource({ url: 'https://git.example.test/a.git', caFile: '/etc/ca.pem' }).caFile).to.equal('/etc/ca.pem');
  });
});

describe('sync from an HTTPS upstream behind Basic auth with a private CA', function () {
  this.timeout(60_000);
  let dir: string;
  let server: GitHttpServer;
  let certFile: string;
  let upstreamUrl: string;
  let planted: string;
  let envs: DataEnv[] = [];
  const username = 'svc-' + randomAlnum(10);
  const password = 'pw-' + randomAlnum(24);

  before(async function () {
    dir = tempDir();
    const cert = opensslSelfSigned(dir);
    if (!cert) this.skip();
    certFile = cert.certFile;
    planted = fakeGithubPat();
    const up = Upstream.create(path.join(dir, 'root', 'acme', 'api.git'));
    const c1 = up.commitFiles({ 'README.md': '# api\n', 'deploy/env.sh': `export GITHUB_TOKEN=${planted}\n` }, 'first');
    up.setRef('refs/heads/main', c1);
    const expected = authorizationHeader({ basic: { username, password } });
    server = await startGitHttpServer({ projectRoot: path.join(dir, 'root'), tls: cert, authorize: (h) => h === expected });
    upstreamUrl = `${server.url}/acme/api.git`;
  });

  after(async () => {
    for (const e of envs) await e.close();
    envs = [];
    await server?.close();
    removeDir(dir);
  });

  async function env(name: string): Promise<DataEnv> {
    const e = await openDataEnv(path.join(dir, name));
    envs.push(e);
    return e;
  }

  function capture(): { logger: Logger; lines: string[] } {
    const lines: string[] = [];
    const rec = (level: string) => (msg: string, meta?: object): void => { lines.push(`${level} ${msg} ${JSON.stringify(meta ?? {})}`); };
    return { lines, logger: { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') } };
  }

  /** Every byte under `root` as latin1 text, for "the credential is nowhere on disk". */
  function everyFile(root: string): string {
    let out = '';
    for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) out += fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1');
    }
    return out;
  }

  it('syncs with the credential and the CA of that upstream', async () => {
    const e = await env('data-ok');
    const source = httpsUpstreamSource({ url: upstreamUrl, credential: { basic: { username, password } }, caFile: certFile });
    const mirror = makeMirror(e, upstreamUrl, { source });
    const report = await mirror.sync();
    expect(report.refs).to.equal(1);
    expect(report.secrets).to.equal(1);
    const blob = git(mirror.sanitized.gitDir, ['cat-file', 'blob', 'refs/heads/main:deploy/env.sh']).toString('utf8');
    expect(tokensIn(blob)).to.have.length(1);
    expect(blob).to.not.contain(planted);
    expect([...refsOf(mirror.sanitized.gitDir).keys()]).to.deep.equal(['refs/heads/main']);
  });

  it('sends the credential on every request to that upstream', async () => {
    const e = await env('data-headers');
    const first = server.authorizations.length;
    await makeMirror(e, upstreamUrl, { source: httpsUpstreamSource({ url: upstreamUrl, credential: { basic: { username, password } }, caFile: certFile }) }).sync();
    const seen = server.authorizations.slice(first);
    expect(seen.length).to.be.greaterThan(0);
    expect(seen.every((h) => h === authorizationHeader({ basic: { username, password } }))).to.equal(true);
  });

  it('leaves the credential nowhere in the data directory', () => {
    const disk = everyFile(path.join(dir, 'data-ok'));
    expect(disk).to.not.contain(password);
    expect(disk).to.not.contain(Buffer.from(`${username}:${password}`).toString('base64'));
  });

  it('fails without the CA file, since the CA is trusted for that fetch only', async () => {
    const e = await env('data-noca');
    const mirror = makeMirror(e, upstreamUrl, { source: httpsUpstreamSource({ url: upstreamUrl, credential: { basic: { username, password } } }) });
    let err: unknown;
    try {
      await mirror.sync();
    } catch (x) {
      err = x;
    }
    expect(err).to.be.instanceOf(MirrorError);
    expect((err as MirrorError).code).to.equal('GITGATE_UPSTREAM_FAILED');
  });

  it('fails on a wrong password with an error and logs that hold neither the password nor the user name', async () => {
    const e = await env('data-badpw');
    const wrong = 'pw-' + randomAlnum(24);
    const { logger, lines } = capture();
    const source = httpsUpstreamSource({ url: upstreamUrl, credential: { basic: { username, password: wrong } }, caFile: certFile });
    const mirror = makeMirror(e, upstreamUrl, { source, logger });
    const refusedBefore = server.refused;
    let err: unknown;
    try {
      await mirror.sync();
    } catch (x) {
      err = x;
    }
    expect(server.refused).to.be.greaterThan(refusedBefore);
    expect(err).to.be.instanceOf(MirrorError);
    const m = err as MirrorError;
    expect(m.code).to.equal('GITGATE_UPSTREAM_FAILED');
    const everything = [m.message, m.stack ?? '', JSON.stringify(m.data ?? {}), String(m.cause ?? ''), lines.join('\n')].join('\n');
    for (const s of [wrong, password, username, Buffer.from(`${username}:${wrong}`).toString('base64')]) {
      expect(everything).to.not.contain(s);
    }
    expect(everyFile(path.join(dir, 'data-badpw'))).to.not.contain(wrong);
  });
});
