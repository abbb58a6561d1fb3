/** Errors of the audit package. Messages name kinds, sequence numbers and paths, never a data value. */

/** Stable error codes of this package; the server maps each to an HTTP status in one table. */
export const codes = {
  /** The audit log was closed; nothing more can be recorded or queried. */
  closed: 'GITGATE_AUDIT_CLOSED',
  /** A batch of rows could not be committed. Rows queued with `record` stay queued and are retried. */
  write: 'GITGATE_AUDIT_WRITE',
  /** `close` gave up on rows it could not commit (the database kept failing); they are lost. */
  unwritten: 'GITGATE_AUDIT_UNWRITTEN',
  /** The export file of a purge could not be created or written (it may already exist). */
  export: 'GITGATE_AUDIT_EXPORT',
  /** A purge was refused because the rows it would delete do not form an intact hash chain. */
  chainBroken: 'GITGATE_AUDIT_CHAIN_BROKEN',
  /** The chain holds keyed rows and no audit key was given. */
  keyRequired: 'GITGATE_AUDIT_KEY_REQUIRED',
  /** The audit key given does not verify the last keyed row: a different key, or that row was altered. */
  keyMismatch: 'GITGATE_AUDIT_KEY_MISMATCH',
  /** The audit database file to read does not exist. */
  missing: 'GITGATE_AUDIT_MISSING',
} as const;

/** One of the stable codes in `codes`. */
export type AuditErrorCode = (typeof codes)[keyof typeof codes];

/** An audit failure. `code` is stable; `data` holds structured details (counts, seq, path), never a row's data. */
export class AuditError extends Error {
  readonly code: AuditErrorCode;
  readonly data?: Record<string, unknown>;
  constructor(code: AuditErrorCode, message: string, options?: { cause?: unknown; data?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuditError';
    this.code = code;
    this.data = options?.data;
  }
}
