/**
 * Where each shared store lives: SQLite files in the data directory (the embedded default), or, for
 * several replicas (issue 16), one PostgreSQL database with each store in its own schema — the same
 * split as the files, so a store's tables and migrations never meet another's.
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

/** PostgreSQL schema of each store in the shared database. */
export const STORE_SCHEMAS: Readonly<Record<keyof StoreLocations, string>> = {
  vault: 'gitgate_vault', idMap: 'gitgate_id_map', audit: 'gitgate_audit', access: 'gitgate_access', webhook: 'gitgate_webhooks',
};

/** The data directory's files, or with `databaseUrl` (postgres://…) that database with one schema per store. */
export function storeLocations(dataDir: DataDir, databaseUrl?: string): StoreLocations {
  if (databaseUrl === undefined) {
    return { vault: dataDir.vaultDb, idMap: dataDir.mirrorDb, audit: dataDir.auditDb, access: dataDir.accessDb, webhook: dataDir.webhookDb };
  }
  const at = (schema: string): string => {
    const url = new URL(databaseUrl);
    url.searchParams.set('schema', schema);
    return url.toString();
  };
  return {
    vault: at(STORE_SCHEMAS.vault), idMap: at(STORE_SCHEMAS.idMap), audit: at(STORE_SCHEMAS.audit), access: at(STORE_SCHEMAS.access), webhook: at(STORE_SCHEMAS.webhook),
  };
}
