import { createHash, createHmac, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { AuditError, GENESIS_HASH, keyedRecordHash, recordHash } from '../src/index.js';
import { ChainWalker, type ChainedRecord } from '../src/hash-chain.js';

function chained(prev: string, seq: number, fields: Partial<ChainedRecord> = {}): ChainedRecord {
  const r = { seq, at: '2025-03-01T12:00:00.000Z', kind: 'admin', actor: 'alice', repo: null, data: '{"action":"x"}', prevHash: prev, hash: '', chain: 1, ...fields };
  return { ...r, hash: recordHash(r.prevHash, r.seq, r.at, r.kind, r.actor, r.repo, r.data) };
}

function chain(n: number): ChainedRecord[] {
  const rows: ChainedRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const row = chained(prev, seq);
    rows.push(row);
    prev = row.hash;
  }
  return rows;
}

describe('hash chain', () => {
  it('starts from 64 zeros', () => {
    expect(GENESIS_HASH).to.match(/^0{64}$/);
  });

  it('hashes prev_hash, seq, at, kind, actor, repo and data joined by newlines', () => {
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n7\n2025-03-01T12:00:00.000Z\nsync\nsystem\nacme/api\n{"a":1}`).digest('hex');
    expect(recordHash(GENESIS_HASH, 7, '2025-03-01T12:00:00.000Z', 'sync', 'system', 'acme/api', '{"a":1}')).to.equal(expected);
  });

  it('hashes a null repo as an empty field', () => {
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n1\nt\nadmin\nalice\n\n{}`).digest('hex');
    expect(recordHash(GENESIS_HASH, 1, 't', 'admin', 'alice', null, '{}')).to.equal(expected);
  });

  it('accepts an intact chain', () => {
    const walker = new ChainWalker({ seq: 0, hash: GENESIS_HASH });
    for (const row of chain(5)) walker.push(row);
    expect(walker.firstBroken).to.equal(undefined);
    expect(walker.checked).to.equal(5);
  });

  it('reports an edited row once, not every row after it', () => {
    const rows = chain(5);
    rows[1] = { ...rows[1]!, data: '{"action":"y"}' };
    const walker = new ChainWalker({ seq: 0, hash: GENESIS_HASH });
    const breaks = rows.map((r) => walker.push(r)).filter((b) => b !== undefined);
    expect(breaks.map((b) => [b!.seq, b!.reason])).to.deep.equal([[2, 'hash-mismatch']]);
  });

  it('reports a row that moved a field boundary with a newline as malformed', () => {
    const row = chained(GENESIS_HASH, 1, { actor: 'alice\nacme' });
    const walker = new ChainWalker({ seq: 0, hash: GENESIS_HASH });
    expect(walker.push(row)?.reason).to.equal('malformed-row');
  });

  it('reports a first row that does not attach to its start link', () => {
    const walker = new ChainWalker({ seq: 0, hash: 'f'.repeat(64) });
    expect(walker.push(chain(1)[0]!)?.reason).to.equal('prev-hash-mismatch');
  });

  it('hashes a keyed row with HMAC-SHA256 under the key over a tagged input', () => {
    const key = randomBytes(32);
    const expected = createHmac('sha256', key).update(`gitgate-audit-v2\n${GENESIS_HASH}\n7\nt\nsync\nsystem\nacme/api\n{}`).digest('hex');
    expect(keyedRecordHash(key, GENESIS_HASH, 7, 't', 'sync', 'system', 'acme/api', '{}')).to.equal(expected);
  });

  it('refuses an audit key that is not 32 bytes', () => {
    expect(() => keyedRecordHash(randomBytes(16), GENESIS_HASH, 1, 't', 'admin', 'a', null, '{}')).to.throw(TypeError, /32 bytes/);
  });

  it('throws GITGATE_AUDIT_KEY_REQUIRED for a keyed row walked without the key', () => {
    const row = { ...chained(GENESIS_HASH, 1), chain: 2 };
    const walker = new ChainWalker({ seq: 0, hash: GENESIS_HASH });
    expect(() => walker.push(row)).to.throw(AuditError).with.property('code', 'GITGATE_AUDIT_KEY_REQUIRED');
  });
});
