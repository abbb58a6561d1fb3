/**
 * The audit chain key (docs/audit.md, "Tamper evidence"): the configured one, or `audit.key` in the
 * data directory, created 0600 on first start the way gitgate.key is. A key next to the database it
 * protects stops nobody who can write both, so that case is warned about at every start.
 */
import { existsSync } from 'node:fs';
import { loadOrCreateKey } from '@gitgate/vault';
import type { Logger } from '@gitgate/log';
import type { DataDir } from './data-dir.js';

/**
 * Returns `configured` when given; otherwise DATA/audit.key, created if missing, and logs a warning
 * naming its path (never the key). Throws VaultError (GITGATE_KEY_…) when that file is unusable.
 */
export async function auditKeyFor(dataDir: DataDir, configured: Uint8Array | undefined, logger: Logger): Promise<Uint8Array> {
  if (configured) return configured;
  const path = dataDir.auditKeyFile;
  const key = await loadOrCreateKey(path);
  logger.warn('audit key kept next to the audit database it protects; set audit.key to keep it elsewhere', { path });
  return key;
}

/**
 * The audit key as the admin commands find it: the configured one, else DATA/audit.key when the
 * gateway has created one (checked 0600), else undefined. Never created here: a command that made up
 * a new key would make a keyed chain look tampered with, and an unkeyed one look cut off.
 */
export async function findAuditKey(dataDir: DataDir, configured?: Uint8Array): Promise<Uint8Array | undefined> {
  if (configured) return configured;
  return existsSync(dataDir.auditKeyFile) ? loadOrCreateKey(dataDir.auditKeyFile) : undefined;
}
