/**
 * Multi-row upserts in chunks, the same SQL on SQLite and PostgreSQL: `ON CONFLICT (key) DO UPDATE`
 * (or `DO NOTHING` when the table has no other column) instead of SQLite's `INSERT OR REPLACE`. A sync
 * writes hundreds of thousands of id pairs in one transaction, so each statement carries many rows
 * (no per-row round trip) while staying under both dialects' bound-parameter limits.
 */
import type { Database } from '@gitgate/db';

/** A table written by key: `key` columns identify a row, `columns` are replaced by a later write. */
export interface UpsertTable {
  readonly table: string;
  readonly key: readonly string[];
  readonly columns: readonly string[];
}

/** Bound parameters per statement: under SQLite's 32766 and PostgreSQL's 65535. */
const MAX_PARAMETERS = 8000;

/**
 * Writes `rows` (values in `key` then `columns` order) into `spec.table` inside `tx`, a later row of the
 * same key replacing an earlier one's columns, as INSERT OR REPLACE did. Reads `rows` once; resolves
 * with how many rows it sent.
 */
export async function upsertRows(tx: Database, spec: UpsertTable, rows: Iterable<readonly unknown[]>): Promise<number> {
  const width = spec.key.length + spec.columns.length;
  const perStatement = Math.floor(MAX_PARAMETERS / width);
  // PostgreSQL refuses to update one row twice in one statement: the last row of a key wins, as it would
  // when the rows were written one by one.
  let chunk = new Map<string, readonly unknown[]>();
  let sent = 0;
  for (const row of rows) {
    const id = JSON.stringify(row.slice(0, spec.key.length));
    chunk.delete(id);
    chunk.set(id, row);
    if (chunk.size === perStatement) {
      await tx.run(statement(spec, chunk.size), [...chunk.values()].flat());
      sent += chunk.size;
      chunk = new Map();
    }
  }
  if (chunk.size > 0) await tx.run(statement(spec, chunk.size), [...chunk.values()].flat());
  return sent + chunk.size;
}

const statements = new Map<string, string>();

/** The upsert of `count` rows into `spec.table` (cached: a sync repeats the same few shapes). */
function statement(spec: UpsertTable, count: number): string {
  const name = `${spec.table}:${count}`;
  const cached = statements.get(name);
  if (cached !== undefined) return cached;
  const all = [...spec.key, ...spec.columns];
  const row = `(${all.map(() => '?').join(', ')})`;
  const action = spec.columns.length === 0
    ? 'DO NOTHING'
    : `DO UPDATE SET ${spec.columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  const sql = `INSERT INTO ${spec.table} (${all.join(', ')}) VALUES ${Array.from({ length: count }, () => row).join(', ')} ON CONFLICT (${spec.key.join(', ')}) ${action}`;
  if (statements.size > 100) statements.clear();
  statements.set(name, sql);
  return sql;
}
