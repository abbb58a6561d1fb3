// The database section (issue 16): a shared PostgreSQL for replicas, its password by reference only,
// and the keys every replica must be given instead of making up its own.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { randomChars } from '@gitgate/testkit';
import { ConfigError, validateConfig, type Config } from '../src/index.js';

const BASE = '/srv/gitgate';

function withDatabase(database: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listen: '127.0.0.1:8080', dataDir: '/var/lib/gitgate', auth: { mode: 'none' }, repos: [{ name: 'acme/api', upstream: '/srv/git/api.git' }],
    database, vault: { key: 'env:VAULT_KEY' }, audit: { key: 'env:AUDIT_KEY' }, ...extra,
  };
}

describe('validateConfig: database', () => {
  const password = randomChars(20);
  const env = { PGPASS: password, VAULT_KEY: randomBytes(32).toString('hex'), AUDIT_KEY: randomBytes(32).toString('hex') };
  const validate = (raw: unknown, e: NodeJS.ProcessEnv = env): Config => validateConfig(raw, BASE, 'config', e);
  const problems = (raw: unknown, e: NodeJS.ProcessEnv = env): string[] => {
    try {
      validate(raw, e);
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    return expect.fail('the config was accepted');
  };

  it('adds the referenced password, TLS with the CA file and the pool size to the URL the stores open', () => {
    const c = validate(withDatabase({ url: 'postgres://gitgate@db.internal:5433/gitgate', password: 'env:PGPASS', ssl: { ca: 'file:certs/ca.pem' }, pool: 8 }));
    const url = new URL(c.database!.url);
    expect(decodeURIComponent(url.password)).to.equal(password);
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({ sslmode: 'verify-full', sslrootcert: '/srv/gitgate/certs/ca.pem', pool: '8' });
    expect(c.database!.display).to.equal('db.internal:5433/gitgate');
    expect(c.vaultKey!.toString('hex')).to.equal(env.VAULT_KEY);
  });

  it('refuses a URL that carries a password, saying to give it as env:, without quoting it', () => {
    const p = problems(withDatabase({ url: `postgres://gitgate:${password}@db.internal/gitgate` }));
    expect(p).to.deep.equal(['database.url: must not carry a password; give it as database.password: env:NAME (or file:PATH)']);
    expect(p.join('\n')).not.to.include(password);
  });

  it('refuses a literal password, a URL that is not postgres://, a bad pool, ssl and URL parameters the gateway sets', () => {
    expect(problems(withDatabase({ url: 'mysql://db/x', password: password, pool: 0, ssl: 'yes' }))).to.deep.equal([
      'database.url: must be a postgres:// URL such as postgres://gitgate@db.internal:5432/gitgate',
      'database.ssl: must be a mapping',
      'database.pool: must be an integer from 1 to 100 (connections per store)',
      'database.password: must be env:NAME or file:PATH',
    ]);
    expect(problems(withDatabase({ url: 'postgres://db/x?schema=s&sslmode=disable' }))[0]).to.match(/^database\.url: must not set schema, sslmode/);
  });

  it('requires the vault and audit keys with a database, so no replica makes up its own', () => {
    const raw = withDatabase({ url: 'postgres://gitgate@db/gitgate' });
    delete raw.vault;
    delete raw.audit;
    expect(problems(raw).map((x) => x.split(':')[0])).to.deep.equal(['vault.key', 'audit.key']);
  });

  it('refuses vault.key without a database, where the key stays gitgate.key in the data directory', () => {
    const raw = withDatabase(undefined);
    delete raw.database;
    expect(problems(raw)).to.deep.equal(['vault.key: only with database: (without it the key is gitgate.key in the data directory)']);
  });

  it('validates the section without resolving the password, as check-config does', () => {
    const c = validateConfig(withDatabase({ url: 'postgres://gitgate@db/gitgate', password: 'env:PGPASS' }), BASE, 'config', {}, { resolveSecret: () => false });
    expect(new URL(c.database!.url).password).to.equal('');
    expect(c.vaultKey).to.equal(undefined);
  });
});
