/**
 * Schema migrations: numbered SQL scripts per store, applied in order, each exactly once, all of one
 * open in a single transaction. Several stores may share one file; their versions are kept apart by
 * store name in `schema_migrations(name, version, applied_at)`.
 */
import type { Database } from './database.js';
import { DbError, codes } from './db-error.js';
import type { Logger } from '@gitgate/log';

/**
 * One schema step of a store. `sql` may hold several statements but must not BEGIN or COMMIT itself.
 * `postgres` is the same step for PostgreSQL where the dialects differ (BYTEA for BLOB, BIGINT for
 * 64-bit integers, identity columns); without it `sql` runs on both.
 */
export interface Migration {
  version: number;
  sql: string;
  postgres?: string;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (name, version)
)`;

/**
 * Checks a store's migration list. Throws TypeError unless the name is non-empty and versions are
 * positive integers in strictly ascending order with non-empty SQL.
 */
export function validateMigrations(name: string, migrations: readonly Migration[]): void {
  if (typeof name !== 'string' || name === '') throw new TypeError('store name must be a non-empty string');
  if (!Array.isArray(migrations)) throw new TypeError('migrations must be an array');
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isSafeInteger(m?.version) || m.version < 1) {
      throw new TypeError(`migration versions of store "${name}" must be positive integers`);
    }
    if (m.version <= previous) {
      throw new TypeError(`migration versions of store "${name}" must be strictly ascending (${m.version} after ${previous})`);
    }
    if (typeof m.sql !== 'string' || m.sql.trim() === '') {
      throw new TypeError(`migration ${m.version} of store "${name}" has no SQL`);
    }
    if (m.postgres !== undefined && (typeof m.postgres !== 'string' || m.postgres.trim() === '')) {
      throw new TypeError(`migration ${m.version} of store "${name}" has an empty PostgreSQL variant`);
    }
    previous = m.version;
  }
}

/**
 * Brings store `name` up to its last migration in one transaction, so a failing step leaves the
 * schema exactly as it was. Throws DbError GITGATE_DB_MIGRATION when a step fails and
 * GITGATE_DB_SCHEMA_TOO_NEW when the file was migrated further by a newer build (refusing beats
 * writing rows an older schema does not expect).
 */
export async function applyMigrations(db: Database, name: string, migrations: readonly Migration[], logger: Logger): Promise<void> {
  validateMigrations(name, migrations);
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  await db.transaction(async (tx) => {
    // Replicas starting together: one migrates, the others wait here and then find nothing to do.
    await tx.advisoryLock('schema_migrations');
    await tx.exec(CREATE_TABLE);
    const row = await tx.get<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM schema_migrations WHERE name = ?', [name]);
    const current = row?.version ?? 0;
    if (current > latest) {
      throw new DbError(codes.schemaTooNew, `store "${name}" is at schema version ${current}, newer than the ${latest} this build knows`, {
        data: { store: name, current, latest },
      });
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      try {
        await tx.exec(db.dialect === 'postgres' ? m.postgres ?? m.sql : m.sql);
      } catch (err) {
        throw new DbError(codes.migration, `migration ${m.version} of store "${name}" failed`, {
          cause: err,
          data: { store: name, version: m.version },
        });
      }
      await tx.run('INSERT INTO schema_migrations (name, version, applied_at) VALUES (?, ?, ?)', [name, m.version, new Date().toISOString()]);
      logger.info('migration applied', { store: name, version: m.version });
    }
  });
}
