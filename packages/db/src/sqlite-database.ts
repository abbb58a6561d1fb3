/**
 * The SQLite backend of `Database`: a promise wrapper over one sqlite3 connection (the embedded default).
 * One connection per store: SQLite serialises writers anyway, and one connection makes the
 * transaction boundaries ours to enforce (see `transaction`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import sqlite3 from 'sqlite3';
import type { Database as SqliteHandle, RunResult as SqliteRunResult } from 'sqlite3';
import { DbError, codes, fromSqliteError } from './db-error.js';
import { applyMigrations, validateMigrations } from './migrations.js';
import { Mutex } from './mutex.js';
import type { Database, OpenOptions, RunResult } from './database.js';
import { noopLogger, type Logger } from '@gitgate/log';
import { resolve } from 'node:path';
import { NamedLocks, checkLockArgs, type HeldLock, type LockOptions } from './named-lock.js';

/** State shared by the root handle and every transaction handle of one connection. */
interface Connection {
  readonly handle: SqliteHandle;
  readonly mutex: Mutex;
  /** Which transaction, if any, the current async call chain runs inside. */
  readonly scope: AsyncLocalStorage<TxScope>;
  readonly logger: Logger;
  /** What `lock` names are kept apart by: the file's absolute path (a private id for ':memory:'). */
  readonly lockScope: string;
  closed: boolean;
}

/** Every SQLite session lock of this process: handles of one file share them, whatever store opened it. */
const sessionLocks = new NamedLocks();
let memoryDatabases = 0;

/** One open transaction; `open` turns false at COMMIT or ROLLBACK so leaked handles fail loudly. */
interface TxScope {
  open: boolean;
  savepoints: number;
}

const MEMORY = ':memory:';

function rawRun(handle: SqliteHandle, sql: string, params: unknown[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    handle.run(sql, params, function (this: SqliteRunResult, err: Error | null) {
      if (err) reject(fromSqliteError(err, 'run', sql));
      else resolve({ changes: this.changes, lastID: this.lastID });
    });
  });
}

function rawGet<T>(handle: SqliteHandle, sql: string, params: unknown[]): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    handle.get<T>(sql, params, (err: Error | null, row: T) => {
      if (err) reject(fromSqliteError(err, 'get', sql));
      else resolve(row ?? undefined);
    });
  });
}

function rawAll<T>(handle: SqliteHandle, sql: string, params: unknown[]): Promise<T[]> {
  return new Promise((resolve, reject) => {
    handle.all<T>(sql, params, (err: Error | null, rows: T[]) => {
      if (err) reject(fromSqliteError(err, 'all', sql));
      else resolve(rows);
    });
  });
}

function rawExec(handle: SqliteHandle, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    handle.exec(sql, (err: Error | null) => {
      if (err) reject(fromSqliteError(err, 'exec', sql));
      else resolve();
    });
  });
}

function openHandle(path: string): Promise<SqliteHandle> {
  return new Promise((resolve, reject) => {
    const handle: SqliteHandle = new sqlite3.Database(path, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE | sqlite3.OPEN_FULLMUTEX, (err) => {
      if (err) reject(fromSqliteError(err, 'open', ''));
      else resolve(handle);
    });
  });
}

function closeHandle(handle: SqliteHandle): Promise<void> {
  return new Promise((resolve, reject) => {
    handle.close((err) => {
      if (err) reject(fromSqliteError(err, 'close', ''));
      else resolve();
    });
  });
}

/**
 * Creates the database file owner-only before SQLite sees it: SQLite would create it with the umask's
 * mode, and it copies the main file's mode to the -wal and -shm files it creates later.
 */
function createPrivateFile(path: string, logger: Logger): void {
  try {
    fs.closeSync(fs.openSync(path, 'wx', 0o600));
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new DbError(codes.open, `cannot create database file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err, data: { path } });
    }
  }
  const mode = fs.statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    logger.warn('database file is accessible to group or other', { path, mode: mode.toString(8) });
  }
}

function assertParams(params: unknown): asserts params is unknown[] {
  // A lone value would bind as the first parameter only and hide the mistake.
  if (!Array.isArray(params)) throw new TypeError('params must be an array');
}

/**
 * One SQLite connection with promise methods. Every statement issued outside a transaction waits for
 * the running transaction (an internal FIFO mutex), so no caller's statement can land inside another
 * caller's transaction. The handle passed to a `transaction` callback runs its statements directly.
 * Errors are DbError; their messages quote the first 60 characters of SQL, never a bound value.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  readonly #conn: Connection;
  /** Set on transaction handles only. */
  readonly #tx: TxScope | undefined;

  private constructor(conn: Connection, tx: TxScope | undefined) {
    this.#conn = conn;
    this.#tx = tx;
  }

  /**
   * Opens (creating, mode 0600) the database, sets journal_mode=WAL (files only), foreign_keys=ON,
   * busy_timeout and synchronous, then applies the store's pending migrations in one transaction.
   * Throws TypeError on bad options; DbError GITGATE_DB_OPEN, GITGATE_DB_MIGRATION or
   * GITGATE_DB_SCHEMA_TOO_NEW otherwise (the connection is closed again).
   */
  static async open(opts: OpenOptions): Promise<SqliteDatabase> {
    if (typeof opts?.path !== 'string' || opts.path === '') throw new TypeError('path must be a file path or ":memory:"');
    validateMigrations(opts.name, opts.migrations);
    const synchronous = opts.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new TypeError('synchronous must be FULL or NORMAL');
    const busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError('busyTimeoutMs must be a non-negative integer');
    const logger = opts.logger ?? noopLogger;
    const isFile = opts.path !== MEMORY;

    if (isFile) createPrivateFile(opts.path, logger);
    const handle = await openHandle(opts.path);
    const lockScope = isFile ? resolve(opts.path) : `:memory:${++memoryDatabases}`;
    const db = new SqliteDatabase({ handle, mutex: new Mutex(), scope: new AsyncLocalStorage(), logger, lockScope, closed: false }, undefined);
    try {
      // PRAGMAs that cannot change inside a transaction go first, before the migrations' transaction.
      await db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      await db.exec('PRAGMA foreign_keys = ON');
      if (isFile) {
        const row = await walMode(db, busyTimeoutMs);
        if (row?.journal_mode?.toLowerCase() !== 'wal') {
          logger.warn('database is not in wal mode', { path: opts.path, journalMode: row?.journal_mode });
        }
      }
      await db.exec(`PRAGMA synchronous = ${synchronous}`);
      await applyMigrations(db, opts.name, opts.migrations, logger);
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    logger.debug('database opened', { path: opts.path, store: opts.name });
    return db;
  }

  /** Runs one statement; resolves with rows changed and the last inserted rowid. */
  async run(sql: string, params: unknown[] = []): Promise<RunResult> {
    assertParams(params);
    return this.#perform(() => rawRun(this.#conn.handle, sql, params));
  }

  /** The first row of a query, or undefined when there is none. */
  async get<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    assertParams(params);
    return this.#perform(() => rawGet<T>(this.#conn.handle, sql, params));
  }

  /** Every row of a query. */
  async all<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    assertParams(params);
    return this.#perform(() => rawAll<T>(this.#conn.handle, sql, params));
  }

  /** Runs one or more statements without parameters (schema, PRAGMAs). */
  exec(sql: string): Promise<void> {
    return this.#perform(() => rawExec(this.#conn.handle, sql));
  }

  /**
   * Runs `fn` inside BEGIN IMMEDIATE … COMMIT and resolves with its result; if `fn` throws, rolls back
   * and rethrows. Transactions are serialised: concurrent callers queue in call order, and so does
   * every statement issued outside a transaction. Use the `tx` handle inside `fn`; a call on the outer
   * handle from inside `fn` joins the transaction rather than deadlocking on it. Calling `transaction`
   * on `tx` opens a SAVEPOINT that rolls back alone. Do not run two nested transactions of one
   * transaction concurrently.
   */
  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('transaction needs a callback');
    this.#assertUsable();
    const joined = this.#currentScope();
    if (joined) return this.#savepoint(joined, fn);
    const conn = this.#conn;
    return conn.mutex.runExclusive(async () => {
      this.#assertUsable();
      await rawExec(conn.handle, 'BEGIN IMMEDIATE');
      const scope: TxScope = { open: true, savepoints: 0 };
      const tx = new SqliteDatabase(conn, scope);
      let result: T;
      try {
        result = await conn.scope.run(scope, () => fn(tx));
      } catch (err) {
        scope.open = false;
        await this.#rollback('ROLLBACK');
        throw err;
      }
      scope.open = false;
      try {
        await rawExec(conn.handle, 'COMMIT');
      } catch (err) {
        await this.#rollback('ROLLBACK');
        throw err;
      }
      return result;
    });
  }

  /**
   * Takes a named lock until the transaction ends. SQLite serialises every writer of the file already
   * (BEGIN IMMEDIATE), so this only checks that it is called inside a transaction.
   */
  async advisoryLock(name: string): Promise<void> {
    if (typeof name !== 'string' || name === '') throw new TypeError('lock name must be a non-empty string');
    if (!this.#currentScope()) throw new TypeError('advisoryLock must be called inside a transaction');
  }

  /** An in-process lock per file and name: one gateway holds a SQLite data directory (gitgate.lock). */
  async lock(name: string, opts?: LockOptions): Promise<HeldLock> {
    checkLockArgs(name, opts);
    this.#assertUsable();
    const held = await sessionLocks.lock(`${this.#conn.lockScope}\0${name}`, opts);
    return { name, release: () => held.release() };
  }

  async tryLock(name: string): Promise<HeldLock | undefined> {
    checkLockArgs(name, undefined);
    this.#assertUsable();
    const held = sessionLocks.tryLock(`${this.#conn.lockScope}\0${name}`);
    return held && { name, release: () => held.release() };
  }

  /**
   * Closes the connection once the running transaction and every queued statement have finished.
   * Later calls throw DbError GITGATE_DB_CLOSED. Closing twice is a no-op. Throws TypeError when
   * called on a transaction handle or from inside a transaction.
   */
  async close(): Promise<void> {
    if (this.#tx || this.#currentScope()) throw new TypeError('close the database outside of a transaction');
    const conn = this.#conn;
    await conn.mutex.runExclusive(async () => {
      if (conn.closed) return;
      conn.closed = true;
      await closeHandle(conn.handle);
    });
  }

  /** The transaction this call belongs to: its own, or the one whose callback is calling. */
  #currentScope(): TxScope | undefined {
    if (this.#tx) return this.#tx;
    const scope = this.#conn.scope.getStore();
    return scope?.open ? scope : undefined;
  }

  #assertUsable(): void {
    if (this.#conn.closed) throw new DbError(codes.closed, 'the database is closed');
    if (this.#tx && !this.#tx.open) {
      throw new DbError(codes.txFinished, 'the transaction has already ended; use the handle only inside its callback');
    }
  }

  /** Inside a transaction: straight to the connection. Outside: after the running transaction. */
  #perform<T>(op: () => Promise<T>): Promise<T> {
    try {
      this.#assertUsable();
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#currentScope()) return op();
    return this.#conn.mutex.runExclusive(() => {
      this.#assertUsable();
      return op();
    });
  }

  async #savepoint<T>(scope: TxScope, fn: (tx: Database) => Promise<T>): Promise<T> {
    const handle = this.#conn.handle;
    const name = `gitgate_sp_${++scope.savepoints}`;
    await rawExec(handle, `SAVEPOINT ${name}`);
    let result: T;
    try {
      result = await fn(new SqliteDatabase(this.#conn, scope));
    } catch (err) {
      await this.#rollback(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    }
    await rawExec(handle, `RELEASE ${name}`);
    return result;
  }

  /**
   * Rolls back, keeping the caller's error as the one that surfaces: SQLite may already have rolled
   * back on its own (e.g. SQLITE_FULL), and then ROLLBACK fails harmlessly.
   */
  async #rollback(sql: string): Promise<void> {
    try {
      await rawExec(this.#conn.handle, sql);
    } catch (err) {
      this.#conn.logger.debug('rollback failed', { code: (err as DbError).code, sqliteCode: (err as DbError).data?.['sqliteCode'] });
    }
  }
}

/**
 * `PRAGMA journal_mode = WAL`, tried again while another connection holds the lock it needs: SQLite
 * can answer SQLITE_BUSY there without calling the busy handler (two processes opening one new file at
 * once), so busy_timeout alone does not cover it. Gives up, as any statement does, after `timeoutMs`.
 */
async function walMode(db: SqliteDatabase, timeoutMs: number): Promise<{ journal_mode: string } | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      return await db.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
    } catch (err) {
      if (!(err instanceof DbError && err.code === codes.busy) || Date.now() + wait > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
