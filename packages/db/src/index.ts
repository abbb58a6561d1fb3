/** @gitgate/db: the stores' database — SQLite in a file (embedded default) or a shared PostgreSQL server. */
export { Database } from './database.js';
export type { OpenOptions, RunResult } from './database.js';
export { SqliteDatabase } from './sqlite-database.js';
export { PgDatabase, advisoryKey } from './pg-database.js';
export { isPostgresUrl, parsePgLocation } from './pg-url.js';
export type { PgLocation } from './pg-url.js';
export { numberParameters } from './pg-sql.js';
export type { Migration } from './migrations.js';
export type { HeldLock, LockOptions } from './named-lock.js';
export { DbError, codes } from './db-error.js';
export type { DbErrorCode } from './db-error.js';
export { noopLogger } from '@gitgate/log';
export type { Logger } from '@gitgate/log';
