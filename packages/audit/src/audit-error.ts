/** Errors of the audit package. Messages name kinds, sequence numbers and paths, never a data value. */
import { defineError, codesOf, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const auditErrors = {
  /** The audit log was closed; nothing more can be recorded or queried. */
  closed: defineError('GITGATE_AUDIT_CLOSED', 500, 'the audit log is closed'),
  /** A batch of rows could not be committed. Rows queued with `record` stay queued and are retried. */
  write: defineError('GITGATE_AUDIT_WRITE', 500, 'audit rows could not be written'),
  /** `close` gave up on rows it could not commit (the database kept failing); they are lost. */
  unwritten: defineError('GITGATE_AUDIT_UNWRITTEN', 500, 'audit rows were not written before close'),
  /** The export file of a purge could not be created or written (it may already exist). */
  export: defineError('GITGATE_AUDIT_EXPORT', 500, 'the audit export could not be written'),
  /** A purge was refused because the rows it would delete do not form an intact hash chain. */
  chainBroken: defineError('GITGATE_AUDIT_CHAIN_BROKEN', 500, 'the audit hash chain is broken'),
  /** The chain holds keyed rows and no audit key was given. */
  keyRequired: defineError('GITGATE_AUDIT_KEY_REQUIRED', 500, 'the audit chain is keyed and no audit key was given'),
  /** The audit key given does not verify the last keyed row: a different key, or that row was altered. */
  keyMismatch: defineError('GITGATE_AUDIT_KEY_MISMATCH', 500, 'the audit key does not verify the chain'),
  /** The audit database file to read does not exist. */
  missing: defineError('GITGATE_AUDIT_MISSING', 500, 'the audit database does not exist'),
};

/** An audit failure. `code` is stable; `data` holds structured details (counts, seq, path), never a row's data. */
export class AuditError extends errorClass('AuditError', auditErrors) {}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(auditErrors);
export type AuditErrorCode = (typeof codes)[keyof typeof codes];
