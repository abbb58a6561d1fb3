/**
 * Where a shared store (vault, audit) lives: in the PostgreSQL database of the config's `database:`
 * section when it has one (issue 16, several replicas), else in its SQLite file under the data dir.
 */

/** The store location for `file` (a SQLite path in the data dir) under `config`: its database URL when one is configured. */
export function storeLocation(config: object | undefined, file: string): string {
  const database = (config as { database?: { url?: unknown } } | undefined)?.database;
  const url = database?.url;
  return typeof url === 'string' && url !== '' ? url : file;
}
