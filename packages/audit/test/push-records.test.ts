// `push` records: one per pushed ref update, written through the real log into a real SQLite file or PostgreSQL database and read back.
import fs from 'node:fs';
import { expect } from 'chai';
import { AuditLog, type PushData } from '../src/index.js';
import { storeBackends } from '@gitgate/testkit';
import { TestClock, raw, rejection, tempDir } from './helpers.js';

const HOUR = 3600_000;
const T1 = '[[TOKEN_github-pat_CCCCCCCCCCCCCCCCCCCCCCCC]]';
const T2 = '[[TOKEN_aws-access-key-id_DDDDDDDDDDDDDDDDDDDDDDDD]]';
const ZERO = '0'.repeat(40);

for (const backend of storeBackends()) describe(`AuditLog pushes (${backend.name})`, function () {
  this.timeout(20_000);
  let dir: string;
  let file: string;
  let clock: TestClock;
  let audit: AuditLog;

  const push = (actor: string, repo: string, data: Partial<PushData>): Promise<void> => audit.recordDurable({
    kind: 'push', actor, repo,
    data: { id: 's1', ref: 'refs/heads/agent/x', outcome: 'ok', oldId: ZERO, newId: 'a'.repeat(40), tokensRestored: [], commits: 1, clientAddress: '127.0.0.1', userAgent: 'git/2.39.2', ...data },
  });

  beforeEach(async () => {
    dir = tempDir();
    file = await backend.location(dir, 'audit.db');
    clock = new TestClock('2025-03-01T10:00:00.000Z');
    audit = await AuditLog.open({ path: file, clock: clock.now });
    // 10:00 agent-1 pushes agent/x to acme/api, restoring T1 and T2; its push to main is refused.
    await push('agent-1', 'acme/api', { upstreamOldId: ZERO, upstreamNewId: 'b'.repeat(40), tokensRestored: [T1, T2], commits: 2 });
    await push('agent-1', 'acme/api', { ref: 'refs/heads/main', outcome: 'refused', reason: 'refs/heads/main is outside the branches this gateway accepts pushes to (agent/*)', oldId: 'c'.repeat(40), commits: 0 });
    clock.advance(HOUR);
    // 11:00 agent-2 pushes to acme/web, restoring T2.
    await push('agent-2', 'acme/web', { id: 's2', tokensRestored: [T2] });
  });

  afterEach(async () => {
    await audit.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('returns every field of a push record as written, newest first, with the tokens as a list', async () => {
    const rows = await audit.pushes({ repo: 'acme/api' });
    expect(rows.map((r) => r.ref)).to.deep.equal(['refs/heads/main', 'refs/heads/agent/x']);
    const { seq: _seq, ...first } = rows[1]!;
    expect(first).to.deep.equal({
      at: '2025-03-01T10:00:00.000Z', actor: 'agent-1', repo: 'acme/api', id: 's1', ref: 'refs/heads/agent/x', outcome: 'ok', reason: null,
      oldId: ZERO, newId: 'a'.repeat(40), upstreamOldId: ZERO, upstreamNewId: 'b'.repeat(40), tokensRestored: [T1, T2], commits: 2,
      clientAddress: '127.0.0.1', userAgent: 'git/2.39.2',
    });
    expect(rows[0]).to.include({ outcome: 'refused', reason: 'refs/heads/main is outside the branches this gateway accepts pushes to (agent/*)', upstreamNewId: null });
  });

  it('filters by identity, time and a restored token', async () => {
    expect((await audit.pushes({ identity: 'agent-2' })).map((r) => r.repo)).to.deep.equal(['acme/web']);
    expect((await audit.pushes({ since: new Date('2025-03-01T10:30:00.000Z') })).map((r) => r.actor)).to.deep.equal(['agent-2']);
    expect((await audit.pushes({ token: T1 })).map((r) => [r.actor, r.ref])).to.deep.equal([['agent-1', 'refs/heads/agent/x']]);
    expect((await audit.pushes({ token: T2 })).map((r) => r.repo)).to.deep.equal(['acme/web', 'acme/api']);
  });

  it('refuses a push record without its session id or ref', async () => {
    const noRef = audit.recordDurable({ kind: 'push', actor: 'agent-1', repo: 'acme/api', data: { id: 's3', outcome: 'ok' } });
    expect(await rejection(noRef)).to.be.instanceOf(TypeError).with.property('message', 'push data must hold a string id and ref');
    const noId = audit.recordDurable({ kind: 'push', actor: 'agent-1', repo: 'acme/api', data: { ref: 'refs/heads/agent/x' } });
    expect(await rejection(noId)).to.be.instanceOf(TypeError);
  });

  it('offers the pushes view to the sqlite3 shell (JSON text) and psql (jsonb), and keeps the chain verifiable', async () => {
    const rows = await raw(file, (db) => db.all<{ ref: string; tokens_restored: unknown }>("SELECT ref, tokens_restored FROM pushes WHERE outcome = 'ok' AND repo = 'acme/api'"));
    const restored = backend.name === 'sqlite' ? JSON.stringify([T1, T2]) : [T1, T2];
    expect(rows).to.deep.equal([{ ref: 'refs/heads/agent/x', tokens_restored: restored }]);
    expect((await audit.verify()).ok).to.equal(true);
  });
});
