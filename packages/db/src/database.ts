/**
 * The database every store (vault, id map, audit, detokenize requests, push approvals, webhook queue)
 * keeps its rows in: SQLite in a file of the data dir (the embedded default), or a PostgreSQL server
 * shared by several gateway replicas. Stores write one SQL for both where the dialects agree and give
 * a PostgreSQL variant of a migration where they do not; `dialect` tells them which one they talk to.
 */
import type { Logger } from '@gitgate/log';
import type { Migration } from './migrations.js';
import type { HeldLock, LockOptions } from './named-lock.js';
import { SqliteDatabase } from './sqlite-database.js';
import { PgDatabase } from './pg-database.js';
import { isPostgresUrl } from './pg-url.js';

/** How `Database.open` finds, prepares and migrates a database. */
export interface OpenOptions {
  /**
   * A file path, ':memory:' for a private in-memory SQLite database (tests), or a PostgreSQL URL
   * (`postgres://USER@HOST:5432/DB?schema=NAME&pool=N&sslmode=require`, the password added from the config's reference): `schema` keeps a store's
   * tables in their own PostgreSQL schema (per-repository stores), `pool` caps its connections.
   */
  path: string;
  /** Store name the migrations are tracked under; several stores may share one database. */
  name: string;
  /** The store's migrations in ascending version order. */
  migrations: Migration[];
  /** SQLite `synchronous` level; FULL (default) makes every commit durable before it resolves. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a statement waits for another connection's lock before GITGATE_DB_BUSY (default 5000). */
  busyTimeoutMs?: number;
  logger?: Logger;
}

/** What `run` reports: rows changed and (SQLite only) the rowid of the last insert; use RETURNING for ids. */
export interface RunResult {
  changes: number;
  lastID: number;
}

/** One open database of one store; both backends behave alike for what the stores use. */
export interface Database {
  /** Which SQL dialect the statements go to. */
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs one statement with `?` parameters; resolves with rows changed. */
  run(sql: string, params?: unknown[]): Promise<RunResult>;
  /** The first row of a query, or undefined when there is none. */
  get<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Every row of a query. */
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one or more statements without parameters (schema). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction and resolves with its result; rolls back and rethrows if it throws.
   * Transactions of one store are serialised — within this process, and on PostgreSQL across every
   * replica (a transaction-scoped advisory lock per store) — so a store's read-then-write is as safe
   * as on SQLite. Calling `transaction` on `tx` opens a savepoint that rolls back alone.
   */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits for and holds a lock named `name` until the transaction ends, across
   * every process of the database (PostgreSQL advisory lock; SQLite's writer lock already covers it).
   */
  advisoryLock(name: string): Promise<void>;
  /**
   * Waits for and holds lock `name` beyond any transaction, until `release` (e.g. one sync of a
   * repository at a time across replicas). PostgreSQL: a session advisory lock on a connection of its
   * own, dropped by the server if that connection or its process dies. SQLite: an in-process lock per
   * file and name. Throws DbError GITGATE_DB_BUSY after `timeoutMs`, GITGATE_DB_UNAVAILABLE.
   */
  lock(name: string, opts?: LockOptions): Promise<HeldLock>;
  /** Takes lock `name` now, or resolves undefined when another holder has it. */
  tryLock(name: string): Promise<HeldLock | undefined>;
  /** Closes the connection(s) once running work has finished; later calls throw GITGATE_DB_CLOSED. */
  close(): Promise<void>;
}

/** Opens `opts.path`: PostgreSQL for a postgres:// URL, SQLite otherwise. */
export const Database = {
  open(opts: OpenOptions): Promise<Database> {
    return isPostgresUrl(opts?.path) ? PgDatabase.open(opts) : SqliteDatabase.open(opts);
  },
};
