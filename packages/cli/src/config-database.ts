/**
 * The `database` section (scale-out, issue 16): the PostgreSQL server several gateway replicas share,
 * and the `vault.key` every replica must be given rather than create. Without `database`, every store
 * stays SQLite in the data directory and the vault key stays DATA/gitgate.key, exactly as before.
 */
import { resolve } from 'node:path';
import type { ConfigProblems } from './config-problems.js';

/** The shared database as the gateway opens it. */
export interface DatabaseConfig {
  /**
   * The connection URL the stores open: the configured one with the resolved password, TLS settings
   * (`sslmode=verify-full`, `sslrootcert`) and pool size added. Holds the password: never log it.
   */
  url: string;
  /** host:port/database, for summaries and logs. */
  display: string;
}

const KEYS = ['url', 'password', 'ssl', 'pool'];
/** Parameters the gateway sets itself: a store's schema, and TLS through `ssl:`. */
const OWN_PARAMS = ['schema', 'pool', 'password', 'sslmode', 'sslrootcert'];

/**
 * `database: { url: postgres://USER@HOST:PORT/DB, password?: env:NAME | file:PATH, ssl?: true | { ca: file:PATH }, pool?: N }`.
 * A URL that carries a password is refused (the password belongs in a reference, not in the file).
 */
export function databaseSection(root: Record<string, unknown>, p: ConfigProblems): DatabaseConfig | undefined {
  const db = p.obj(root.database, 'database');
  if (!db) return undefined;
  p.unknownKeys(db, KEYS, 'database');
  const url = databaseUrl(db.url, p);
  const tls = sslParams(db.ssl, p);
  const pool = db.pool ?? 4;
  if (!Number.isInteger(pool) || (pool as number) < 1 || (pool as number) > 100) p.push('database.pool: must be an integer from 1 to 100 (connections per store)');
  let password: string | undefined;
  if (db.password !== undefined) {
    if (typeof db.password !== 'string' || !/^(env|file):./.test(db.password)) p.push('database.password: must be env:NAME or file:PATH');
    else password = p.secret(db.password, 'database.password')?.replace(/\r?\n$/, '');
  }
  if (!url || !tls) return undefined;
  if (password !== undefined) url.password = encodeURIComponent(password);
  for (const [k, v] of Object.entries(tls)) url.searchParams.set(k, v);
  url.searchParams.set('pool', String(pool));
  return { url: url.toString(), display: `${url.hostname}:${url.port || '5432'}${url.pathname}` };
}

/** The URL without credentials; undefined with a problem (never quoting the URL) when it is not one. */
function databaseUrl(v: unknown, p: ConfigProblems): URL | undefined {
  const problem = 'database.url: must be a postgres:// URL such as postgres://gitgate@db.internal:5432/gitgate';
  if (typeof v !== 'string' || !/^postgres(?:ql)?:\/\//i.test(v)) {
    p.push(problem);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    p.push(problem);
    return undefined;
  }
  if (url.password !== '') {
    p.push('database.url: must not carry a password; give it as database.password: env:NAME (or file:PATH)');
    return undefined;
  }
  const own = OWN_PARAMS.filter((k) => url.searchParams.has(k));
  if (own.length > 0) {
    p.push(`database.url: must not set ${own.join(', ')} (use database.ssl and database.pool; each store's schema is the gateway's)`);
    return undefined;
  }
  return url;
}

/** `ssl`: absent or false (plain), true (verified against the system CAs), or `{ ca: file:PATH }`. */
function sslParams(v: unknown, p: ConfigProblems): Record<string, string> | undefined {
  if (v === undefined || v === false) return {};
  if (v === true) return { sslmode: 'verify-full' };
  const ssl = p.obj(v, 'database.ssl');
  if (!ssl) return undefined;
  p.unknownKeys(ssl, ['ca'], 'database.ssl');
  if (typeof ssl.ca !== 'string' || !/^file:./.test(ssl.ca)) {
    p.push('database.ssl.ca: must be file:PATH (the PEM certificate of the CA that signed the server)');
    return undefined;
  }
  return { sslmode: 'verify-full', sslrootcert: resolve(p.baseDir, ssl.ca.slice('file:'.length)) };
}

/**
 * `vault: { key: env:NAME | file:PATH }`: the deployment key every replica shares. Required with
 * `database` (a replica never makes up its own), refused without it (the key is then DATA/gitgate.key).
 * Undefined when absent, or when this load resolves no secret (check-config).
 */
export function vaultSection(root: Record<string, unknown>, database: boolean, p: ConfigProblems): Buffer | undefined {
  const v = p.obj(root.vault, 'vault');
  if (v) p.unknownKeys(v, ['key'], 'vault');
  if (!database) {
    if (v?.key !== undefined) p.push('vault.key: only with database: (without it the key is gitgate.key in the data directory)');
    return undefined;
  }
  if (v?.key === undefined) {
    p.push('vault.key: required with database: every replica must use the same deployment key (env:NAME or file:PATH, 64 hex characters)');
    return undefined;
  }
  return p.hexKey(v.key, 'vault.key');
}

/** With `database`, the audit chain is one chain written by every replica: its key must be configured too. */
export function requireAuditKey(root: Record<string, unknown>, p: ConfigProblems): void {
  const audit = root.audit;
  const key = audit !== null && typeof audit === 'object' ? (audit as Record<string, unknown>).key : undefined;
  if (key === undefined) p.push('audit.key: required with database: every replica appends to one audit chain with the same key (env:NAME or file:PATH)');
}
