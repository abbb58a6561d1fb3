/** @gitgate/db: a small promise wrapper over sqlite3 with migrations and serialised transactions. */
export { Database } from './database.js';
export type { OpenOptions, RunResult } from './database.js';
export type { Migration } from './migrations.js';
export { DbError, codes } from './db-error.js';
export type { DbErrorCode } from './db-error.js';
export { noopLogger } from '@gitgate/log';
export type { Logger } from '@gitgate/log';
