import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { AuditError, AuditLog, recordHash, type PurgeData } from '../src/index.js';
import { storeBackends } from '@gitgate/testkit';
import { TestClock, rejection, storedRows, tamper, tempDir, type StoredRow } from './helpers.js';

const DAY = 86_400_000;

function readExport(file: string): StoredRow[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as StoredRow);
}

for (const backend of storeBackends()) describe(`AuditLog.exportAndPurge (${backend.name})`, function () {
  this.timeout(20_000);
  let dir: string;
  let file: string;
  let exportPath: string;
  let clock: TestClock;
  let audit: AuditLog;

  /** Rows 1–5 on 1–5 March, rows 6–8 on 10–12 March; the clock ends on 20 March. */
  beforeEach(async () => {
    dir = tempDir();
    file = await backend.location(dir, 'audit.db');
    exportPath = path.join(dir, 'audit-2025-03.jsonl');
    clock = new TestClock('2025-03-01T00:00:00.000Z');
    audit = await AuditLog.open({ path: file, clock: clock.now });
    for (let i = 1; i <= 8; i++) {
      audit.record({ kind: 'admin', actor: 'root', data: { action: `a${i}` } });
      clock.advance(i === 5 ? 5 * DAY : DAY);
    }
    await audit.flush();
    clock.advance(7 * DAY);
  });
  afterEach(async () => {
    await audit.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const before = new Date('2025-03-08T00:00:00.000Z');

  it('writes every older row, hashes included, to the export file as JSON lines', async () => {
    const original = await storedRows(file);
    const result = await audit.exportAndPurge({ before, exportPath });
    expect(result).to.deep.equal({ exported: 5, purged: 5 });
    expect(readExport(exportPath)).to.deep.equal(original.slice(0, 5));
  });

  it('exports rows whose hashes still recompute from their fields', async () => {
    await audit.exportAndPurge({ before, exportPath });
    for (const r of readExport(exportPath)) {
      expect(recordHash(r.prev_hash, r.seq, r.at, r.kind, r.actor, r.repo, r.data)).to.equal(r.hash);
    }
  });

  it('creates the export file with mode 0600', async () => {
    await audit.exportAndPurge({ before, exportPath });
    expect(fs.statSync(exportPath).mode & 0o777).to.equal(0o600);
  });

  it('deletes the exported rows and keeps the newer ones', async () => {
    await audit.exportAndPurge({ before, exportPath });
    expect((await storedRows(file)).map((r) => r.seq)).to.deep.equal([6, 7, 8, 9]);
  });

  it('records the purge itself, linked to the last purged row', async () => {
    const original = await storedRows(file);
    await audit.exportAndPurge({ before, exportPath, actor: 'root' });
    const purge = (await storedRows(file)).at(-1)!;
    expect(purge).to.deep.include({ kind: 'purge', actor: 'root', at: '2025-03-20T00:00:00.000Z' });
    const data = JSON.parse(purge.data) as PurgeData;
    expect(data).to.deep.equal({
      purgedThroughSeq: 5,
      lastPurgedHash: original[4]!.hash,
      count: 5,
      exportFile: 'audit-2025-03.jsonl',
      before: '2025-03-08T00:00:00.000Z',
    });
    expect((await audit.adminActions()).map((a) => a.action)).to.include('purge');
  });

  it('still verifies after the purge', async () => {
    await audit.exportAndPurge({ before, exportPath });
    expect(await audit.verify()).to.deep.include({ ok: true, checked: 4 });
  });

  it('keeps chaining new rows after the purge', async () => {
    await audit.exportAndPurge({ before, exportPath });
    audit.record({ kind: 'admin', actor: 'root', data: { action: 'after' } });
    await audit.flush();
    expect(await audit.verify()).to.deep.include({ ok: true, checked: 5 });
  });

  it('still detects an edited row after the purge', async () => {
    await audit.exportAndPurge({ before, exportPath });
    await tamper(file, "UPDATE records SET actor = 'mallory' WHERE seq = 7");
    expect((await audit.verify()).firstBroken).to.deep.include({ seq: 7, reason: 'hash-mismatch' });
  });

  it('detects the first remaining row deleted after the purge', async () => {
    await audit.exportAndPurge({ before, exportPath });
    await tamper(file, 'DELETE FROM records WHERE seq = 6');
    expect((await audit.verify()).firstBroken).to.deep.include({ seq: 7, reason: 'seq-gap' });
  });

  it('detects an anchor moved forward to hide deleted rows', async () => {
    await audit.exportAndPurge({ before, exportPath });
    const rows = await storedRows(file);
    await tamper(file, 'DELETE FROM records WHERE seq = 6');
    await tamper(file, 'UPDATE chain_anchor SET seq = 6, hash = ?', [rows[0]!.hash]);
    const result = await audit.verify();
    expect(result.firstBroken).to.deep.include({ seq: 9, reason: 'anchor-mismatch' });
  });

  it('verifies after a second purge moves the anchor on', async () => {
    await audit.exportAndPurge({ before, exportPath });
    await audit.exportAndPurge({ before: new Date('2025-03-12T00:00:00.000Z'), exportPath: path.join(dir, 'second.jsonl') });
    expect((await storedRows(file)).map((r) => r.seq)).to.deep.equal([8, 9, 10]);
    expect(await audit.verify()).to.deep.include({ ok: true, checked: 3 });
  });

  it('writes an empty export file and no purge record when nothing is old enough', async () => {
    const result = await audit.exportAndPurge({ before: new Date('2025-02-01T00:00:00.000Z'), exportPath });
    expect(result).to.deep.equal({ exported: 0, purged: 0 });
    expect(fs.readFileSync(exportPath, 'utf8')).to.equal('');
    expect(await storedRows(file)).to.have.length(8);
  });

  it('refuses an export file that already exists and purges nothing', async () => {
    fs.writeFileSync(exportPath, 'earlier export\n');
    const err = await rejection(audit.exportAndPurge({ before, exportPath }));
    expect(err).to.be.instanceOf(AuditError).and.to.have.property('code', 'GITGATE_AUDIT_EXPORT');
    expect(fs.readFileSync(exportPath, 'utf8')).to.equal('earlier export\n');
    expect(await storedRows(file)).to.have.length(8);
  });

  it('refuses to purge a broken chain, keeps the rows and removes the export file', async () => {
    await tamper(file, "UPDATE records SET actor = 'mallory' WHERE seq = 2");
    const err = await rejection(audit.exportAndPurge({ before, exportPath }));
    expect(err).to.be.instanceOf(AuditError).and.to.have.property('code', 'GITGATE_AUDIT_CHAIN_BROKEN');
    expect((err as AuditError).data).to.deep.include({ seq: 2 });
    expect(fs.existsSync(exportPath)).to.equal(false);
    expect(await storedRows(file)).to.have.length(8);
  });

  it('purges only the oldest run of rows when the clock once went backwards', async () => {
    // Row 9 is stamped 2 March, after rows from 10–12 March: it must not be purged out of order.
    const back = new TestClock('2025-03-02T00:00:00.000Z');
    await audit.close();
    audit = await AuditLog.open({ path: file, clock: back.now });
    audit.record({ kind: 'admin', actor: 'root', data: { action: 'late' } });
    await audit.flush();
    await audit.exportAndPurge({ before, exportPath });
    expect((await storedRows(file)).map((r) => r.seq)).to.deep.equal([6, 7, 8, 9, 10]);
    expect((await audit.verify()).ok).to.equal(true);
  });

  it('throws TypeError on an invalid before', async () => {
    expect(await rejection(audit.exportAndPurge({ before: new Date(Number.NaN), exportPath }))).to.be.instanceOf(TypeError);
  });
});
