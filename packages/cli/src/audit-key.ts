/**
 * The audit key as the admin commands find it: `audit.key` of the config, else DATA/audit.key when the
 * gateway has created one. Never created here: a command that made up a new key would make a keyed
 * chain look tampered with, and an unkeyed one look cut off.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_KEY_FILE } from '@gitgate/server';
import { loadOrCreateKey } from '@gitgate/vault';

/** The configured key, else the data directory's key file if it exists (checked 0600), else undefined. */
export async function findAuditKey(dataDir: string, configured?: Uint8Array): Promise<Uint8Array | undefined> {
  if (configured) return configured;
  const path = join(dataDir, AUDIT_KEY_FILE);
  return existsSync(path) ? loadOrCreateKey(path) : undefined;
}
