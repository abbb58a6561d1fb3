/** Shared test helpers: temp dirs, a settable clock, a capturing logger and raw SQLite access. */
import sqlite3 from 'sqlite3';
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
 * Runs statements on the file through a separate sqlite3 connection, the way someone with access to
 * the disk (or the sqlite3 shell) would.
 */
export async function raw<T = Record<string, unknown>>(file: string, fn: (db: RawDb) => Promise<T>): Promise<T> {
  const handle = await new Promise<sqlite3.Database>((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
  });
  try {
    return await fn(new RawDb(handle));
  } finally {
    await new Promise<void>((resolve, reject) => handle.close((err) => (err ? reject(err) : resolve())));
  }
}

/** Promise methods over a bare sqlite3 handle. */
export class RawDb {
  constructor(readonly handle: sqlite3.Database) {}
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.handle.exec(sql, (err) => (err ? reject(err) : resolve())));
  }
  run(sql: string, params: unknown[] = []): Promise<void> {
    return new Promise((resolve, reject) => this.handle.run(sql, params, (err) => (err ? reject(err) : resolve())));
  }
  all<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.handle.all<T>(sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));
  }
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
