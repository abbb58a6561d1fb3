/**
 * The vault's schema (store name "vault"), for SQLite and PostgreSQL.
 *
 * - `secrets`: one AES-256-GCM entry per token; the token string is the AAD.
 * - `occurrences`: where a token was seen. Missing path / commit are stored as '' rather than NULL
 *   because SQLite treats NULLs as distinct in a UNIQUE constraint, which would let the same
 *   occurrence be recorded again on every sync.
 * - `vault_keys`: the token id key, wrapped under the encryption key, so rotating the master key
 *   re-wraps it and tokens never change.
 */
import type { Migration } from '@gitgate/db';

/** Store name the vault's migrations are tracked under. */
export const VAULT_STORE = 'vault';

/**
 * The same step for PostgreSQL: BYTEA for BLOB, and byte-order (C) collation on the token so keyset
 * pages (`token > ? ORDER BY token`) follow the same order as on SQLite whatever the server's locale.
 */
function bothDialects(m: Migration): Migration {
  return { ...m, postgres: m.sql.replace(/\bBLOB\b/g, 'BYTEA').replace(/\btoken TEXT\b/g, 'token TEXT COLLATE "C"') };
}

/** The vault's migrations, oldest first. */
export const vaultMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE secrets (
        token TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        iv BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        tag BLOB NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE TABLE occurrences (
        token TEXT NOT NULL REFERENCES secrets (token) ON DELETE CASCADE,
        repo TEXT NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        commit_id TEXT NOT NULL DEFAULT '',
        rule_id TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        UNIQUE (token, repo, path, commit_id)
      );
      CREATE INDEX occurrences_repo ON occurrences (repo);
      CREATE TABLE vault_keys (
        name TEXT PRIMARY KEY,
        iv BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        tag BLOB NOT NULL,
        created_at TEXT NOT NULL,
        rotated_at TEXT
      );`,
  },
].map(bothDialects);
