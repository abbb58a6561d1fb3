/**
 * Where a shared store (vault, audit) lives: in the PostgreSQL database of the config's `database:`
 * section when it has one (issue 16, several replicas), else in its SQLite file under the data dir.
 */

/** The parts of a `database:` section a store location is made of; the password already resolved. */
interface DatabaseSection {
  url?: unknown;
  password?: unknown;
  pool?: unknown;
}

/**
 * The store location for `file` (a SQLite path in the data dir) under `config`: its database URL when
 * one is configured, with the (resolved) password and pool size put into the URL the way
 * `Database.open` reads them.
 */
export function storeLocation(config: object | undefined, file: string): string {
  const database = (config as { database?: DatabaseSection } | undefined)?.database;
  if (typeof database?.url !== 'string' || database.url === '') return file;
  const url = new URL(database.url);
  // The URL setter percent-encodes what a password may hold (@, :, /); the driver decodes it.
  if (typeof database.password === 'string' && database.password !== '') url.password = database.password;
  if (typeof database.pool === 'number') url.searchParams.set('pool', String(database.pool));
  return url.toString();
}
