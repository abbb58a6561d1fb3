/** Errors of the db package: every failed open, statement, migration or misuse of a closed handle. */

/** Stable error codes of this package; the server maps each to an HTTP status in one table. */
export const codes = {
  /** The database file could not be created or opened. */
  open: 'GITGATE_DB_OPEN',
  /** A statement failed for a reason not covered by a more specific code. */
  query: 'GITGATE_DB_QUERY',
  /** A statement violated a UNIQUE, NOT NULL, CHECK or FOREIGN KEY constraint. */
  constraint: 'GITGATE_DB_CONSTRAINT',
  /** The database stayed locked by another connection for longer than the busy timeout. */
  busy: 'GITGATE_DB_BUSY',
  /** The disk (or the database's page limit) is full: the write was not made; it can succeed once there is room. */
  full: 'GITGATE_DB_FULL',
  /** A migration's SQL failed; none of the migrations of that open were kept. */
  migration: 'GITGATE_DB_MIGRATION',
  /** The database holds a schema version newer than this build knows (written by a newer gitgate). */
  schemaTooNew: 'GITGATE_DB_SCHEMA_TOO_NEW',
  /** The database was closed. */
  closed: 'GITGATE_DB_CLOSED',
  /** A transaction handle was used after its transaction had committed or rolled back. */
  txFinished: 'GITGATE_DB_TX_FINISHED',
} as const;

/** One of the stable codes in `codes`. */
export type DbErrorCode = (typeof codes)[keyof typeof codes];

/**
 * A database failure. `code` is stable; `data` holds the SQLite result code and the first 60 characters
 * of the SQL text. Neither the message nor `data` ever holds a bound parameter value (those may be
 * secrets); the SQLite message itself names tables and columns, not values.
 */
export class DbError extends Error {
  readonly code: DbErrorCode;
  readonly data?: Record<string, unknown>;
  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown; data?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DbError';
    this.code = code;
    this.data = options?.data;
  }
}

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
