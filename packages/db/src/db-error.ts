/** Errors of the db package: every failed open, statement, migration or misuse of a closed handle. */
import { defineError, codesOf, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const dbErrors = {
  /** The database file could not be created or opened. */
  open: defineError('GITGATE_DB_OPEN', 500, 'the database could not be opened'),
  /** A statement failed for a reason not covered by a more specific code. */
  query: defineError('GITGATE_DB_QUERY', 500, 'a database statement failed'),
  /** A statement violated a UNIQUE, NOT NULL, CHECK or FOREIGN KEY constraint. */
  constraint: defineError('GITGATE_DB_CONSTRAINT', 500, 'a database constraint was violated'),
  /** The database stayed locked by another connection for longer than the busy timeout. */
  busy: defineError('GITGATE_DB_BUSY', 500, 'the database is locked'),
  /** The disk (or the database's page limit) is full: the write was not made; it can succeed once there is room. */
  full: defineError('GITGATE_DB_FULL', 500, 'the database is full'),
  /** A migration's SQL failed; none of the migrations of that open were kept. */
  migration: defineError('GITGATE_DB_MIGRATION', 500, 'a database migration failed'),
  /** The database holds a schema version newer than this build knows (written by a newer gitgate). */
  schemaTooNew: defineError('GITGATE_DB_SCHEMA_TOO_NEW', 500, 'the database schema is newer than this build'),
  /** The PostgreSQL server could not be reached (refused, timed out, shut down, authentication failed). */
  unavailable: defineError('GITGATE_DB_UNAVAILABLE', 503, 'the database is unavailable'),
  /** The database was closed. */
  closed: defineError('GITGATE_DB_CLOSED', 500, 'the database is closed'),
  /** A transaction handle was used after its transaction had committed or rolled back. */
  txFinished: defineError('GITGATE_DB_TX_FINISHED', 500, 'the transaction has finished'),
};

/**
 * A database failure. `code` is stable; `data` holds the SQLite result code and the first 60 characters
 * of the SQL text. Neither the message nor `data` ever holds a bound parameter value (those may be
 * secrets); the SQLite message itself names tables and columns, not values.
 */
export class DbError extends errorClass('DbError', dbErrors) {}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(dbErrors);
export type DbErrorCode = (typeof codes)[keyof typeof codes];

/** Longest piece of SQL text quoted in an error. */
const MAX_SQL = 60;

/** The start of a statement for an error message: whitespace collapsed, at most 60 characters. */
export function sqlSnippet(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SQL ? flat.slice(0, MAX_SQL) : flat;
}

/**
 * Wraps an error from the sqlite3 driver. Only the driver's message (which names SQL objects, never
 * bound values) and the SQL prefix are kept; the parameters are never seen here on purpose.
 */
export function fromSqliteError(err: unknown, op: string, sql: string): DbError {
  if (err instanceof DbError) return err;
  const sqliteCode = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'UNKNOWN';
  const raw = err instanceof Error ? err.message : String(err);
  // The driver prefixes "SQLITE_XXX: "; the code is reported separately.
  const detail = raw.replace(/^SQLITE_[A-Z_]+: /, '');
  const snippet = sqlSnippet(sql);
  let code: DbErrorCode = codes.query;
  if (sqliteCode.startsWith('SQLITE_CONSTRAINT')) code = codes.constraint;
  else if (sqliteCode === 'SQLITE_BUSY' || sqliteCode === 'SQLITE_LOCKED') code = codes.busy;
  else if (sqliteCode === 'SQLITE_FULL') code = codes.full;
  else if (op === 'open') code = codes.open;
  const where = snippet === '' ? '' : ` in "${snippet}"`;
  return new DbError(code, `${op} failed (${sqliteCode}): ${detail}${where}`, {
    cause: err,
    data: { sqliteCode, sql: snippet },
  });
}

/** SQLSTATE classes and codes of the PostgreSQL server mapped onto this package's codes. */
function pgCode(sqlState: string, op: string): DbErrorCode {
  if (sqlState.startsWith('23')) return codes.constraint;
  if (sqlState === '40001' || sqlState === '40P01' || sqlState === '55P03') return codes.busy;
  if (sqlState === '53100') return codes.full;
  if (sqlState.startsWith('08') || sqlState.startsWith('57P') || sqlState.startsWith('28') || sqlState === '3D000') return codes.unavailable;
  return op === 'open' ? codes.open : codes.query;
}

/**
 * Wraps an error from the pg driver. PostgreSQL's own message names SQL objects (and, for a unique
 * violation, its `detail` would quote the key values — never kept; messages of other classes, which may
 * quote a value, are withheld); socket errors become
 * GITGATE_DB_UNAVAILABLE. Only the SQLSTATE, the server's message and the SQL prefix are kept.
 */
export function fromPgError(err: unknown, op: string, sql: string): DbError {
  if (err instanceof DbError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const raw = typeof e?.code === 'string' ? e.code : 'UNKNOWN';
  const isSqlState = /^[0-9A-Z]{5}$/.test(raw);
  const code = isSqlState ? pgCode(raw, op) : codes.unavailable;
  const snippet = sqlSnippet(sql);
  const where = snippet === '' ? '' : ` in "${snippet}"`;
  // Data exceptions (class 22) and others may quote a bound value; keep the message only where it cannot.
  const safe = !isSqlState || /^(23|42|40|53|08|57|28|3D|55)/.test(raw);
  const message = !safe ? 'the server message is withheld (it may quote a value)' : typeof e?.message === 'string' ? e.message : String(err);
  return new DbError(code, `${op} failed (${raw}): ${message}${where}`, { cause: err, data: { sqlState: raw, sql: snippet } });
}
