import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { AuditError, AuditLog, GENESIS_HASH, type AuditEvent } from '../src/index.js';
import { storeBackends } from '@gitgate/testkit';
import { TestClock, captureLogger, raw, rejection, storedRows, tamper, tempDir } from './helpers.js';

function admin(action: string, actor = 'alice'): AuditEvent {
  return { kind: 'admin', actor, data: { action, details: { n: action.length } } };
}

for (const backend of storeBackends()) describe(`AuditLog (${backend.name})`, function () {
  this.timeout(20_000);
  let dir: string;
  let file: string;
  let clock: TestClock;
  let audit: AuditLog;

  beforeEach(async () => {
    dir = tempDir();
    file = await backend.location(dir, 'audit.db');
    clock = new TestClock();
    audit = await AuditLog.open({ path: file, clock: clock.now, sessionGraceMs: 0 });
  });
  afterEach(async () => {
    await audit.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function recordMany(n: number): Promise<void> {
    for (let i = 1; i <= n; i++) {
      audit.record(admin(`action-${i}`));
      clock.advance(1000);
    }
    await audit.flush();
  }

  if (backend.name === 'sqlite') {
    describe('on a SQLite file', () => {
      it('creates the database file with mode 0600', () => {
        expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      });

      it('rejects recordAllDurable when another connection holds the write lock past busyTimeoutMs, writes none of it, and reports failing until a write succeeds', async () => {
        await audit.close();
        audit = await AuditLog.open({ path: file, clock: clock.now, flushIntervalMs: 60_000, busyTimeoutMs: 50 });
        const err = await raw(file, async (db) => {
          await db.exec('BEGIN IMMEDIATE');
          try {
            return await rejection(audit.recordAllDurable([admin('held back'), admin('held back too')]));
          } finally {
            await db.exec('ROLLBACK');
          }
        });
        expect(err).to.be.instanceOf(AuditError).and.to.have.property('code', 'GITGATE_AUDIT_WRITE');
        expect(audit.failing).to.equal(true);
        expect(await storedRows(file)).to.have.length(0);
        await audit.recordAllDurable([admin('later')]);
        expect(audit.failing).to.equal(false);
        expect(await storedRows(file)).to.have.length(1);
      });
    });
  }

  describe('chaining', () => {
    it('chains every row to the previous one, starting from 64 zeros', async () => {
      await recordMany(3);
      const rows = await storedRows(file);
      expect(rows.map((r) => r.seq)).to.deep.equal([1, 2, 3]);
      expect(rows[0]!.prev_hash).to.equal(GENESIS_HASH);
      expect(rows[1]!.prev_hash).to.equal(rows[0]!.hash);
      expect(rows[2]!.prev_hash).to.equal(rows[1]!.hash);
    });

    it('stores the sha256 of prev_hash, seq, at, kind, actor, repo and data as each hash', async () => {
      audit.record({ kind: 'sync', actor: 'system', repo: 'acme/api', data: { repo: 'acme/api', objects: 3 } });
      await audit.flush();
      const [row] = await storedRows(file);
      const input = [row!.prev_hash, row!.seq, row!.at, row!.kind, row!.actor, row!.repo ?? '', row!.data].join('\n');
      expect(row!.hash).to.equal(createHash('sha256').update(input).digest('hex'));
    });

    it('stores data as canonical JSON with keys sorted at every depth', async () => {
      audit.record({ kind: 'admin', actor: 'alice', data: { details: { z: 1, a: [2, 1] }, action: 'x' } });
      await audit.flush();
      expect((await storedRows(file))[0]!.data).to.equal('{"action":"x","details":{"a":[2,1],"z":1}}');
    });

    it('stamps each row with the clock as ISO 8601 UTC with milliseconds', async () => {
      audit.record(admin('x'));
      await audit.flush();
      expect((await storedRows(file))[0]!.at).to.equal('2025-03-01T12:00:00.000Z');
    });

    it('stores the data as it was when record was called', async () => {
      const data: Record<string, unknown> = { action: 'before' };
      audit.record({ kind: 'admin', actor: 'alice', data });
      data['action'] = 'after';
      await audit.flush();
      expect(JSON.parse((await storedRows(file))[0]!.data)).to.deep.equal({ action: 'before' });
    });

    it('keeps the chain going across a reopen', async () => {
      await recordMany(2);
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now });
      await recordMany(2);
      expect(await audit.verify()).to.deep.include({ ok: true, checked: 4 });
    });

  });

  describe('verify', () => {
    it('reports ok on an untouched database', async () => {
      await recordMany(5);
      const result = await audit.verify();
      expect(result).to.deep.include({ ok: true, checked: 5 });
      expect(result.firstBroken).to.equal(undefined);
    });

    it('reports ok on an empty database', async () => {
      expect(await audit.verify()).to.deep.include({ ok: true, checked: 0 });
    });

    it('returns the last row as the head', async () => {
      await recordMany(3);
      const rows = await storedRows(file);
      expect((await audit.verify()).head).to.deep.equal({ seq: 3, hash: rows[2]!.hash });
    });

    it('reports the seq of a row whose data was edited with a raw UPDATE', async () => {
      await recordMany(5);
      await tamper(file, "UPDATE records SET data = '{\"action\":\"nothing to see\"}' WHERE seq = 3");
      const result = await audit.verify();
      expect(result.ok).to.equal(false);
      expect(result.firstBroken).to.deep.include({ seq: 3, reason: 'hash-mismatch' });
    });

    it('reports a row edited together with its own hash at the next row', async () => {
      await recordMany(5);
      const rows = await storedRows(file);
      const r = rows[2]!;
      const data = '{"action":"rewritten"}';
      const hash = createHash('sha256').update([r.prev_hash, r.seq, r.at, r.kind, r.actor, '', data].join('\n')).digest('hex');
      await tamper(file, 'UPDATE records SET data = ?, hash = ? WHERE seq = 3', [data, hash]);
      expect((await audit.verify()).firstBroken).to.deep.include({ seq: 4, reason: 'prev-hash-mismatch' });
    });

    it('reports the gap left by a deleted row', async () => {
      await recordMany(5);
      await tamper(file, 'DELETE FROM records WHERE seq = 2');
      const result = await audit.verify();
      expect(result.ok).to.equal(false);
      expect(result.firstBroken).to.deep.include({ seq: 3, reason: 'seq-gap' });
      expect(result.firstBroken!.detail).to.contain('2');
    });

    it('reports a deleted first row', async () => {
      await recordMany(3);
      await tamper(file, 'DELETE FROM records WHERE seq = 1');
      expect((await audit.verify()).firstBroken).to.deep.include({ seq: 2, reason: 'seq-gap' });
    });

    it('reports a deleted row whose successor was renumbered as a broken link', async () => {
      await recordMany(5);
      await tamper(file, 'DELETE FROM records WHERE seq = 2');
      await tamper(file, 'UPDATE records SET seq = seq - 1 WHERE seq > 2');
      expect((await audit.verify()).firstBroken).to.deep.include({ seq: 2, reason: 'prev-hash-mismatch' });
    });

    it('reports the first broken link when two are broken', async () => {
      await recordMany(6);
      await tamper(file, "UPDATE records SET actor = 'mallory' WHERE seq = 5");
      await tamper(file, 'DELETE FROM records WHERE seq = 2');
      const result = await audit.verify();
      expect(result.firstBroken).to.deep.include({ seq: 3, reason: 'seq-gap' });
      expect(result.checked).to.equal(5);
    });

    it('refuses a plain UPDATE of a record through its trigger', async () => {
      await recordMany(1);
      const err = await rejection(raw(file, (db) => db.run("UPDATE records SET actor = 'mallory' WHERE seq = 1")));
      expect((err as Error).message).to.contain('append-only');
    });

    it('refuses a plain DELETE of a record that no purge anchored', async () => {
      await recordMany(1);
      const err = await rejection(raw(file, (db) => db.run('DELETE FROM records WHERE seq = 1')));
      expect((err as Error).message).to.contain('purge');
    });

    it('logs an error when rows were cut off the end by another connection', async () => {
      const logger = captureLogger();
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, logger });
      await recordMany(3);
      await tamper(file, 'DELETE FROM records WHERE seq = 3');
      await recordMany(1);
      const entry = logger.entries.find((e) => e.msg === 'audit chain head moved outside this writer');
      expect(entry?.level).to.equal('error');
      expect(entry?.meta).to.deep.equal({ expectedSeq: 3, foundSeq: 2 });
    });
  });

  describe('batching', function () {
    this.timeout(30_000);

    it('takes 10 000 record calls quickly and writes every one of them by flush', async () => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 10_000; i++) {
        audit.record({ kind: 'exposure', actor: 'alice', repo: 'acme/api', data: { sessionId: 's1', repo: 'acme/api', token: `T${i}`, objectId: 'a'.repeat(40) } });
      }
      const recordMs = Number(process.hrtime.bigint() - started) / 1e6;
      await audit.flush();
      // Generous bound: record only serialises and queues, so it is far below this even on a slow box.
      expect(recordMs).to.be.below(2000);
      const [count] = await raw(file, (db) => db.all<{ n: number }>("SELECT COUNT(*) AS n FROM records WHERE kind = 'exposure'"));
      expect(count!.n).to.equal(10_000);
      expect(await audit.verify()).to.deep.include({ ok: true, checked: 10_000 });
    });

    it('writes rows in the order they were recorded', async () => {
      for (let i = 0; i < 1200; i++) audit.record(admin(`a${i}`));
      await audit.flush();
      const actions = (await storedRows(file)).map((r) => (JSON.parse(r.data) as { action: string }).action);
      expect(actions).to.deep.equal(Array.from({ length: 1200 }, (_, i) => `a${i}`));
    });

    it('returns from record before the row is written', async () => {
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, flushIntervalMs: 60_000 });
      audit.record(admin('queued'));
      expect(audit.pending).to.equal(1);
      expect(await storedRows(file)).to.have.length(0);
      await audit.flush();
      expect(await storedRows(file)).to.have.length(1);
    });

    it('writes recorded rows on its own within the flush interval', async () => {
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, flushIntervalMs: 10 });
      audit.record(admin('timer'));
      for (let i = 0; i < 100 && audit.pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await storedRows(file)).to.have.length(1);
    });

    it('resolves recordDurable only once the row is readable from a second connection', async () => {
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, flushIntervalMs: 60_000 });
      audit.record(admin('queued earlier'));
      await audit.recordDurable({ kind: 'detokenize-reveal', actor: 'alice', repo: 'acme/api', data: { requestId: 'r1', token: 'T1', requester: 'alice' } });
      const rows = await storedRows(file);
      expect(rows.map((r) => r.kind)).to.deep.equal(['admin', 'detokenize-reveal']);
    });

    it('commits recordAllDurable events together, readable from a second connection when it resolves', async () => {
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, flushIntervalMs: 60_000, maxBatch: 2 });
      const identity = { subject: 'alice', groups: [] };
      await audit.recordAllDurable([
        { kind: 'session-start', actor: 'alice', repo: 'acme/api', data: { id: 's1', repo: 'acme/api', identity } },
        ...['T1', 'T2', 'T3'].map((token) => ({ kind: 'exposure' as const, actor: 'alice', repo: 'acme/api', data: { sessionId: 's1', token, objectId: '0'.repeat(40) } })),
      ]);
      expect((await storedRows(file)).map((r) => r.kind)).to.deep.equal(['session-start', 'exposure', 'exposure', 'exposure']);
    });

    it('writes what is still queued on close', async () => {
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, flushIntervalMs: 60_000 });
      audit.record(admin('last words'));
      await audit.close();
      expect(await storedRows(file)).to.have.length(1);
    });
  });

  describe('malformed events', () => {
    it('drops an event of an unknown kind without throwing, and logs it', async () => {
      const logger = captureLogger();
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, logger });
      expect(() => audit.record({ kind: 'bogus' as 'admin', actor: 'alice', data: {} })).not.to.throw();
      await audit.flush();
      expect(await storedRows(file)).to.have.length(0);
      expect(logger.entries.find((e) => e.msg === 'audit event dropped')?.meta).to.deep.include({ kind: 'unknown' });
    });

    it('keeps data values out of the log when it drops an event', async () => {
      const logger = captureLogger();
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, logger });
      audit.record({ kind: 'session', actor: 'alice', data: { reason: 'needle-value' } });
      expect(JSON.stringify(logger.entries)).to.contain('session data must hold a string id').and.not.to.contain('needle-value');
    });

    it('rejects a malformed durable event with TypeError', async () => {
      const err = await rejection(audit.recordDurable({ kind: 'admin', actor: 'a\nb', data: { action: 'x' } }));
      expect(err).to.be.instanceOf(TypeError);
    });

    it('rejects data that is not a plain object', async () => {
      const err = await rejection(audit.recordDurable({ kind: 'admin', actor: 'alice', data: ['x'] as unknown as Record<string, unknown> }));
      expect(err).to.be.instanceOf(TypeError);
    });

    it('rejects a purge record from a caller', async () => {
      const err = await rejection(audit.recordDurable({ kind: 'purge', actor: 'root', data: { purgedThroughSeq: 1 } }));
      expect(err).to.be.instanceOf(TypeError);
    });

    it('rejects an empty repo', async () => {
      const err = await rejection(audit.recordDurable({ kind: 'admin', actor: 'alice', repo: '', data: { action: 'x' } }));
      expect(err).to.be.instanceOf(TypeError);
    });
  });

  describe('crash recovery', () => {
    const identity = { subject: 'alice', groups: ['dev'] };

    it('marks a session-start without its session as incomplete on reopen', async () => {
      await audit.recordDurable({ kind: 'session-start', actor: 'alice', repo: 'acme/api', data: { id: 'crashed', repo: 'acme/api', identity } });
      clock.advance(5000);
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, sessionGraceMs: 0 });
      const detail = await audit.session('crashed');
      expect(detail?.session).to.deep.include({ id: 'crashed', outcome: 'incomplete', actor: 'alice', repo: 'acme/api', subject: 'alice' });
      expect(detail?.startedAt).to.equal('2025-03-01T12:00:00.000Z');
      expect(detail?.session.at).to.equal('2025-03-01T12:00:05.000Z');
    });

    it('leaves sessions that finished alone', async () => {
      await audit.recordDurable({ kind: 'session-start', actor: 'alice', repo: 'acme/api', data: { id: 'done', repo: 'acme/api', identity } });
      await audit.recordDurable({ kind: 'session', actor: 'alice', repo: 'acme/api', data: { id: 'done', identity, outcome: 'ok' } });
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now });
      expect((await audit.sessions()).map((s) => s.outcome)).to.deep.equal(['ok']);
    });

    it('marks each crashed session once, however often it reopens', async () => {
      await audit.recordDurable({ kind: 'session-start', actor: 'alice', repo: 'acme/api', data: { id: 'crashed', repo: 'acme/api', identity } });
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, sessionGraceMs: 0 });
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, sessionGraceMs: 0 });
      expect(await audit.sessions()).to.have.length(1);
      expect((await audit.verify()).ok).to.equal(true);
    });
  });

  describe('several writers (replicas)', function () {
    this.timeout(60_000);
    const identity = { subject: 'alice', groups: ['dev'] };

    it('leaves a session-start younger than the grace alone: another replica may still be serving it', async () => {
      await audit.recordDurable({ kind: 'session-start', actor: 'alice', repo: 'acme/api', data: { id: 'running', repo: 'acme/api', identity } });
      clock.advance(5000);
      const other = await AuditLog.open({ path: file, clock: clock.now, sessionGraceMs: 60_000 });
      expect(await other.sessions()).to.deep.equal([]);
      await other.close();
      clock.advance(60_000);
      const later = await AuditLog.open({ path: file, clock: clock.now, sessionGraceMs: 60_000 });
      expect((await later.sessions()).map((r) => [r.id, r.outcome])).to.deep.equal([['running', 'incomplete']]);
      await later.close();
    });

    it('keeps one chain that verify accepts when two logs append to one store at the same time', async () => {
      const other = await AuditLog.open({ path: file, clock: clock.now, flushIntervalMs: 1, maxBatch: 7 });
      await audit.close();
      audit = await AuditLog.open({ path: file, clock: clock.now, flushIntervalMs: 1, maxBatch: 5 });
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 300; i++) {
        audit.record(admin(`a-${i}`, 'replica-a'));
        other.record(admin(`b-${i}`, 'replica-b'));
        if (i % 50 === 0) writes.push(audit.recordDurable(admin(`a-durable-${i}`, 'replica-a')), other.recordDurable(admin(`b-durable-${i}`, 'replica-b')));
      }
      await Promise.all([...writes, audit.flush(), other.flush()]);
      await other.close();
      const rows = await storedRows(file);
      expect(rows).to.have.length(612);
      expect(rows.map((r) => r.seq)).to.deep.equal(rows.map((_, i) => i + 1));
      expect(new Set(rows.map((r) => r.actor))).to.deep.equal(new Set(['replica-a', 'replica-b']));
      expect(await audit.verify()).to.deep.include({ ok: true, checked: 612 });
    });
  });

  describe('close', () => {
    it('rejects queries after close with GITGATE_AUDIT_CLOSED', async () => {
      await audit.close();
      const err = await rejection(audit.sessions());
      expect(err).to.be.instanceOf(AuditError).and.to.have.property('code', 'GITGATE_AUDIT_CLOSED');
    });

    it('rejects recordDurable after close with GITGATE_AUDIT_CLOSED', async () => {
      await audit.close();
      const err = await rejection(audit.recordDurable(admin('late')));
      expect(err).to.have.property('code', 'GITGATE_AUDIT_CLOSED');
    });

    it('does not throw from record after close', async () => {
      await audit.close();
      expect(() => audit.record(admin('late'))).not.to.throw();
    });

    it('closes twice without error', async () => {
      await audit.close();
      await audit.close();
    });
  });

  describe('options', () => {
    it('throws TypeError on a maxBatch of zero', async () => {
      const err = await rejection(AuditLog.open({ path: path.join(dir, 'other.db'), maxBatch: 0 }));
      expect(err).to.be.instanceOf(TypeError);
    });

    it('throws TypeError on a negative flush interval', async () => {
      const err = await rejection(AuditLog.open({ path: path.join(dir, 'other.db'), flushIntervalMs: -1 }));
      expect(err).to.be.instanceOf(TypeError);
    });
  });
});
