import { expect } from 'chai';
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '@gitgate/audit';
import { startGateway } from '../src/index.js';
import { tempDir, cleanup } from './helpers/harness.js';

describe('e2e: audit retention', function () {
  this.timeout(60_000);

  it('exports records older than the retention period as JSON lines, purges them, and keeps the chain verifiable', async () => {
    const dir = tempDir();
    try {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir, { recursive: true });
      const old = await AuditLog.open({ path: join(dataDir, 'audit.db'), clock: () => new Date(Date.now() - 40 * 86400e3) });
      for (let i = 0; i < 5; i++) old.record({ kind: 'admin', actor: 'test', data: { action: `old-${i}` } });
      await old.close();
      const exportDir = join(dir, 'exports');
      const gw = await startGateway({ port: 0, dataDir, auth: { mode: 'none' }, repos: [], auditRetention: { retentionMs: 30 * 86400e3, exportDir } });
      let files: string[] = [];
      for (let i = 0; i < 50 && files.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        files = readdirSync(exportDir).filter((f) => f.endsWith('.jsonl'));
      }
      expect(files).to.have.length(1);
      const lines = readFileSync(join(exportDir, files[0]!), 'utf8').trim().split('\n');
      expect(lines).to.have.length(5);
      expect(lines.every((l) => JSON.parse(l).kind === 'admin')).to.equal(true);
      const verify = await gw.audit.verify();
      expect(verify.ok).to.equal(true);
      await gw.close();
    } finally {
      cleanup(dir);
    }
  });
});
