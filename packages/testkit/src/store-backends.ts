/**
 * The two databases a store runs on, for suites parameterised by backend: every store suite that
 * loops over `storeBackends()` runs once on a SQLite file and once on a real PostgreSQL database.
 */
import { join } from 'node:path';
import { startPostgres } from './postgres-server.js';

/** One backend: its name for the suite title, and a fresh empty location for a store to open. */
export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty database location: a file path under `dir` for SQLite, a new database's URL for PostgreSQL. */
  location(dir: string, file?: string): Promise<string>;
}

export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  location: async (dir, file = 'store.db') => join(dir, file),
};

export const postgresBackend: StoreBackend = {
  name: 'postgres',
  location: async () => (await startPostgres()).createDatabase(),
};

/** Both backends, SQLite first. */
export function storeBackends(): StoreBackend[] {
  return [sqliteBackend, postgresBackend];
}
