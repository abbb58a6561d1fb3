/** The PostgreSQL location of a store: a postgres:// URL with gitgate's own `schema` and `pool` parameters. */
import { DbError, codes } from './db-error.js';

/** Whether a store location names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(location: unknown): location is string {
  return typeof location === 'string' && /^postgres(?:ql)?:\/\//i.test(location);
}

/** A parsed location: what the driver connects with, and what logs and errors may show. */
export interface PgLocation {
  /** The URL for the driver, without gitgate's own parameters. */
  connectionString: string;
  /** The PostgreSQL schema the store's tables live in (`public` when none is given). */
  schema: string;
  /** Most connections the store's pool opens. */
  pool: number;
  /** host:port/database, for logs and error messages (never the user's password). */
  display: string;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Splits a postgres:// URL into the driver's connection string and gitgate's `schema` and `pool`
 * parameters. Throws DbError GITGATE_DB_OPEN for a malformed URL, schema or pool size; the message never
 * quotes the URL (it may hold the password).
 */
export function parsePgLocation(location: string): PgLocation {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new DbError(codes.open, 'the PostgreSQL URL is malformed');
  }
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!SCHEMA.test(schema)) throw new DbError(codes.open, `the PostgreSQL schema "${schema.slice(0, 63)}" must be lower-case letters, digits and _`);
  const poolText = url.searchParams.get('pool') ?? '4';
  const pool = Number(poolText);
  if (!Number.isSafeInteger(pool) || pool < 1 || pool > 100) throw new DbError(codes.open, 'the PostgreSQL pool size must be an integer from 1 to 100');
  url.searchParams.delete('schema');
  url.searchParams.delete('pool');
  const display = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  return { connectionString: url.toString(), schema, pool, display };
}
