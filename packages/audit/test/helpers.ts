/** Shared test helpers: temp dirs, a settable clock, a capturing logger and raw access to the store. */
import { Database } from '@gitgate/db';
import type { Logger } from '../src/index.js';
export { tempDir, rejection, TestClock } from '@gitgate/testkit';

/** One captured log call. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  meta?: object;
}

/** A logger that keeps every call for assertions. */
export function captureLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (msg: string, meta?: object): void => {
    entries.push({ level, msg, meta });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Runs statements on the store through a separate connection, the way someone with access to the disk
 * (the sqlite3 shell) or to the database (psql) would.
 */
export async function raw<T = Record<string, unknown>>(location: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open({ path: location, name: 'raw', migrations: [] });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** SQL dropping the guard triggers, as an attacker with the database would first. */
export function dropGuards(db: Database): string {
  const on = db.dialect === 'postgres' ? ' ON records' : '';
  return `DROP TRIGGER IF EXISTS records_no_update${on}; DROP TRIGGER IF EXISTS records_no_delete${on};`;
}

/** Runs one statement as an attacker with the file (or the database) would: guard triggers dropped first. */
export async function tamper(location: string, sql: string, params: unknown[] = []): Promise<void> {
  await raw(location, async (db) => {
    await db.exec(dropGuards(db));
    await db.run(sql, params);
  });
}

/** Every stored row, in seq order. */
export interface StoredRow {
  seq: number;
  at: string;
  kind: string;
  actor: string;
  repo: string | null;
  data: string;
  prev_hash: string;
  hash: string;
  /** 1 unkeyed (sha256), 2 keyed (HMAC); absent in a database from before chain versions. */
  chain_version?: number;
}

/** All rows of `records`, read through a separate connection. */
export function storedRows(file: string): Promise<StoredRow[]> {
  return raw(file, (db) => db.all<StoredRow>('SELECT * FROM records ORDER BY seq'));
}
