/**
 * Where each shared store lives: SQLite files in the data directory (the embedded default), or, for
 * several replicas (issue 16), the one PostgreSQL database the configuration names. There the stores
 * share the URL's schema as they may share a SQLite file: their tables have distinct names and their
 * migrations are tracked by store name; the admin commands (`gitgate vault`, `gitgate audit`) open the
 * same URL.
 */
import type { DataDir } from './data-dir.js';

/** The location `Database.open` takes for each store the gateway opens. */
export interface StoreLocations {
  vault: string;
  idMap: string;
  audit: string;
  /** Detokenize requests and held push approvals (one store each, side by side as in access.db). */
  access: string;
  webhook: string;
}

/** The data directory's files, or with `databaseUrl` (postgres://…) that database for every store. */
export function storeLocations(dataDir: DataDir, databaseUrl?: string): StoreLocations {
  if (databaseUrl === undefined) {
    return { vault: dataDir.vaultDb, idMap: dataDir.mirrorDb, audit: dataDir.auditDb, access: dataDir.accessDb, webhook: dataDir.webhookDb };
  }
  return { vault: databaseUrl, idMap: databaseUrl, audit: databaseUrl, access: databaseUrl, webhook: databaseUrl };
}
