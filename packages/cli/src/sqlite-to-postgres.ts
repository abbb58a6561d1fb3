/**
 * Moves a deployment's shared stores from the SQLite files of a data directory into PostgreSQL (issue 16:
 * `gitgate migrate`). Every store opens on both sides with its own migrations (so the PostgreSQL schema
 * is the one the gateway would create), each table's rows are copied as they are (ciphertexts, the audit
 * chain's hashes: nothing is re-encrypted or re-hashed), and the row counts must then agree table by
 * table. A destination table that already holds rows is refused: a migration never merges.
 */
import { existsSync } from 'node:fs';
import { Database, type Migration } from '@gitgate/db';
import { VAULT_STORE, vaultMigrations } from '@gitgate/vault';
import { AUDIT_STORE, auditMigrations } from '@gitgate/audit';
import { ID_MAP_STORE, idMapMigrations } from '@gitgate/mirror';
import { DETOKENIZE_STORE, detokenizeMigrations, PUSH_APPROVAL_STORE, pushApprovalMigrations, WEBHOOK_QUEUE_STORE, webhookQueueMigrations } from '@gitgate/access';
import type { DataDir } from '@gitgate/gateway';

/** One SQLite file of the data dir and the stores it holds. */
interface StoreFile { file: string; stores: Array<{ name: string; migrations: Migration[] }> }

/** What was copied: per table, the rows read from SQLite and the rows PostgreSQL then holds. */
export interface TableCount { file: string; table: string; source: number; copied: number }

const BATCH = 500;

/** The data dir's store files, each with the stores (names and migrations) it holds. */
export function storeFiles(dataDir: DataDir): StoreFile[] {
  return [
    { file: dataDir.vaultDb, stores: [{ name: VAULT_STORE, migrations: vaultMigrations }] },
    { file: dataDir.mirrorDb, stores: [{ name: ID_MAP_STORE, migrations: idMapMigrations }] },
    { file: dataDir.auditDb, stores: [{ name: AUDIT_STORE, migrations: auditMigrations }] },
    { file: dataDir.accessDb, stores: [{ name: DETOKENIZE_STORE, migrations: detokenizeMigrations }, { name: PUSH_APPROVAL_STORE, migrations: pushApprovalMigrations }] },
    { file: dataDir.webhookDb, stores: [{ name: WEBHOOK_QUEUE_STORE, migrations: webhookQueueMigrations }] },
  ];
}

async function openAll(location: string, stores: StoreFile['stores']): Promise<Database[]> {
  const out: Database[] = [];
  for (const s of stores) out.push(await Database.open({ path: location, name: s.name, migrations: s.migrations }));
  return out;
}

/** Copies every store file of `files` that exists into the database at `url`; resolves with the counts. */
export async function copyStores(files: StoreFile[], url: string, progress: (line: string) => void): Promise<TableCount[]> {
  const counts: TableCount[] = [];
  for (const f of files) {
    if (!existsSync(f.file)) {
      progress(`${f.file}: absent, nothing to copy`);
      continue;
    }
    const sources = await openAll(f.file, f.stores);
    const targets = await openAll(url, f.stores);
    try {
      const tables = await referencedFirst(sources[0]!);
      await targets[0]!.transaction(async (tx) => {
        for (const name of tables) counts.push(await copyTable(sources[0]!, tx, f.file, name, progress));
      });
    } finally {
      for (const db of [...sources, ...targets]) await db.close();
    }
  }
  return counts;
}

/** The file's tables (but SQLite's own and the migrations'), every table after those its foreign keys reference. */
async function referencedFirst(src: Database): Promise<string[]> {
  const names = (await src.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")).map((r) => r.name);
  const refs = new Map<string, string[]>();
  for (const n of names) refs.set(n, (await src.all<{ table: string }>(`SELECT "table" FROM pragma_foreign_key_list('${n}')`)).map((r) => r.table).filter((t) => t !== n));
  const ordered: string[] = [];
  while (ordered.length < names.length) {
    const next = names.find((n) => !ordered.includes(n) && refs.get(n)!.every((t) => ordered.includes(t) || !names.includes(t)));
    if (next === undefined) throw new Error('the store\'s foreign keys form a cycle');
    ordered.push(next);
  }
  return ordered;
}

/** Copies one table in batches, then checks its count; throws when the destination was not empty or the counts differ. */
async function copyTable(src: Database, dst: Database, file: string, table: string, progress: (line: string) => void): Promise<TableCount> {
  const already = await dst.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
  if ((already?.n ?? 0) > 0) throw new Error(`${table} in the PostgreSQL database already holds ${already!.n} rows; a migration never merges`);
  const info = await src.all<{ name: string; pk: number }>(`SELECT name, pk FROM pragma_table_info('${table}')`);
  const columns = info.map((c) => c.name);
  // A stable order to page by: the primary key (WITHOUT ROWID tables have no rowid), else the rowid.
  const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => `"${c.name}"`);
  const order = key.length > 0 ? key.join(', ') : 'rowid';
  const quoted = columns.map((c) => `"${c}"`).join(', ');
  const source = (await src.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
  for (let offset = 0; offset < source; offset += BATCH) {
    const rows = await src.all<Record<string, unknown>>(`SELECT ${quoted} FROM ${table} ORDER BY ${order} LIMIT ${BATCH} OFFSET ${offset}`);
    if (rows.length === 0) break;
    const values = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    await dst.run(`INSERT INTO ${table} (${quoted}) OVERRIDING SYSTEM VALUE VALUES ${values}`, rows.flatMap((r) => columns.map((c) => r[c])));
  }
  await resetIdentities(dst, table);
  const copied = (await dst.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
  if (copied !== source) throw new Error(`${table}: ${source} rows in SQLite but ${copied} in PostgreSQL`);
  progress(`${table}: ${copied} rows`);
  return { file, table, source, copied };
}

/** Moves each identity column's sequence past the copied values, so the next insert gets a new one. */
async function resetIdentities(dst: Database, table: string): Promise<void> {
  const identities = await dst.all<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'", [table]);
  for (const { column_name: column } of identities) {
    await dst.get(`SELECT setval(pg_get_serial_sequence(?, ?), GREATEST((SELECT MAX("${column}") FROM ${table}), 1))`, [table, column]);
  }
}
