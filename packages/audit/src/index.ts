/** @gitgate/audit: the audit database — batched, hash-chained records, queries, verification, retention. */
export { AuditLog } from './audit-log.js';
export type { AuditLogOptions } from './audit-log.js';
export { AUDIT_KINDS, DETOKENIZE_KINDS, ANONYMOUS_ACTOR, SYSTEM_ACTOR, isAuditKind } from './audit-event.js';
export type {
  AdminData,
  AuditEvent,
  AuditIdentity,
  AuditKind,
  AuthFailureData,
  ApiRefusalData,
  DetokenizeData,
  ExposureData,
  PurgeData,
  PushData,
  PushOutcome,
  SessionData,
  SessionOutcome,
  SessionStartData,
  SyncData,
} from './audit-event.js';
export { DEFAULT_LIMIT } from './audit-query.js';
export type {
  AdminRow,
  AuditQuery,
  AuthFailureRow,
  DetokenizeRow,
  ExposureRow,
  PushRow,
  RecordColumns,
  SessionDetail,
  SessionRow,
  SyncRow,
} from './audit-query.js';
export type { VerifyOptions, VerifyResult } from './chain-verify.js';
export { verifyAuditFile, readAuditHead } from './audit-file.js';
export type { AuditFileOptions } from './audit-file.js';
export { parseAnchors } from './chain-head.js';
export type { ChainHead } from './chain-head.js';
export { AUDIT_KEY_LENGTH, CHAIN_KEYED, CHAIN_UNKEYED, GENESIS_HASH, KEYED_MARKER_ACTION, keyedRecordHash, recordHash } from './hash-chain.js';
export type { ChainBreak, ChainBreakReason, ChainLink } from './hash-chain.js';
export type { PurgeOptions, PurgeResult } from './retention.js';
export { canonicalJson } from './canonical-json.js';
export { formatRows } from './format-rows.js';
export type { FormatOptions, RowFormat } from './format-rows.js';
export { AuditError, codes } from './audit-error.js';
export type { AuditErrorCode } from './audit-error.js';
export { noopLogger } from '@gitgate/log';
export type { Logger } from '@gitgate/log';
export { AUDIT_STORE, auditMigrations } from './audit-schema.js';
