// Config validation: every problem reported together, each with the path of its key.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, validateConfig } from '../src/index.js';
import { problemsOf as problemsAt } from './config-helpers.js';

const BASE = '/srv/gitgate';
const problemsOf = (raw: unknown, baseDir = BASE): string[] => problemsAt(raw, baseDir);

/** A minimal valid config object. */
function good(): Record<string, unknown> {
  return {
    listen: '127.0.0.1:8080',
    dataDir: '/var/lib/gitgate',
    auth: { mode: 'none' },
    repos: [{ name: 'acme/api', upstream: '/srv/git/api.git' }, { name: 'acme/web', upstream: 'https://git.example.test/acme/web.git' }],
  };
}

describe('validateConfig', () => {
  it('accepts a good config and fills in the defaults', () => {
    expect(validateConfig(good(), BASE)).to.deep.equal({
      listen: { host: '127.0.0.1', port: 8080 },
      dataDir: '/var/lib/gitgate',
      auth: { mode: 'none' },
      detokenize: { requesters: [], approvers: [], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
      admins: [],
      audit: { exportDir: '/var/lib/gitgate/audit-exports' },
      scanner: { rules: [], allowlist: [] },
      log: { level: 'info', format: 'json' },
      sync: { coalesceMs: 2000, onStart: true, intervalSeconds: 0 },
      limits: { maxRequestBytes: 16 * 1024 * 1024 },
      metrics: {},
      repos: [
        { name: 'acme/api', upstream: '/srv/git/api.git', readers: [], source: { url: '/srv/git/api.git' } },
        { name: 'acme/web', upstream: 'https://git.example.test/acme/web.git', readers: [], source: { url: 'https://git.example.test/acme/web.git' } },
      ],
      github: [],
    });
  });

  it('takes explicit log, sync and limits settings', () => {
    const c = validateConfig({ ...good(), log: { level: 'debug', format: 'text' }, sync: { coalesceMs: 0, onStart: false, intervalSeconds: 300 }, limits: { maxRequestBytes: 4096 } }, BASE);
    expect([c.log, c.sync, c.limits]).to.deep.equal([{ level: 'debug', format: 'text' }, { coalesceMs: 0, onStart: false, intervalSeconds: 300 }, { maxRequestBytes: 4096 }]);
  });

  it('accepts port 0 (any free port)', () => {
    expect(validateConfig({ ...good(), listen: '127.0.0.1:0' }, BASE).listen).to.deep.equal({ host: '127.0.0.1', port: 0 });
  });

  it('accepts a bracketed IPv6 host', () => {
    expect(validateConfig({ ...good(), listen: '[::1]:9000' }, BASE).listen).to.deep.equal({ host: '::1', port: 9000 });
  });

  it('reports a missing upstream with the path of its repository', () => {
    const raw = good();
    raw.repos = [{ name: 'acme/api', upstream: '/srv/git/api.git' }, { name: 'acme/web' }];
    const problems = problemsOf(raw);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^repos\[1\]\.upstream: required/);
  });

  it('takes a repository\'s allowUnscannable base-name globs', () => {
    const raw = good();
    raw.repos = [{ name: 'acme/api', upstream: '/srv/git/api.git', allowUnscannable: ['*.zip', 'logo.gz'] }];
    expect(validateConfig(raw, BASE).repos[0]!.allowUnscannable).to.deep.equal(['*.zip', 'logo.gz']);
  });

  it('reports an allowUnscannable that is not a list of non-empty base-name globs, with its key path', () => {
    const raw = good();
    raw.repos = [
      { name: 'acme/api', upstream: '/srv/git/api.git', allowUnscannable: ['*.zip', ''] },
      { name: 'acme/web', upstream: '/srv/git/web.git', allowUnscannable: ['assets/*.zip'] },
      { name: 'acme/ops', upstream: '/srv/git/ops.git', allowUnscannable: '*.zip' },
    ];
    const problems = problemsOf(raw);
    expect(problems).to.have.length(3);
    expect(problems[0]).to.match(/^repos\[0\]\.allowUnscannable: must be a list of non-empty/);
    expect(problems[1]).to.match(/^repos\[1\]\.allowUnscannable: globs match a file's base name only/);
    expect(problems[2]).to.match(/^repos\[2\]\.allowUnscannable: must be a list/);
  });

  it('reports every bad key of a config together', () => {
    const problems = problemsOf({
      listen: 'nowhere',
      lissten: '127.0.0.1:1',
      auth: { mode: 'none', extra: 1 },
      log: { level: 'loud' },
      repos: [{ name: '../x', upstream: '/a' }, { upstream: 'ssh://git@example.test/x.git' }],
    });
    const keys = problems.map((p) => p.slice(0, p.indexOf(':')));
    expect(keys).to.have.members(['lissten', 'listen', 'auth.extra', 'log.level', 'repos[0].name', 'repos[1].name', 'repos[1].upstream']);
  });

  it('reports unknown keys at every level with their path', () => {
    const raw = { ...good(), colour: 'blue', log: { level: 'info', colour: true } } as Record<string, unknown>;
    (raw.repos as Record<string, unknown>[])[1]!.branch = 'main';
    const problems = problemsOf(raw);
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).to.have.members(['colour', 'log.colour', 'repos[1].branch']);
    expect(problems.every((p) => p.includes('unknown key'))).to.equal(true);
  });

  for (const listen of ['8080', ':8080', '127.0.0.1', '127.0.0.1:99999', '127.0.0.1:http', 'a b:80', 8080]) {
    it(`reports listen ${JSON.stringify(listen)} as not HOST:PORT`, () => {
      expect(problemsOf({ ...good(), listen })).to.deep.equal(['listen: must be HOST:PORT, e.g. 127.0.0.1:8080']);
    });
  }

  it('reports a repository name listed twice', () => {
    const problems = problemsOf({ ...good(), repos: [{ name: 'acme/api', upstream: '/a' }, { name: 'acme/api', upstream: '/b' }] });
    expect(problems).to.deep.equal(['repos[1].name: acme/api is listed twice']);
  });

  for (const name of ['../x', 'a/../b', '/abs', 'x/', '.hidden', 'api.git', 'a b', 'a%2fb', '', 'a//b']) {
    it(`refuses the repository name ${JSON.stringify(name)}`, () => {
      const problems = problemsOf({ ...good(), repos: [{ name, upstream: '/a' }] });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^repos\[0\]\.name: must be path segments/);
    });
  }

  for (const upstream of ['ssh://git@example.test/x.git', 'git://example.test/x.git', 'ftp://example.test/x.git', 'ext://x']) {
    it(`refuses the upstream URL scheme of ${upstream}`, () => {
      expect(problemsOf({ ...good(), repos: [{ name: 'acme/api', upstream }] })).to.deep.equal([
        'repos[0].upstream: only local paths, file:// and http(s):// URLs are supported',
      ]);
    });
  }

  it('never passes a transport-helper string such as ext:: through as a URL', () => {
    // Either refused or made into a path under the base directory; git must never see "ext::…" as is.
    let upstream: string | undefined;
    try {
      upstream = validateConfig({ ...good(), repos: [{ name: 'acme/api', upstream: 'ext::sh -c true' }] }, BASE).repos[0]!.upstream;
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      return;
    }
    expect(upstream.startsWith(BASE + '/')).to.equal(true);
  });

  it('reports missing auth and repos', () => {
    const problems = problemsOf({ listen: '127.0.0.1:8080' });
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).to.have.members(['auth', 'repos']);
  });

  it('reports a bad custom scanner rule with its config path', () => {
    const p = problemsOf({ ...good(), scanner: { rules: [{ id: 'acme-key', type: 'acme-key', regex: '([unclosed', keywords: ['acme'] }] } });
    expect(p.some((x) => x.startsWith('scanner.rules[0].regex'))).to.equal(true);
  });

  it('refuses an auth mode other than oidc, none or dev', () => {
    expect(problemsOf({ ...good(), auth: { mode: 'ldap' } })).to.deep.equal(['auth.mode: must be "oidc", "none" or "dev" (got "ldap")']);
  });

  it('takes auth mode dev on loopback, requiring readers as mode oidc does', () => {
    const repos = [{ name: 'acme/api', upstream: '/srv/git/api.git', readers: ['agents'] }];
    expect(validateConfig({ ...good(), auth: { mode: 'dev' }, repos }, BASE).auth).to.deep.equal({ mode: 'dev' });
    expect(problemsOf({ ...good(), auth: { mode: 'dev' } }).join('\n')).to.match(/readers: required/);
    expect(problemsOf({ ...good(), auth: { mode: 'dev', issuer: 'https://x.example' }, repos })).to.have.length(1);
  });

  it('reports the keys oidc mode requires, and readers on every repository', () => {
    expect(problemsOf({ ...good(), auth: { mode: 'oidc' } })).to.deep.equal([
      'auth.issuer: required for mode oidc',
      'auth.audience: required for mode oidc (the audience your tokens are minted for)',
    ]);
    const p = problemsOf({ ...good(), listen: '0.0.0.0:8080', auth: { mode: 'oidc', issuer: 'https://issuer.example.test', audience: 'gitgate' } });
    expect(p).to.deep.equal([
      'repos[0].readers: required with auth mode oidc (the groups that may clone)',
      'repos[1].readers: required with auth mode oidc (the groups that may clone)',
    ]);
  });

  it('takes the approvals page\'s client id under auth mode oidc, and refuses one with spaces', () => {
    const repos = [{ name: 'acme/api', upstream: '/srv/git/api.git', readers: ['agents'] }];
    const auth = { mode: 'oidc', issuer: 'https://issuer.example.test', audience: 'gitgate' };
    expect(validateConfig({ ...good(), auth: { ...auth, clientId: 'gitgate-approvals' }, repos }, BASE).auth).to.include({ clientId: 'gitgate-approvals' });
    expect(validateConfig({ ...good(), auth, repos }, BASE).auth).to.not.have.property('clientId');
    expect(problemsOf({ ...good(), auth: { ...auth, clientId: 'two words' }, repos })).to.deep.equal(['auth.clientId: the approvals page\'s client id at the issuer (printable, no spaces)']);
  });

  it('refuses auth mode none on a non-loopback address', () => {
    expect(problemsOf({ ...good(), listen: '0.0.0.0:8080' })[0]).to.match(/^listen: auth mode "none" only listens on loopback/);
  });

  it('validates the detokenize policy and its durations', () => {
    const p = problemsOf({ ...good(), detokenize: { requesters: ['agents'], approvers: [], minApprovals: 0, requestTtl: 'soon', grantTtl: '15m', webhook: { url: 'ftp://x' } } });
    expect(p).to.include('detokenize.minApprovals: must be an integer ≥ 1');
    expect(p).to.include('detokenize.requestTtl: must be a duration such as 15m, 1h or 2d');
    expect(p).to.include('detokenize.webhook.url: must be an http(s) URL');
    expect(p).to.include('detokenize.webhook.secret: required (env:NAME or file:PATH), used to sign the body');
    expect(p).to.include('detokenize.approvers: at least one approver group is required');
    const c = validateConfig({ ...good(), detokenize: { requesters: ['agents'], approvers: ['security'], grantTtl: '5m', webhook: { url: 'https://hooks.example.test/x', secret: 'env:HOOK' } } }, BASE, 'config', { HOOK: 'signing-key' });
    expect(c.detokenize).to.deep.include({ grantTtlMs: 300e3, webhook: { url: 'https://hooks.example.test/x', secret: 'signing-key', format: 'generic', retryForMs: 86400e3 } });
  });

  it('takes a webhook preset, the approvals page to link to and how long to retry', () => {
    const webhook = { url: 'https://hooks.example.test/x', secret: 'env:HOOK', format: 'slack', pageUrl: 'https://gitgate.example.test/approvals', retryForSeconds: 3600 };
    const c = validateConfig({ ...good(), detokenize: { approvers: ['security'], webhook } }, BASE, 'config', { HOOK: 'signing-key' });
    expect(c.detokenize.webhook).to.deep.equal({ url: webhook.url, secret: 'signing-key', format: 'slack', pageUrl: webhook.pageUrl, retryForMs: 3600e3 });
  });

  it('reports every bad webhook preset key together, each with its path', () => {
    const p = problemsOf({ ...good(), detokenize: { approvers: ['security'], webhook: { url: 'https://hooks.example.test/x', secret: 'env:HOOK', format: 'discord', pageUrl: 'approvals', retryForSeconds: 0 } } });
    expect(p).to.include.members([
      'detokenize.webhook.format: must be one of generic, slack, teams',
      'detokenize.webhook.pageUrl: must be an http(s) URL',
      'detokenize.webhook.retryForSeconds: must be an integer from 1 to 604800',
    ]);
  });

  it('resolves the metrics bearer token from the environment and refuses a short or unknown setting', () => {
    const token = 'metrics-' + 'x'.repeat(24);
    expect(validateConfig({ ...good(), metrics: { token: 'env:METRICS_TOKEN' } }, BASE, 'config', { METRICS_TOKEN: token }).metrics).to.deep.equal({ token });
    expect(problemsOf({ ...good(), metrics: { token: 'short' } })).to.deep.equal(['metrics.token: must be at least 16 characters']);
    expect(problemsOf({ ...good(), metrics: { open: true } })[0]).to.match(/^metrics\.open: unknown key/);
  });

  it('takes a separate metrics listen address and refuses one that is not HOST:PORT', () => {
    expect(validateConfig({ ...good(), metrics: { listen: '127.0.0.1:9464' } }, BASE).metrics).to.deep.equal({ listen: { host: '127.0.0.1', port: 9464 } });
    expect(problemsOf({ ...good(), metrics: { listen: 'everywhere' } })).to.deep.equal(['metrics.listen: must be HOST:PORT, e.g. 127.0.0.1:9464']);
  });

  it('reports a section that is not a mapping', () => {
    expect(problemsOf({ ...good(), log: 'debug' })).to.deep.equal(['log: must be a mapping']);
  });

  it('reports repos that is not a list', () => {
    expect(problemsOf({ ...good(), repos: { name: 'acme/api' } })).to.deep.equal(['repos: must be a list']);
  });

  it('reports a negative coalescing window and a too small request limit', () => {
    expect(problemsOf({ ...good(), sync: { coalesceMs: -1 }, limits: { maxRequestBytes: 10 } }).map((p) => p.slice(0, p.indexOf(':'))))
      .to.have.members(['sync.coalesceMs', 'limits.maxRequestBytes']);
  });

  it('takes an upstream timeout in whole seconds and refuses one below a second or above a day', () => {
    expect(validateConfig({ ...good(), sync: { upstreamTimeoutSeconds: 45 } }, BASE).sync.upstreamTimeoutSeconds).to.equal(45);
    expect(validateConfig(good(), BASE).sync.upstreamTimeoutSeconds).to.equal(undefined);
    for (const bad of [0, 1.5, 86401, '300']) {
      expect(problemsOf({ ...good(), sync: { upstreamTimeoutSeconds: bad } })[0]).to.match(/^sync\.upstreamTimeoutSeconds: /);
    }
  });

  it('takes a scan thread count from 0 to 64 and refuses anything else', () => {
    expect(validateConfig({ ...good(), sync: { scanWorkers: 0 } }, BASE).sync.scanWorkers).to.equal(0);
    expect(validateConfig({ ...good(), sync: { scanWorkers: 4 } }, BASE).sync.scanWorkers).to.equal(4);
    expect(validateConfig(good(), BASE).sync.scanWorkers).to.equal(undefined);
    for (const bad of [-1, 2.5, 65, '4']) expect(problemsOf({ ...good(), sync: { scanWorkers: bad } })[0]).to.match(/^sync\.scanWorkers: /);
  });

  it('reports a background sync setting that is not a boolean or a sane period', () => {
    expect(problemsOf({ ...good(), sync: { onStart: 'yes', intervalSeconds: 1.5 } }).map((p) => p.slice(0, p.indexOf(':'))))
      .to.have.members(['sync.onStart', 'sync.intervalSeconds']);
    expect(problemsOf({ ...good(), sync: { intervalSeconds: -1 } })).to.have.length(1);
    expect(problemsOf({ ...good(), sync: { intervalSeconds: 30 * 86400 } })[0]).to.include('one week');
    expect(problemsOf({ ...good(), sync: { every: 5 } })[0]).to.match(/^sync\.every: /);
  });

  it('resolves a relative dataDir and upstream path against the base directory', () => {
    const c = validateConfig({ ...good(), dataDir: 'state', repos: [{ name: 'acme/api', upstream: '../git/api.git' }] }, BASE);
    expect(c.dataDir).to.equal('/srv/gitgate/state');
    expect(c.repos[0]!.upstream).to.equal('/srv/git/api.git');
  });

  it('keeps file:// and http(s):// upstreams as given', () => {
    const c = validateConfig({ ...good(), repos: [{ name: 'a', upstream: 'file:///srv/a.git' }, { name: 'b', upstream: 'http://127.0.0.1:9/b.git' }] }, BASE);
    expect(c.repos.map((r) => r.upstream)).to.deep.equal(['file:///srv/a.git', 'http://127.0.0.1:9/b.git']);
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const write = (text: string): string => {
    const file = path.join(dir, 'conf', 'gitgate.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  it('reads a YAML file and resolves relative paths against its directory, not the working directory', () => {
    const file = write('listen: 127.0.0.1:9090\nauth: { mode: none }\ndataDir: ./data\nrepos:\n  - name: acme/api\n    upstream: ../upstream/api.git\n');
    const c = loadConfig(path.relative(process.cwd(), file));
    expect(c.dataDir).to.equal(path.join(dir, 'conf', 'data'));
    expect(c.repos).to.deep.equal([{ name: 'acme/api', upstream: path.join(dir, 'upstream', 'api.git'), readers: [], source: { url: path.join(dir, 'upstream', 'api.git') } }]);
    expect(c.listen).to.deep.equal({ host: '127.0.0.1', port: 9090 });
  });

  it('puts the data directory beside the file by default', () => {
    const file = write('auth: { mode: none }\nrepos: []\n');
    expect(loadConfig(file).dataDir).to.equal(path.join(dir, 'conf', 'data'));
  });

  it('reports a missing file as a ConfigError', () => {
    expect(() => loadConfig(path.join(dir, 'nope.yaml'))).to.throw(ConfigError, /cannot read the file: ENOENT/);
  });

  it('reports invalid YAML as a ConfigError', () => {
    const file = write('repos: [\n');
    expect(() => loadConfig(file)).to.throw(ConfigError, /not valid YAML/);
  });

  it('names the file and lists every problem in the error message', () => {
    const file = write('listen: nowhere\nauth: { mode: none }\nrepos:\n  - name: ../x\n    upstream: /a\n');
    let err: ConfigError | undefined;
    try {
      loadConfig(file);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.code).to.equal('GITGATE_CONFIG');
    expect(err?.message).to.include(file);
    expect(err?.message).to.include('  - listen: must be HOST:PORT');
    expect(err?.message).to.include('  - repos[0].name: must be path segments');
  });
});

describe('validateConfig: audit key and anchor webhook', () => {
  const keyHex = (): string => randomBytes(32).toString('hex');

  it('resolves audit.key from the environment into its 32 bytes', () => {
    const hex = keyHex();
    const c = validateConfig({ ...good(), audit: { key: 'env:AUDIT_KEY' } }, BASE, 'config', { AUDIT_KEY: hex });
    expect(c.audit.key?.toString('hex')).to.equal(hex);
  });

  it('resolves audit.key from a file relative to the config', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    try {
      const hex = keyHex();
      fs.writeFileSync(path.join(dir, 'audit.key'), `${hex}\n`, { mode: 0o600 });
      expect(validateConfig({ ...good(), audit: { key: 'file:audit.key' } }, dir).audit.key?.toString('hex')).to.equal(hex);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a literal audit key, one that is not 64 hex characters, and an unset variable, without quoting them', () => {
    const literal = keyHex();
    const p = [
      ...problemsOf({ ...good(), audit: { key: literal } }),
      ...(() => {
        try {
          validateConfig({ ...good(), audit: { key: 'env:SHORT' } }, BASE, 'config', { SHORT: 'abc123' });
        } catch (e) {
          return (e as ConfigError).problems;
        }
        return [];
      })(),
      ...problemsOf({ ...good(), audit: { key: 'env:GITGATE_TEST_UNSET_VARIABLE' } }),
    ];
    expect(p).to.deep.equal([
      'audit.key: must be env:NAME or file:PATH',
      'audit.key: must resolve to 64 hex characters (openssl rand -hex 32)',
      'audit.key: environment variable GITGATE_TEST_UNSET_VARIABLE is not set or empty',
    ]);
    expect(p.join('\n')).to.not.include(literal);
  });

  it('takes an anchor webhook with its signing secret and interval, 300 s by default', () => {
    const c = validateConfig({ ...good(), audit: { anchorWebhook: { url: 'https://sink.example.test/anchors', secret: 'env:SINK' } } }, BASE, 'config', { SINK: 'sign-me' });
    expect(c.audit.anchorWebhook).to.deep.equal({ url: 'https://sink.example.test/anchors', secret: 'sign-me', intervalSeconds: 300 });
  });

  it('reports every bad anchor webhook key together', () => {
    const p = problemsOf({ ...good(), audit: { anchorWebhook: { url: 'ftp://x', intervalSeconds: 1, extra: true } } });
    expect(p).to.include.members([
      'audit.anchorWebhook.extra: unknown key (allowed: url, secret, intervalSeconds)',
      'audit.anchorWebhook.url: must be an http(s) URL',
      'audit.anchorWebhook.intervalSeconds: must be an integer from 10 to 86400',
      'audit.anchorWebhook.secret: required (env:NAME or file:PATH), used to sign the body',
    ]);
  });
});
