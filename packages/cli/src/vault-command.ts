/**
 * `gitgate vault rotate-key --config FILE`: re-encrypts every vault entry under a new deployment key,
 * then replaces the key file. Tokens do not change (their HMAC key is kept, re-wrapped). Run it while
 * the gateway is stopped: a running gateway keeps using the key it started with.
 */
import { randomBytes } from 'node:crypto';
import { openSync, writeSync, fsyncSync, closeSync, renameSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Vault, loadOrCreateKey } from '@gitgate/vault';
import { AuditLog } from '@gitgate/audit';
import { loadConfig } from './config.js';
import { AUDIT_KEY_ONLY } from './audit-command.js';
import { commandSpec } from './command-table.js';
import { helpText } from './command-spec.js';
import { DataDir, findAuditKey, type DataDirLock } from '@gitgate/gateway';
import { storeLocation } from './store-location.js';

/** Runs `gitgate vault …`; returns the exit code. */
export async function vaultCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, data: { type: 'string' } } });
  if (positionals[0] !== 'rotate-key') {
    err.write(helpText(commandSpec('vault'), 'gitgate vault'));
    return 2;
  }
  const config = v.config ? loadConfig(v.config, AUDIT_KEY_ONLY) : undefined;
  const root = v.data ?? config?.dataDir;
  if (!root) {
    err.write('gitgate vault: give --config FILE or --data DIR\n');
    return 2;
  }
  const dataDir = new DataDir(root);
  const keyPath = dataDir.keyFile;
  if (!existsSync(keyPath)) {
    err.write(`gitgate vault: no key file at ${keyPath}\n`);
    return 1;
  }
  // A running gateway keeps the key it started with and would write entries under it meanwhile.
  let lock: DataDirLock;
  try {
    lock = dataDir.lock({ purpose: 'vault rotate-key' });
  } catch (e) {
    err.write(`gitgate vault: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const stores = { vault: storeLocation(config, dataDir.vaultDb), audit: storeLocation(config, dataDir.auditDb) };
    return await rotateVaultKey(stores, keyPath, out, await findAuditKey(dataDir, config?.audit.key));
  } finally {
    lock.release();
  }
}

/**
 * Re-encrypts the vault at `stores.vault` (a SQLite file or a PostgreSQL URL) under a new key, replaces
 * the key file at `keyPath` and records the rotation in the audit at `stores.audit`. Resolves with the
 * exit code.
 */
export async function rotateVaultKey(stores: { vault: string; audit: string }, keyPath: string, out: NodeJS.WritableStream, auditKey: Uint8Array | undefined): Promise<number> {
  const oldKey = await loadOrCreateKey(keyPath);
  const vault = await Vault.open({ dbPath: stores.vault, masterKey: oldKey });
  const newKey = randomBytes(32);
  // The new key is on disk (0600, fsynced) before any entry depends on it, so a crash loses nothing.
  const pending = `${keyPath}.new`;
  const fd = openSync(pending, 'w', 0o600);
  try {
    writeSync(fd, newKey.toString('hex') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  let rewrapped: number;
  try {
    ({ rewrapped } = await vault.rotateKey(newKey));
  } finally {
    await vault.close();
  }
  renameSync(pending, keyPath);
  const audit = await AuditLog.open({ path: stores.audit, key: auditKey });
  try {
    await audit.recordDurable({ kind: 'admin', actor: 'cli', data: { action: 'key-rotation', rewrapped } });
  } finally {
    await audit.close();
  }
  out.write(`rotated the vault key: ${rewrapped} secrets re-encrypted; tokens unchanged; ${keyPath} replaced\n`);
  return 0;
}
