/** /readyz's checks of the stores: the vault database, the data directory, the audit log. */
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vault } from '@gitgate/vault';
import type { AuditLog } from '@gitgate/audit';

/** Returns the readiness check: resolves to a map of failed checks (empty when ready). */
export function readinessCheck(root: string, vault: Vault, audit: AuditLog): () => Promise<Record<string, string>> {
  return async () => {
    const problems: Record<string, string> = {};
    try {
      await vault.has('[[TOKEN_readiness-check_AAAAAAAAAAAAAAAAAAAAAAAA]]');
    } catch {
      problems.database = 'the vault database is not reachable';
    }
    try {
      const probe = join(root, `.readyz-${process.pid}`);
      writeFileSync(probe, 'ok');
      unlinkSync(probe);
    } catch {
      problems.dataDir = 'the data directory is not writable';
    }
    // Requests that must be recorded are refused while audit writes fail: not ready to serve them.
    if (audit.failing) problems.audit = 'the audit log cannot be written (disk full or locked); git and API requests get 503 until it can';
    return problems;
  };
}
