/**
 * The audit chain key (docs/audit.md, "Tamper evidence"): the configured one, or `audit.key` in the
 * data directory, created 0600 on first start the way gitgate.key is. A key next to the database it
 * protects stops nobody who can write both, so that case is warned about at every start.
 */
import { join } from 'node:path';
import { loadOrCreateKey } from '@gitgate/vault';
import type { Logger } from './logger.js';

/** File name of the audit key in the data directory when none is configured. */
export const AUDIT_KEY_FILE = 'audit.key';

/**
 * Returns `configured` when given; otherwise DATA/audit.key, created if missing, and logs a warning
 * naming its path (never the key). Throws VaultError (GITGATE_KEY_…) when that file is unusable.
 */
export async function auditKeyFor(dataDir: string, configured: Uint8Array | undefined, logger: Logger): Promise<Uint8Array> {
  if (configured) return configured;
  const path = join(dataDir, AUDIT_KEY_FILE);
  const key = await loadOrCreateKey(path);
  logger.warn('audit key kept next to the audit database it protects; set audit.key to keep it elsewhere', { path });
  return key;
}
