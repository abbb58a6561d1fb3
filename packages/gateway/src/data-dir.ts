/**
 * The data directory's layout, named once: every file the gateway and the admin commands open under
 * it, and its lock. Nothing else spells these names.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { takeLock, type DataDirLock, type DataDirLockOptions } from './data-dir-lock.js';

/** Directory name of a repository's stores (flat, reversible, safe for any name). */
export function repoDirName(name: string): string {
  return encodeURIComponent(name);
}

/** The files of one data directory. Creating it touches nothing on disk; `create` and `lock` do. */
export class DataDir {
  /** The vault's master key (32 bytes, 0600), created on first start. */
  readonly keyFile: string;
  /** The vault: token ids and encrypted secrets. */
  readonly vaultDb: string;
  /** The id map upstream ⇄ sanitized, shared by every repository. */
  readonly mirrorDb: string;
  /** The audit log (hash-chained). */
  readonly auditDb: string;
  /** The audit chain key when none is configured (audit.key). */
  readonly auditKeyFile: string;
  /** Detokenize requests, approvals and grants. */
  readonly accessDb: string;
  /** Webhook deliveries not done yet (the durable queue). */
  readonly webhookDb: string;
  /** The one-gateway-per-directory lock (gitgate.lock). */
  readonly lockFile: string;
  /** Parent of every repository's stores. */
  readonly reposDir: string;
  /** Where audit retention exports purged records when `audit.exportDir` is not set. */
  readonly auditExportsDir: string;
  /** The certificate `gitgate serve --tls-self-signed` made (kept across restarts). */
  readonly tlsSelfSignedCert: string;
  /** Its private key (0600). */
  readonly tlsSelfSignedKey: string;

  constructor(readonly root: string) {
    this.keyFile = join(root, 'gitgate.key');
    this.vaultDb = join(root, 'vault.db');
    this.mirrorDb = join(root, 'mirror.db');
    this.auditDb = join(root, 'audit.db');
    this.auditKeyFile = join(root, AUDIT_KEY_FILE);
    this.accessDb = join(root, 'access.db');
    this.webhookDb = join(root, 'webhooks.db');
    this.lockFile = join(root, LOCK_FILE);
    this.reposDir = join(root, 'repos');
    this.auditExportsDir = join(root, 'audit-exports');
    this.tlsSelfSignedCert = join(root, 'tls-self-signed.crt');
    this.tlsSelfSignedKey = join(root, 'tls-self-signed.key');
  }

  /** The directory holding repository `name`'s upstream and sanitized stores. */
  repoDir(name: string): string {
    return join(this.reposDir, repoDirName(name));
  }

  /** Creates the directory (0700) if missing. */
  create(): this {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    return this;
  }

  /** Takes the lock; throws GatewayError GITGATE_DATA_DIR_IN_USE naming the holder (see lockDataDir). */
  lock(opts?: DataDirLockOptions): DataDirLock {
    return takeLock(this.lockFile, opts);
  }
}

/** Takes the lock of data directory `dataDir` (which must exist); see DataDir.lock. */
export function lockDataDir(dataDir: string, opts?: DataDirLockOptions): DataDirLock {
  return new DataDir(dataDir).lock(opts);
}

/** File name of the lock in the data directory. */
export const LOCK_FILE = 'gitgate.lock';
/** File name of the audit key in the data directory when none is configured. */
export const AUDIT_KEY_FILE = 'audit.key';
