/**
 * Reading an audit database without writing a row to it: what `gitgate audit verify` and `gitgate
 * audit anchor` use. Opening an AuditLog records crash-recovery rows and the keyed marker, which would
 * cover up what a verification should see, and would race a running gateway's writer.
 */
import fs from 'node:fs';
import { Database, isPostgresUrl } from '@gitgate/db';
import { AuditError, codes } from './audit-error.js';
import { AUDIT_STORE, auditMigrations } from './audit-schema.js';
import { readChainHead, type ChainHead } from './chain-head.js';
import { verifyChain, type VerifyOptions, type VerifyResult } from './chain-verify.js';
import { noopLogger, type Logger } from '@gitgate/log';

/** Options of `verifyAuditFile` and `readAuditHead`. */
export interface AuditFileOptions extends VerifyOptions {
  /** The audit database file (`audit.db` in the data dir; it must exist), or its PostgreSQL URL. */
  path: string;
  logger?: Logger;
}

async function withFile<T>(opts: AuditFileOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  if (opts === null || typeof opts !== 'object') throw new TypeError('options must be an object');
  if (typeof opts.path !== 'string' || opts.path === '') throw new TypeError('path must be a file path');
  if (!isPostgresUrl(opts.path) && !fs.existsSync(opts.path)) throw new AuditError(codes.missing, `no audit database at ${opts.path}`, { data: { path: opts.path } });
  // Migrations only change the schema (an older file gains chain_version); no row is written.
  const db = await Database.open({ path: opts.path, name: AUDIT_STORE, migrations: auditMigrations, synchronous: 'FULL', logger: opts.logger ?? noopLogger });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Verifies the chain of an audit database file, read-only as far as rows go (see `verifyChain` for
 * what is checked and thrown). Throws AuditError GITGATE_AUDIT_MISSING when the file does not exist.
 */
export function verifyAuditFile(opts: AuditFileOptions): Promise<VerifyResult> {
  return withFile(opts, (db) => verifyChain(db, { key: opts.key, anchors: opts.anchors }));
}

/** The chain head of an audit database file. Throws AuditError GITGATE_AUDIT_MISSING when it does not exist. */
export function readAuditHead(opts: AuditFileOptions): Promise<ChainHead> {
  return withFile(opts, readChainHead);
}
