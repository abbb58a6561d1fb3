import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Database } from '@gitgate/db';
import {
  AuditError,
  AuditLog,
  GENESIS_HASH,
  KEYED_MARKER_ACTION,
  keyedRecordHash,
  parseAnchors,
  readAuditHead,
  recordHash,
  verifyAuditFile,
  type ChainLink,
} from '../src/index.js';
import { AUDIT_STORE, auditMigrations } from '../src/audit-schema.js';
import { storeBackends } from '@gitgate/testkit';
import { TestClock, dropGuards, raw, rejection, storedRows, tempDir, type StoredRow } from './helpers.js';

const DAY = 86_400_000;

/**
 * What the attacker of issue 10 did: with write access to the file, drop the guard triggers, run
 * `sql`, then renumber the rows and recompute every hash from `fromSeq` on with `hash` (plain
 * sha256 unless told otherwise), writing `chain` as their chain_version.
 */
async function rewrite(file: string, sql: string, fromSeq: number, chain: number, hash = recordHash): Promise<void> {
  await raw(file, async (db) => {
    await db.exec(dropGuards(db));
    if (sql) await db.exec(sql);
    const rows = await db.all<StoredRow>('SELECT * FROM records ORDER BY seq');
    await db.exec('DELETE FROM records');
    let prev = GENESIS_HASH;
    let seq = 0;
    for (const r of rows) {
      seq++;
      const keep = seq < fromSeq;
      const prevHash = keep ? r.prev_hash : prev;
      const h = keep ? r.hash : hash(prevHash, seq, r.at, r.kind, r.actor, r.repo, r.data);
      await db.run('INSERT INTO records (seq, at, kind, actor, repo, data, prev_hash, hash, chain_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        seq, r.at, r.kind, r.actor, r.repo, r.data, prevHash, h, keep ? r.chain_version : chain,
      ]);
      prev = h;
    }
  });
}

for (const backend of storeBackends()) describe(`keyed audit chain (${backend.name})`, function () {
  this.timeout(20_000);
  let dir: string;
  let file: string;
  let clock: TestClock;
  let key: Buffer;
  let audit: AuditLog;

  /** A session with three exposures between two syncs: rows 1–6, all keyed. */
  beforeEach(async () => {
    dir = tempDir();
    file = await backend.location(dir, 'audit.db');
    clock = new TestClock();
    key = randomBytes(32);
    audit = await AuditLog.open({ path: file, clock: clock.now, key });
    audit.record({ kind: 'sync', actor: 'system', repo: 'acme/api', data: { repo: 'acme/api', objects: 3 } });
    for (const n of [1, 2, 3]) {
      audit.record({ kind: 'exposure', actor: 'agent', repo: 'acme/api', data: { sessionId: 's1', repo: 'acme/api', token: `[[TOKEN_t_${n}]]`, objectId: 'a'.repeat(40) } });
    }
    audit.record({ kind: 'session', actor: 'agent', repo: 'acme/api', data: { id: 's1', repo: 'acme/api', outcome: 'ok' } });
    audit.record({ kind: 'sync', actor: 'system', repo: 'acme/api', data: { repo: 'acme/api', objects: 0 } });
    await audit.flush();
    await audit.close();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('chains every row with HMAC-SHA256 under the key and marks it chain version 2', async () => {
    const rows = await storedRows(file);
    expect(rows.map((r) => r.chain_version)).to.deep.equal([2, 2, 2, 2, 2, 2]);
    for (const r of rows) expect(r.hash).to.equal(keyedRecordHash(key, r.prev_hash, r.seq, r.at, r.kind, r.actor, r.repo, r.data));
    expect(rows[0]!.hash).to.not.equal(recordHash(GENESIS_HASH, 1, rows[0]!.at, rows[0]!.kind, rows[0]!.actor, rows[0]!.repo, rows[0]!.data));
  });

  it('verifies an intact keyed chain with the key', async () => {
    const r = await verifyAuditFile({ path: file, key });
    expect(r).to.include({ ok: true, checked: 6, keyed: 6 });
  });

  it('fails a chain whose exposure rows were deleted and the rest recomputed with plain sha256, naming the first broken seq', async () => {
    // The attacker keeps the untouched prefix (row 1) and labels the recomputed rows unkeyed.
    await rewrite(file, "DELETE FROM records WHERE kind = 'exposure'", 2, 1);
    expect((await storedRows(file)).map((r) => r.kind)).to.deep.equal(['sync', 'session', 'sync']);
    const r = await verifyAuditFile({ path: file, key });
    expect(r.ok).to.equal(false);
    expect(r.firstBroken).to.include({ seq: 2, reason: 'downgraded' });
  });

  it('fails a chain recomputed with plain sha256 while still labelled keyed', async () => {
    await rewrite(file, "DELETE FROM records WHERE kind = 'exposure'", 2, 2);
    const r = await verifyAuditFile({ path: file, key });
    expect(r.firstBroken).to.include({ seq: 2, reason: 'hash-mismatch' });
  });

  it('fails a chain rewritten from its first row as an unkeyed chain when verified with the key', async () => {
    await rewrite(file, "DELETE FROM records WHERE kind = 'exposure'", 1, 1);
    const r = await verifyAuditFile({ path: file, key });
    expect(r.ok).to.equal(false);
    expect(r.firstBroken).to.include({ seq: 1, reason: 'unkeyed-tail' });
  });

  it('fails a row edited and recomputed under a wrong key', async () => {
    const wrong = randomBytes(32);
    await rewrite(file, "UPDATE records SET data = replace(data, '\"objects\":3', '\"objects\":4') WHERE seq = 1", 1, 2,
      (...a) => keyedRecordHash(wrong, ...a));
    const r = await verifyAuditFile({ path: file, key });
    expect(r.firstBroken).to.include({ seq: 1, reason: 'hash-mismatch' });
  });

  it('passes a chain cut after its newest rows without anchors, and fails it as truncated against an earlier anchor', async () => {
    const anchor = await readAuditHead({ path: file });
    expect(anchor).to.include({ seq: 6 });
    await rewrite(file, 'DELETE FROM records WHERE seq > 3', 99, 2);
    expect((await verifyAuditFile({ path: file, key })).ok).to.equal(true);
    const r = await verifyAuditFile({ path: file, key, anchors: [anchor] });
    expect(r.ok).to.equal(false);
    expect(r.firstBroken).to.include({ seq: 4, reason: 'truncated' });
    expect(r.anchorsChecked).to.equal(1);
  });

  it('fails a row that no longer has the hash of an external anchor', async () => {
    const anchor = await readAuditHead({ path: file });
    // The whole chain rewritten unkeyed, then a keyed writer reopens it: only the anchor still knows.
    await rewrite(file, "DELETE FROM records WHERE kind = 'exposure'", 1, 1);
    await rewrite(file, '', 99, 1);
    const reopened = await AuditLog.open({ path: file, clock: clock.now, key });
    reopened.record({ kind: 'admin', actor: 'root', data: { action: 'x' } });
    reopened.record({ kind: 'admin', actor: 'root', data: { action: 'y' } });
    await reopened.close();
    expect((await verifyAuditFile({ path: file, key })).ok).to.equal(true);
    const r = await verifyAuditFile({ path: file, key, anchors: [anchor] });
    expect(r.firstBroken).to.include({ seq: 6, reason: 'rewritten' });
  });

  it('accepts an anchor that still matches', async () => {
    const anchor = await readAuditHead({ path: file });
    const reopened = await AuditLog.open({ path: file, clock: clock.now, key });
    reopened.record({ kind: 'admin', actor: 'root', data: { action: 'later' } });
    await reopened.close();
    const r = await verifyAuditFile({ path: file, key, anchors: [anchor] });
    expect(r).to.include({ ok: true, anchorsChecked: 1, anchorsSkipped: 0 });
  });

  it('fails keyed rows downgraded to unkeyed after the first one', async () => {
    await rewrite(file, '', 4, 1);
    const r = await verifyAuditFile({ path: file, key });
    expect(r.firstBroken).to.include({ seq: 4, reason: 'downgraded' });
  });

  it('refuses to verify keyed rows without the key', async () => {
    const err = await rejection(verifyAuditFile({ path: file }));
    expect(err).to.be.instanceOf(AuditError).with.property('code', 'GITGATE_AUDIT_KEY_REQUIRED');
  });

  it('refuses to open a keyed chain for writing without the key', async () => {
    const err = await rejection(AuditLog.open({ path: file }));
    expect(err).to.be.instanceOf(AuditError).with.property('code', 'GITGATE_AUDIT_KEY_REQUIRED');
    expect((await storedRows(file)).length).to.equal(6);
  });

  it('refuses to open a keyed chain with another key, and the error does not hold either key', async () => {
    const other = randomBytes(32);
    const err = (await rejection(AuditLog.open({ path: file, key: other }))) as AuditError;
    expect(err).to.be.instanceOf(AuditError).with.property('code', 'GITGATE_AUDIT_KEY_MISMATCH');
    const text = `${err.message} ${JSON.stringify(err.data)}`;
    expect(text).to.not.include(key.toString('hex')).and.not.include(other.toString('hex'));
  });

  it('keys the purge record, so an anchor moved with a recomputed purge record fails', async () => {
    clock.advance(DAY);
    const log = await AuditLog.open({ path: file, clock: clock.now, key });
    log.record({ kind: 'admin', actor: 'root', data: { action: 'new' } });
    await log.flush();
    const purged = await log.exportAndPurge({ before: new Date(clock.now().getTime() - 1), exportPath: path.join(dir, 'x.jsonl') });
    expect(purged.purged).to.equal(6);
    expect((await log.verify()).ok).to.equal(true);
    await log.close();
    const purgeRow = (await storedRows(file)).find((r) => r.kind === 'purge')!;
    expect(purgeRow.chain_version).to.equal(2);
    // Move the anchor past row 7 and make the purge record agree, recomputed as the old chain allowed.
    await raw(file, async (db) => {
      await db.exec(dropGuards(db));
      const seven = (await db.all<StoredRow>('SELECT * FROM records WHERE seq = 7'))[0]!;
      await db.run('DELETE FROM records WHERE seq = 7');
      await db.run('UPDATE chain_anchor SET seq = 7, hash = ?', [seven.hash]);
      const data = JSON.stringify({ ...JSON.parse(purgeRow.data), purgedThroughSeq: 7, lastPurgedHash: seven.hash });
      await db.run('UPDATE records SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?', [
        data, seven.hash, recordHash(seven.hash, purgeRow.seq, purgeRow.at, purgeRow.kind, purgeRow.actor, purgeRow.repo, data), purgeRow.seq,
      ]);
    });
    const r = await verifyAuditFile({ path: file, key });
    expect(r.firstBroken).to.include({ seq: purgeRow.seq, reason: 'hash-mismatch' });
  });

  it('checks an anchor at the purge boundary against the purge anchor and skips older ones', async () => {
    const rows = await storedRows(file);
    clock.advance(DAY);
    const log = await AuditLog.open({ path: file, clock: clock.now, key });
    log.record({ kind: 'admin', actor: 'root', data: { action: 'new' } });
    await log.flush();
    await log.exportAndPurge({ before: new Date(clock.now().getTime() - 1), exportPath: path.join(dir, 'x.jsonl') });
    await log.close();
    const anchors: ChainLink[] = [{ seq: 6, hash: rows[5]!.hash }, { seq: 2, hash: rows[1]!.hash }];
    expect(await verifyAuditFile({ path: file, key, anchors })).to.include({ ok: true, anchorsChecked: 1, anchorsSkipped: 1 });
  });

  it('reads the head without writing a row', async () => {
    const before = (await storedRows(file)).length;
    const head = await readAuditHead({ path: file });
    const last = (await storedRows(file)).at(-1)!;
    expect(head).to.deep.equal({ seq: last.seq, hash: last.hash, at: last.at });
    expect((await storedRows(file)).length).to.equal(before);
  });
});

for (const backend of storeBackends()) describe(`keyed audit chain over an older unkeyed database (${backend.name})`, function () {
  this.timeout(20_000);
  let dir: string;
  let file: string;
  const clock = new TestClock();

  /** A database as the previous release left it: schema version 1, rows 1–3 hashed with sha256. */
  beforeEach(async () => {
    dir = tempDir();
    file = await backend.location(dir, 'audit.db');
    const db = await Database.open({ path: file, name: AUDIT_STORE, migrations: auditMigrations.slice(0, 1) });
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const at = clock.now().toISOString();
      const data = JSON.stringify({ action: `old${seq}` });
      const hash = recordHash(prev, seq, at, 'admin', 'root', null, data);
      await db.run('INSERT INTO records (seq, at, kind, actor, repo, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [seq, at, 'admin', 'root', null, data, prev, hash]);
      prev = hash;
    }
    await db.close();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function upgrade(): Promise<Buffer> {
    const key = randomBytes(32);
    const log = await AuditLog.open({ path: file, clock: clock.now, key });
    log.record({ kind: 'admin', actor: 'root', data: { action: 'new' } });
    await log.close();
    return key;
  }

  it('still verifies without a key before it is upgraded', async () => {
    expect(await verifyAuditFile({ path: file })).to.include({ ok: true, checked: 3, keyed: 0 });
  });

  it('marks where the keyed part starts when a keyed writer opens it', async () => {
    await upgrade();
    const rows = await storedRows(file);
    expect(rows.map((r) => r.chain_version)).to.deep.equal([1, 1, 1, 2, 2]);
    expect(JSON.parse(rows[3]!.data)).to.deep.equal({ action: KEYED_MARKER_ACTION, details: { unkeyedThroughSeq: 3 } });
  });

  it('keeps verifying after the upgrade: the old part as before, the new part with the key', async () => {
    const key = await upgrade();
    expect(await verifyAuditFile({ path: file, key })).to.include({ ok: true, checked: 5, keyed: 2 });
  });

  it('still detects an edit in the unkeyed part after the upgrade', async () => {
    const key = await upgrade();
    await raw(file, async (db) => {
      await db.exec(dropGuards(db));
      await db.run("UPDATE records SET data = '{\"action\":\"forged\"}' WHERE seq = 2");
    });
    expect((await verifyAuditFile({ path: file, key })).firstBroken).to.include({ seq: 2, reason: 'hash-mismatch' });
  });

  it('fails the keyed part downgraded to recomputed sha256', async () => {
    const key = await upgrade();
    await rewrite(file, '', 4, 1);
    const r = await verifyAuditFile({ path: file, key });
    expect(r.ok).to.equal(false);
    expect(r.firstBroken).to.include({ seq: 1, reason: 'unkeyed-tail' });
  });

  it('fails a keyed row appended after the unkeyed part without the marker', async () => {
    const key = await upgrade();
    // Drop the marker and relink the next keyed row to row 3 under the right key: still refused.
    await raw(file, async (db) => {
      await db.exec(dropGuards(db));
      const [three, five] = [
        (await db.all<StoredRow>('SELECT * FROM records WHERE seq = 3'))[0]!,
        (await db.all<StoredRow>('SELECT * FROM records WHERE seq = 5'))[0]!,
      ];
      await db.run('DELETE FROM records WHERE seq >= 4');
      await db.run('INSERT INTO records (seq, at, kind, actor, repo, data, prev_hash, hash, chain_version) VALUES (4, ?, ?, ?, ?, ?, ?, ?, 2)', [
        five.at, five.kind, five.actor, five.repo, five.data, three.hash, keyedRecordHash(key, three.hash, 4, five.at, five.kind, five.actor, five.repo, five.data),
      ]);
    });
    expect((await verifyAuditFile({ path: file, key })).firstBroken).to.include({ seq: 4, reason: 'unmarked-key-start' });
  });

  it('does not write the marker when only verified', async () => {
    await verifyAuditFile({ path: file, key: randomBytes(32) });
    expect((await storedRows(file)).length).to.equal(3);
  });
});

describe('parseAnchors', () => {
  const hash = 'ab'.repeat(32);

  it('reads the text form with or without the time, JSON objects, and skips blanks and comments', () => {
    const text = `# anchors\n12:${hash} 2025-03-01T12:00:00.000Z\n\n13:${hash}\n{"seq":14,"hash":"${hash}","at":null}\n`;
    expect(parseAnchors(text)).to.deep.equal([{ seq: 12, hash }, { seq: 13, hash }, { seq: 14, hash }]);
  });

  it('names the line of a malformed anchor', () => {
    expect(() => parseAnchors(`12:${hash}\n13:nothex`)).to.throw(TypeError, /anchor 2/);
  });
});
