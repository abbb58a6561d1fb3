import fs from 'node:fs';
import { expect } from 'chai';
import { AuditLog, type SessionData } from '../src/index.js';
import { storeBackends } from '@gitgate/testkit';
import { TestClock, raw, rejection, tempDir } from './helpers.js';

const HOUR = 3600_000;
const T1 = '[[TOKEN_github-pat_AAAAAAAAAAAAAAAAAAAAAAAA]]';
const T2 = '[[TOKEN_aws-access-key-id_BBBBBBBBBBBBBBBBBBBBBBBB]]';

for (const backend of storeBackends()) describe(`AuditLog queries (${backend.name})`, function () {
  this.timeout(20_000);
  let dir: string;
  let file: string;
  let clock: TestClock;
  let audit: AuditLog;

  function session(id: string, subject: string, repo: string, extra: Partial<SessionData> = {}): void {
    const data: SessionData = {
      id,
      identity: { subject, groups: ['dev'] },
      clientAddress: '127.0.0.1',
      userAgent: 'git/2.39.2',
      repo,
      service: 'upload-pack',
      endpoint: 'fetch',
      protocolVersion: 2,
      wants: ['a'.repeat(40), 'b'.repeat(40)],
      haves: [],
      depth: 1,
      deepenRelative: false,
      filter: 'blob:none',
      objectsSent: 12,
      bytesSent: 3456,
      durationMs: 78,
      outcome: 'ok',
      errorCode: null,
      refsAdvertised: 4,
      ...extra,
    };
    audit.record({ kind: 'session-start', actor: subject, repo, data: { id, repo, identity: data.identity } });
    audit.record({ kind: 'session', actor: subject, repo, data });
  }

  function exposure(sessionId: string, subject: string, repo: string, token: string): void {
    audit.record({ kind: 'exposure', actor: subject, repo, data: { sessionId, repo, token, objectId: 'c'.repeat(40) } });
  }

  beforeEach(async () => {
    dir = tempDir();
    file = await backend.location(dir, 'audit.db');
    clock = new TestClock('2025-03-01T10:00:00.000Z');
    audit = await AuditLog.open({ path: file, clock: clock.now });

    // 10:00 alice clones acme/api and receives T1 and T2.
    session('s1', 'alice', 'acme/api');
    exposure('s1', 'alice', 'acme/api', T1);
    exposure('s1', 'alice', 'acme/api', T2);
    clock.advance(HOUR);
    // 11:00 bob clones acme/web and receives T2.
    session('s2', 'bob', 'acme/web', { outcome: 'refused', errorCode: 'GITGATE_POLICY_DENIED' });
    exposure('s2', 'bob', 'acme/web', T2);
    clock.advance(HOUR);
    // 12:00 alice fetches acme/api again; nothing new exposed. A sync, detokenize flow and failures.
    session('s3', 'alice', 'acme/api', { endpoint: 'ls-refs' });
    audit.record({ kind: 'sync', actor: 'system', repo: 'acme/api', data: { repo: 'acme/api', objects: 10, rewritten: 2, secrets: 2, secretsByRule: { 'github-pat': 1, 'aws-access-key-id': 1 }, durationMs: 50, outcome: 'ok', errorCode: null } });
    audit.record({ kind: 'detokenize-request', actor: 'alice', repo: 'acme/api', data: { requestId: 'r1', token: T1, requester: 'alice', reason: 'rotate, "urgently"' } });
    audit.record({ kind: 'detokenize-approve', actor: 'carol', repo: 'acme/api', data: { requestId: 'r1', token: T1, requester: 'alice', approver: 'carol', comment: 'ok', expiresAt: '2025-03-01T12:15:00.000Z' } });
    audit.record({ kind: 'detokenize-reveal', actor: 'alice', repo: 'acme/api', data: { requestId: 'r1', token: T1, requester: 'alice', approver: 'carol' } });
    audit.record({ kind: 'auth-failure', actor: 'anonymous', data: { reason: 'expired token', clientAddress: '10.0.0.9', userAgent: 'curl/8', path: '/acme/api.git/info/refs' } });
    audit.record({ kind: 'admin', actor: 'root', data: { action: 'token-revoke-all', details: { repo: 'acme/web' } } });
    await audit.flush();
  });
  afterEach(async () => {
    await audit.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('sessions', () => {
    it('lists every session newest first', async () => {
      expect((await audit.sessions()).map((s) => s.id)).to.deep.equal(['s3', 's2', 's1']);
    });

    it('filters by repo', async () => {
      expect((await audit.sessions({ repo: 'acme/web' })).map((s) => s.id)).to.deep.equal(['s2']);
    });

    it('filters by identity', async () => {
      expect((await audit.sessions({ identity: 'alice' })).map((s) => s.id)).to.deep.equal(['s3', 's1']);
    });

    it('filters by token to the sessions that exposed it', async () => {
      expect((await audit.sessions({ token: T2 })).map((s) => s.id)).to.deep.equal(['s2', 's1']);
    });

    it('includes rows at since and excludes rows at until', async () => {
      const since = new Date('2025-03-01T11:00:00.000Z');
      const until = new Date('2025-03-01T12:00:00.000Z');
      expect((await audit.sessions({ since, until })).map((s) => s.id)).to.deep.equal(['s2']);
    });

    it('combines filters with AND', async () => {
      expect(await audit.sessions({ identity: 'alice', repo: 'acme/web' })).to.deep.equal([]);
    });

    it('stops at limit', async () => {
      expect((await audit.sessions({ limit: 1 })).map((s) => s.id)).to.deep.equal(['s3']);
    });

    it('returns typed columns with arrays parsed', async () => {
      const [s] = await audit.sessions({ repo: 'acme/web' });
      expect(s).to.deep.include({
        actor: 'bob', repo: 'acme/web', subject: 'bob', groups: ['dev'], clientAddress: '127.0.0.1', userAgent: 'git/2.39.2',
        service: 'upload-pack', endpoint: 'fetch', protocolVersion: 2, wantCount: 2, haveCount: 0, depth: 1, deepenRelative: false,
        filter: 'blob:none', objectsSent: 12, bytesSent: 3456, durationMs: 78, outcome: 'refused', errorCode: 'GITGATE_POLICY_DENIED', refsAdvertised: 4,
      });
      expect(s!.wants).to.deep.equal(['a'.repeat(40), 'b'.repeat(40)]);
    });

    it('throws TypeError on an invalid since', async () => {
      expect(await rejection(audit.sessions({ since: new Date('nope') }))).to.be.instanceOf(TypeError);
    });

    it('throws TypeError on a limit of zero', async () => {
      expect(await rejection(audit.sessions({ limit: 0 }))).to.be.instanceOf(TypeError);
    });
  });

  describe('exposures', () => {
    it('tells which identities received a token and in which sessions', async () => {
      const rows = await audit.exposures({ token: T2 });
      expect(rows.map((r) => [r.actor, r.sessionId])).to.deep.equal([['bob', 's2'], ['alice', 's1']]);
    });

    it('filters by identity and repo', async () => {
      const rows = await audit.exposures({ identity: 'alice', repo: 'acme/api' });
      expect(rows.map((r) => r.token)).to.deep.equal([T2, T1]);
    });
  });

  describe('session', () => {
    it('returns one session with its start time and exposures in order', async () => {
      const detail = await audit.session('s1');
      expect(detail?.session.id).to.equal('s1');
      expect(detail?.startedAt).to.equal('2025-03-01T10:00:00.000Z');
      expect(detail?.exposures.map((e) => e.token)).to.deep.equal([T1, T2]);
    });

    it('returns undefined for an unknown id', async () => {
      expect(await audit.session('nope')).to.equal(undefined);
    });
  });

  describe('other views', () => {
    it('finds detokenize events where the identity is the approver', async () => {
      const rows = await audit.detokenize({ identity: 'carol' });
      expect(rows.map((r) => r.kind)).to.deep.equal(['detokenize-reveal', 'detokenize-approve']);
    });

    it('filters detokenize events by token and keeps the free-text reason', async () => {
      const rows = await audit.detokenize({ token: T1 });
      expect(rows.at(-1)).to.deep.include({ kind: 'detokenize-request', requester: 'alice', reason: 'rotate, "urgently"' });
    });

    it('lists syncs with the per-rule counts parsed', async () => {
      const [s] = await audit.syncs({ repo: 'acme/api' });
      expect(s).to.deep.include({ objects: 10, rewritten: 2, secrets: 2, outcome: 'ok' });
      expect(s!.secretsByRule).to.deep.equal({ 'github-pat': 1, 'aws-access-key-id': 1 });
    });

    it('refuses to filter syncs by token', async () => {
      expect(await rejection(audit.syncs({ token: T1 }))).to.be.instanceOf(TypeError);
    });

    it('lists auth failures', async () => {
      const [f] = await audit.authFailures();
      expect(f).to.deep.include({ actor: 'anonymous', reason: 'expired token', clientAddress: '10.0.0.9', path: '/acme/api.git/info/refs' });
    });

    it('lists admin actions with their details', async () => {
      const [a] = await audit.adminActions({ identity: 'root' });
      expect(a).to.deep.include({ action: 'token-revoke-all', details: { repo: 'acme/web' } });
    });
  });

  describe('SQL views', () => {
    it('answers "every reveal for repo X with its approvers" from a plain connection (sqlite3, psql)', async () => {
      const rows = await raw(file, (db) => db.all(
        "SELECT at, requester, approver, token FROM detokenize_events WHERE kind = 'detokenize-reveal' AND repo = ?", ['acme/api']));
      expect(rows).to.deep.equal([{ at: '2025-03-01T12:00:00.000Z', requester: 'alice', approver: 'carol', token: T1 }]);
    });

    if (backend.name === 'sqlite') {
      it('answers "who cloned repo X in the last hour" from a plain sqlite3 connection', async () => {
        const rows = await raw(file, (db) => db.all(
          "SELECT DISTINCT subject FROM sessions WHERE repo = ? AND at >= strftime('%Y-%m-%dT%H:%M:%fZ', ?, '-1 hour') AND outcome = 'ok'",
          ['acme/api', '2025-03-01T12:30:00.000Z']));
        expect(rows).to.deep.equal([{ subject: 'alice' }]);
      });

      it('uses the token index for exposures by token', async () => {
        const plan = await raw(file, (db) => db.all<{ detail: string }>('EXPLAIN QUERY PLAN SELECT * FROM exposures WHERE token = ?', [T1]));
        expect(plan.map((p) => p.detail).join(' ')).to.contain('records_kind_token');
      });
    }
  });
});
