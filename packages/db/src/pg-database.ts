/**
 * The PostgreSQL backend of `Database`, for several gateway replicas sharing one server. Each store
 * has its own small pool (closed down to no connection when idle). A store's transactions are
 * serialised in this process by a mutex and across replicas by a transaction-scoped advisory lock
 * named after the store, so the stores' read-then-write logic is exactly as safe as on SQLite, where
 * the file's writer lock does the same.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { noopLogger, type Logger } from '@gitgate/log';
import type { Database, OpenOptions, RunResult } from './database.js';
import { DbError, codes, fromPgError } from './db-error.js';
import { applyMigrations, validateMigrations } from './migrations.js';
import { Mutex } from './mutex.js';
import { numberParameters } from './pg-sql.js';
import { parsePgLocation, type PgLocation } from './pg-url.js';
import { checkLockArgs, type HeldLock, type LockOptions } from './named-lock.js';
import { pgLock, pgTryLock } from './pg-session-lock.js';

/** One open transaction on one pooled connection; `open` turns false when it ends. */
interface PgTx {
  readonly client: pg.PoolClient;
  open: boolean;
  savepoints: number;
}

/** What every handle of one opened store shares. */
interface Store {
  readonly pool: pg.Pool;
  readonly location: PgLocation;
  readonly name: string;
  readonly mutex: Mutex;
  readonly scope: AsyncLocalStorage<PgTx>;
  readonly logger: Logger;
  closed: boolean;
}

/** bigint and numeric come back as numbers (counts, sizes, millisecond times all fit), bytea as Buffer. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 || oid === 1700) && format !== 'binary'
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** A 64-bit advisory lock key for a name within a schema (signed, as PostgreSQL's bigint is). */
export function advisoryKey(schema: string, name: string): string {
  const digest = createHash('sha256').update(`gitgate:${schema}:${name}`).digest();
  return BigInt.asIntN(64, digest.readBigUInt64BE(0)).toString();
}

function createPool(location: PgLocation, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: location.pool,
    idleTimeoutMillis: 5000,
    connectionTimeoutMillis: 10_000,
    options: `-c search_path=${location.schema}`,
    types,
  });
  // An idle connection the server drops must not take the process down; the next query reconnects.
  pool.on('error', (err) => logger.warn('database connection lost', { database: location.display, code: (err as { code?: string }).code }));
  return pool;
}

export class PgDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly #store: Store;
  readonly #tx: PgTx | undefined;

  private constructor(store: Store, tx: PgTx | undefined) {
    this.#store = store;
    this.#tx = tx;
  }

  /**
   * Connects, creates the store's schema if it is missing and applies the pending migrations — under
   * advisory locks, so replicas starting together migrate once. Throws DbError GITGATE_DB_UNAVAILABLE
   * when the server cannot be reached, GITGATE_DB_OPEN for a bad URL, GITGATE_DB_MIGRATION /
   * GITGATE_DB_SCHEMA_TOO_NEW as on SQLite.
   */
  static async open(opts: OpenOptions): Promise<PgDatabase> {
    validateMigrations(opts.name, opts.migrations);
    const location = parsePgLocation(opts.path);
    const logger = opts.logger ?? noopLogger;
    const store: Store = { pool: createPool(location, logger), location, name: opts.name, mutex: new Mutex(), scope: new AsyncLocalStorage(), logger, closed: false };
    const db = new PgDatabase(store, undefined);
    try {
      if (location.schema !== 'public') {
        await db.transaction(async (tx) => {
          await tx.advisoryLock('create-schema');
          await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${location.schema}`);
        });
      }
      await applyMigrations(db, opts.name, opts.migrations, logger);
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err instanceof DbError ? err : fromPgError(err, 'open', '');
    }
    logger.debug('database opened', { database: location.display, schema: location.schema, store: opts.name });
    return db;
  }

  async run(sql: string, params: unknown[] = []): Promise<RunResult> {
    const result = await this.#query(sql, params, 'run');
    return { changes: result.rowCount ?? 0, lastID: 0 };
  }

  async get<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.#query(sql, params, 'get')).rows[0] as T | undefined;
  }

  async all<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.#query(sql, params, 'all')).rows as T[];
  }

  async exec(sql: string): Promise<void> {
    this.#assertUsable();
    const tx = this.#currentTx();
    try {
      await (tx ? tx.client.query(sql) : this.#store.pool.query(sql));
    } catch (err) {
      throw fromPgError(err, 'exec', sql);
    }
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('transaction needs a callback');
    this.#assertUsable();
    const joined = this.#currentTx();
    if (joined) return this.#savepoint(joined, fn);
    const store = this.#store;
    return store.mutex.runExclusive(async () => {
      this.#assertUsable();
      const client = await store.pool.connect().catch((err: unknown) => { throw fromPgError(err, 'connect', ''); });
      const scope: PgTx = { client, open: true, savepoints: 0 };
      let broken: Error | undefined;
      try {
        await step(client, 'BEGIN');
        await step(client, 'SELECT pg_advisory_xact_lock($1)', [advisoryKey(store.location.schema, `store:${store.name}`)]);
        let result: T;
        try {
          result = await store.scope.run(scope, () => fn(new PgDatabase(store, scope)));
        } catch (err) {
          scope.open = false;
          await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
          throw err;
        }
        scope.open = false;
        await step(client, 'COMMIT');
        return result;
      } catch (err) {
        if (scope.open) broken = err as Error;
        scope.open = false;
        throw err;
      } finally {
        client.release(broken);
      }
    });
  }

  async advisoryLock(name: string): Promise<void> {
    if (typeof name !== 'string' || name === '') throw new TypeError('lock name must be a non-empty string');
    const tx = this.#currentTx();
    if (!tx) throw new TypeError('advisoryLock must be called inside a transaction');
    await tx.client.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey(this.#store.location.schema, name)]);
  }

  async lock(name: string, opts?: LockOptions): Promise<HeldLock> {
    checkLockArgs(name, opts);
    this.#assertUsable();
    return pgLock(this.#store.location, this.#store.logger, name, opts);
  }

  async tryLock(name: string): Promise<HeldLock | undefined> {
    checkLockArgs(name, undefined);
    this.#assertUsable();
    return pgTryLock(this.#store.location, this.#store.logger, name);
  }

  async close(): Promise<void> {
    if (this.#tx || this.#currentTx()) throw new TypeError('close the database outside of a transaction');
    const store = this.#store;
    await store.mutex.runExclusive(async () => {
      if (store.closed) return;
      store.closed = true;
      await store.pool.end();
    });
  }

  async #query(sql: string, params: unknown[], op: string): Promise<pg.QueryResult> {
    if (!Array.isArray(params)) throw new TypeError('params must be an array');
    this.#assertUsable();
    const tx = this.#currentTx();
    const text = numberParameters(sql);
    try {
      return await (tx ? tx.client.query(text, params) : this.#store.pool.query(text, params));
    } catch (err) {
      throw fromPgError(err, op, sql);
    }
  }

  #currentTx(): PgTx | undefined {
    if (this.#tx) return this.#tx;
    const scope = this.#store.scope.getStore();
    return scope?.open ? scope : undefined;
  }

  #assertUsable(): void {
    if (this.#store.closed) throw new DbError(codes.closed, 'the database is closed');
    if (this.#tx && !this.#tx.open) throw new DbError(codes.txFinished, 'the transaction has already ended; use the handle only inside its callback');
  }

  async #savepoint<T>(scope: PgTx, fn: (tx: Database) => Promise<T>): Promise<T> {
    const name = `gitgate_sp_${++scope.savepoints}`;
    await scope.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(new PgDatabase(this.#store, scope));
      await scope.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await scope.client.query(`ROLLBACK TO SAVEPOINT ${name}`).then(() => scope.client.query(`RELEASE SAVEPOINT ${name}`)).catch(() => undefined);
      throw err;
    }
  }
}

/** A statement of the transaction's own bracket (BEGIN, the store lock, COMMIT), its failure as DbError. */
async function step(client: pg.PoolClient, sql: string, params?: unknown[]): Promise<void> {
  try {
    await client.query(sql, params);
  } catch (err) {
    throw fromPgError(err, 'transaction', sql);
  }
}
