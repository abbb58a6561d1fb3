import { expect } from 'chai';
import { closeSync, existsSync, mkdirSync, openSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { rejection } from '@gitgate/testkit';
import { startGateway, type GatewayOptions } from '../src/index.js';
import { startDemoGateway, git, gitOk, objectIds, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';
import { freeBytes, mountSmallFilesystem, type SmallFilesystem } from './helpers/small-filesystem.js';
import { query } from './helpers/sqlite-rows.js';
import { AUDIT_SENTENCE, postUploadPack, v0Request, v2Fetch } from './helpers/upload-pack-wire.js';

/** How long the audit may take to notice by itself that it can write again (its back-off is at most 5 s). */
const RECOVERY_MS = 8000;

async function until(what: string, ms: number, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A data directory in `work` whose audit.db is a symlink to a file on `disk`. SQLite follows the link
 * and keeps its -wal and -shm beside the target, so only the audit runs out of space (the vault, the
 * id map and the stores do not). Returns the data directory and the real audit file.
 */
function auditOnDisk(work: string, disk: SmallFilesystem): { dataDir: string; auditFile: string } {
  const auditFile = join(disk.dir, 'audit.db');
  closeSync(openSync(auditFile, 'wx', 0o600));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  symlinkSync(auditFile, join(dataDir, 'audit.db'));
  return { dataDir, auditFile };
}

// Issue 10, hole 6: with the audit's disk full, a full clone was still served and left no record.
describe('e2e: the audit on a full disk (a real ENOSPC)', function () {
  this.timeout(60_000);
  let work: string;
  let disk: SmallFilesystem | undefined;
  let demo: DemoGateway | undefined;
  let dataDir: string;
  let auditFile: string;
  let want: string;
  let seqBeforeFull: number;
  const errors: { msg: string; meta?: Record<string, unknown> }[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (msg: string, meta?: Record<string, unknown>) => { errors.push({ msg, meta }); } };

  before(async () => {
    work = tempDir();
    disk = mountSmallFilesystem(4 * 1024 * 1024);
    ({ dataDir, auditFile } = auditOnDisk(work, disk));
    demo = await startDemoGateway({ dataDir, logger });
    // A gateway that has served before: the repository is synced and its exposures are cached.
    const warm = join(work, 'warm');
    await gitOk(['clone', '-q', demo.url, warm]);
    want = (await gitOk(['-C', warm, 'rev-parse', 'HEAD'])).trim();
    await demo.gw.audit.flush();
    seqBeforeFull = (await query<{ s: number }>(auditFile, 'SELECT MAX(seq) AS s FROM records'))[0]!.s;
    disk.fill();
  });

  after(async () => {
    try {
      await demo?.stop();
    } finally {
      disk?.unmount();
      cleanup(work);
    }
  });

  it('keeps audit.db and its write-ahead log on the full filesystem', () => {
    expect(realpathSync(join(dataDir, 'audit.db'))).to.equal(realpathSync(auditFile));
    expect(existsSync(`${auditFile}-wal`), 'the -wal is beside the target').to.equal(true);
    expect(existsSync(join(dataDir, 'audit.db-wal')), 'no -wal beside the link').to.equal(false);
    expect(freeBytes(disk!.dir)).to.equal(0);
  });

  it('refuses a git clone at its pack once the disk is full, and hands it not a single object', async () => {
    expect(demo!.gw.audit.failing, 'nothing has failed yet: this clone meets the full disk itself').to.equal(false);
    // Protocol v0: the ref advertisement is served (the audit has not failed yet), then the fetch meets the full disk.
    const dest = join(work, 'refused-at-pack');
    const r = await git(['-c', 'protocol.version=0', 'clone', '-q', demo!.url, dest]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include('503');
    expect((await objectIds(dest)).size, 'objects that reached the client').to.equal(0);
    expect(demo!.gw.audit.failing).to.equal(true);
  });

  it('answers a v2 fetch with 503 and the sentence, and sends no pack byte', async () => {
    const res = await postUploadPack(demo!.url, v2Fetch(want), true);
    expect(res.status).to.equal(503);
    expect(res.body.toString('latin1')).to.equal(AUDIT_SENTENCE);
  });

  it('answers a v0 side-band fetch with 503 and the sentence, and sends no pack byte', async () => {
    const res = await postUploadPack(demo!.url, v0Request(want, ['side-band-64k', 'ofs-delta', 'agent=git/2.39.5']), false);
    expect(res.status).to.equal(503);
    expect(res.body.toString('latin1')).to.equal(AUDIT_SENTENCE);
  });

  it('refuses a git clone at its ref listing while the audit is known to fail, with the sentence', async () => {
    const dest = join(work, 'refused-at-refs');
    const r = await git(['clone', '-q', demo!.url, dest]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include('the audit log cannot be written');
    expect((await objectIds(dest)).size, 'objects that reached the client').to.equal(0);
  });

  it('logs each failed audit write with the code that says the disk is full', () => {
    const failed = errors.filter((e) => e.msg === 'audit batch write failed');
    expect(failed.length).to.be.greaterThan(0);
    for (const e of failed) expect(e.meta?.['code']).to.equal('GITGATE_DB_FULL');
  });

  it('stays up while the disk is full', async () => {
    const health = await fetch(`${demo!.gw.url}/healthz`);
    expect(health.status).to.equal(200);
    expect(freeBytes(disk!.dir), 'the disk is still full').to.equal(0);
  });

  it('reports not ready, naming the audit, while the disk is full', async () => {
    const ready = await fetch(`${demo!.gw.url}/readyz`);
    expect(ready.status).to.equal(503);
    const body = await ready.json() as { status: string; problems: Record<string, string> };
    expect(body.status).to.equal('not ready');
    expect(body.problems.audit).to.match(/audit log cannot be written/);
  });

  it('writes again by itself once space is freed, and records the next clone with its exposures', async () => {
    disk!.free();
    await until('audit recovery', RECOVERY_MS, () => !demo!.gw.audit.failing);
    const dest = join(work, 'after-recovery');
    await gitOk(['clone', '-q', demo!.url, dest]);
    expect((await objectIds(dest)).size).to.be.greaterThan(0);
    await demo!.gw.audit.flush();

    const sessions = await query<{ id: string; endpoint: string; outcome: string; error_code: string | null; objects_sent: number | null }>(
      auditFile, 'SELECT id, endpoint, outcome, error_code, objects_sent FROM sessions WHERE seq > ? ORDER BY seq', [seqBeforeFull]);
    // The refused requests are recorded too, once the disk has room: their rows waited in the queue.
    const refused = sessions.filter((s) => s.error_code === 'GITGATE_AUDIT_UNAVAILABLE');
    expect(refused.map((s) => s.endpoint), 'refused while the disk was full').to.deep.equal(['fetch', 'fetch', 'fetch', 'info/refs']);
    const served = sessions.filter((s) => s.endpoint === 'fetch' && s.outcome === 'ok');
    expect(served).to.have.length(1);
    expect(served[0]!.objects_sent).to.be.greaterThan(0);
    const starts = await query<{ n: number }>(auditFile, "SELECT COUNT(*) AS n FROM records WHERE kind = 'session-start' AND json_extract(data, '$.id') = ?", [served[0]!.id]);
    expect(starts[0]!.n).to.equal(1);
    const exposures = await query<{ n: number }>(auditFile, 'SELECT COUNT(*) AS n FROM exposures WHERE session_id = ?', [served[0]!.id]);
    expect(exposures[0]!.n).to.be.greaterThan(0);
    // No exposure of a refused fetch reached the disk: none of them sent a pack.
    const refusedExposures = await query<{ n: number }>(auditFile, `SELECT COUNT(*) AS n FROM exposures WHERE session_id IN (${refused.map(() => '?').join(',')})`, refused.map((s) => s.id));
    expect(refusedExposures[0]!.n).to.equal(0);
  });

  it('leaves the database intact and the chain unbroken', async () => {
    const check = await query<{ integrity_check: string }>(auditFile, 'PRAGMA integrity_check');
    expect(check.map((r) => r.integrity_check)).to.deep.equal(['ok']);
    const chain = await demo!.gw.audit.verify();
    expect(chain.ok, JSON.stringify(chain.firstBroken)).to.equal(true);
    expect(chain.checked).to.equal(chain.head.seq);
  });
});

describe('e2e: closing a gateway whose audit disk is full', function () {
  this.timeout(30_000);
  let work: string;
  let disk: SmallFilesystem | undefined;

  before(() => {
    work = tempDir();
    disk = mountSmallFilesystem(1024 * 1024);
  });

  after(() => {
    try {
      disk?.unmount();
    } finally {
      cleanup(work);
    }
  });

  it('closes every store and releases the data directory, and rejects with the number of audit rows it lost', async () => {
    const { dataDir } = auditOnDisk(work, disk!);
    const opts: GatewayOptions = { port: 0, dataDir, auth: { mode: 'none' }, repos: [] };
    const gw = await startGateway(opts);
    let closing: Promise<void> | undefined;
    try {
      disk!.fill();
      // A request arrives; its session row cannot be written any more.
      expect((await fetch(`${gw.url}/acme/none.git/info/refs?service=git-upload-pack`)).status).to.equal(404);
      closing = gw.close();
      const err = (await rejection(closing)) as { code?: string; data?: { rows?: number } };
      expect(err.code).to.equal('GITGATE_AUDIT_UNWRITTEN');
      expect(err.data?.rows).to.equal(1);
      expect(((await rejection(gw.vault.has('[[TOKEN_x_AAAAAAAAAAAAAAAAAAAAAAAA]]'))) as { code?: string }).code).to.equal('GITGATE_VAULT_CLOSED');
      // The data directory is free: a new gateway (a restart) takes it, even with the disk still full.
      const again = await startGateway(opts);
      await again.close();
    } finally {
      if (closing === undefined) await gw.close().catch(() => undefined);
    }
  });
});
