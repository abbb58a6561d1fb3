// `gitgate audit verify` and `gitgate audit anchor` on a keyed audit database: the real binary where
// the command line itself is the point, the command in-process for the rest (each spawn costs seconds).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog, keyedRecordHash } from '@gitgate/audit';
import { Database } from '@gitgate/db';
import { auditInProcess } from './audit-helpers.js';

/** packages/cli/bin/gitgate.js, from packages/cli/dist/test. */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'gitgate.js');

describe('gitgate audit verify and anchor', function () {
  this.timeout(60_000);
  let dir: string;
  let config: string;
  let db: string;
  let keyHex: string;

  /** `gitgate audit …` through the real binary. */
  function bin(args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, 'audit', ...args], { cwd: dir, env: { PATH: process.env.PATH }, timeout: 30_000 });
    return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
  }

  /** `gitgate audit …` in-process. */
  const gitgate = auditInProcess;

  /** Writes the key file the config names (as an operator would, outside the data directory). */
  function writeKey(): void {
    fs.writeFileSync(path.join(dir, 'audit-key.hex'), `${keyHex}\n`, { mode: 0o600 });
  }

  /** What the attacker does with write access to the file: guards dropped, then `sql`. */
  async function tamper(...sql: string[]): Promise<void> {
    const raw = await Database.open({ path: db, name: 'tamper', migrations: [] });
    try {
      await raw.run('DROP TRIGGER IF EXISTS records_no_update');
      await raw.run('DROP TRIGGER IF EXISTS records_no_delete');
      for (const s of sql) await raw.run(s);
    } finally {
      await raw.close();
    }
  }

  /** Six keyed admin rows under a key the config names by file. */
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    keyHex = randomBytes(32).toString('hex');
    config = path.join(dir, 'gitgate.yaml');
    writeKey();
    fs.writeFileSync(config, 'dataDir: ./data\nauth: { mode: none }\nrepos: []\naudit:\n  key: file:audit-key.hex\n');
    fs.mkdirSync(path.join(dir, 'data'), { mode: 0o700 });
    db = path.join(dir, 'data', 'audit.db');
    const audit = await AuditLog.open({ path: db, key: Buffer.from(keyHex, 'hex') });
    for (let i = 1; i <= 6; i++) audit.record({ kind: 'admin', actor: 'root', data: { action: `a${i}` } });
    await audit.close();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the chain head as one line SEQ:HASH AT, and as JSON with --format json', async () => {
    const text = bin(['anchor', '--config', config]);
    expect(text.code, text.stderr).to.equal(0);
    const m = /^6:([0-9a-f]{64}) (\S+Z)\n$/.exec(text.stdout);
    expect(m, text.stdout).to.not.equal(null);
    const json = await gitgate(['anchor', '--config', config, '--format', 'json']);
    expect(JSON.parse(json.stdout)).to.deep.equal({ seq: 6, hash: m![1], at: m![2] });
  });

  it('verifies the keyed chain with the key the config names', async () => {
    const r = await gitgate(['verify', '--config', config]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^ok: 6 records \(6 keyed\), chain intact/);
  });

  it('passes plain verify after the newest rows are deleted, but fails verify --anchor as truncated', async () => {
    const anchor = (await gitgate(['anchor', '--config', config])).stdout.trim();
    await tamper('DELETE FROM records WHERE seq > 4');
    const plain = await gitgate(['verify', '--config', config]);
    expect(plain.code, plain.stdout).to.equal(0);
    const anchored = bin(['verify', '--config', config, '--anchor', anchor]);
    expect(anchored.code).to.equal(1);
    expect(anchored.stdout).to.match(/^BROKEN at seq 5: truncated \(the chain ends at seq 4 but an external anchor names seq 6\)/);
  });

  it('reads anchors from a file of JSON and text lines', async () => {
    const early = (await gitgate(['anchor', '--config', config])).stdout;
    const audit = await AuditLog.open({ path: db, key: Buffer.from(keyHex, 'hex') });
    audit.record({ kind: 'admin', actor: 'root', data: { action: 'later' } });
    await audit.close();
    const late = (await gitgate(['anchor', '--config', config, '--format', 'json'])).stdout;
    const file = path.join(dir, 'anchors.txt');
    fs.writeFileSync(file, `# from the log shipper\n${early}${late}`);
    expect((await gitgate(['verify', '--config', config, '--anchors', file])).stdout).to.match(/; 2 anchors match\n$/);
    await tamper('DELETE FROM records WHERE seq = 7');
    const r = await gitgate(['verify', '--config', config, '--anchors', file]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/^BROKEN at seq 7: truncated/);
  });

  it('fails a row rewritten with the key itself behind an anchor, which plain verify cannot see', async () => {
    const anchor = (await gitgate(['anchor', '--config', config])).stdout.trim();
    // An attacker who also stole the key (say it sat in the data directory) rehashes an edited row 6.
    const raw = await Database.open({ path: db, name: 'tamper', migrations: [] });
    const row = (await raw.get<{ at: string; kind: string; actor: string; repo: string | null; prev_hash: string }>('SELECT * FROM records WHERE seq = 6'))!;
    await raw.close();
    const data = '{"action":"nothing-to-see"}';
    const hash = keyedRecordHash(Buffer.from(keyHex, 'hex'), row.prev_hash, 6, row.at, row.kind, row.actor, row.repo, data);
    await tamper(`UPDATE records SET data = '${data}', hash = '${hash}' WHERE seq = 6`);
    expect((await gitgate(['verify', '--config', config])).code).to.equal(0);
    const r = await gitgate(['verify', '--config', config, '--anchor', anchor]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/^BROKEN at seq 6: rewritten \(row 6 no longer has the hash of the external anchor\)/);
  });

  it('refuses to verify a keyed chain without the key, and prints no key', async () => {
    const r = bin(['verify', '--data', path.join(dir, 'data')]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('the audit chain is keyed');
    expect(r.stdout + r.stderr).to.not.include(keyHex);
  });

  it('fails verification under a different key', async () => {
    keyHex = randomBytes(32).toString('hex');
    writeKey();
    const r = await gitgate(['verify', '--config', config]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/^BROKEN at seq 1: hash-mismatch/);
  });

  it('exits 2 on a malformed anchor', async () => {
    const r = await gitgate(['verify', '--config', config, '--anchor', '6:nothex']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('anchor 1 is not');
  });

  it('writes no row when it verifies or prints the anchor, not even crash recovery', async () => {
    const audit = await AuditLog.open({ path: db, key: Buffer.from(keyHex, 'hex') });
    await audit.recordDurable({ kind: 'session-start', actor: 'agent', repo: 'acme/api', data: { id: 's1', repo: 'acme/api', identity: null } });
    await audit.close();
    // Opening the log for writing would now add an 'incomplete' session for s1 as row 8.
    expect((await gitgate(['verify', '--config', config])).code).to.equal(0);
    expect((await gitgate(['anchor', '--config', config])).stdout).to.match(/^7:/);
  });
});
