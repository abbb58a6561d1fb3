// Refused requests reach the audit, folded so that a flood cannot grow memory or the audit queue.
import { expect } from 'chai';
import { RefusalAudit } from '../src/refusal-audit.js';
import type { AuditEvent, AuditSink } from '../src/audit-sink.js';

function sink(): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { events, record: (e) => { events.push(e); }, recordDurable: async (e) => { events.push(e); }, recordAllDurable: async (es) => { events.push(...es); }, failing: false };
}

const refusal = (actor: string, action = 'detokenize.create'): AuditEvent => ({ kind: 'api-refusal', actor, data: { action, status: 403, code: 'GITGATE_FORBIDDEN' } });

describe('RefusalAudit', () => {
  it('records the first refusal of a key at once', () => {
    const audit = sink();
    const r = new RefusalAudit({ audit });
    r.record('mallory|create', refusal('mallory'));
    expect(audit.events).to.deep.equal([refusal('mallory')]);
    r.close();
  });

  it('folds repeats of a key within the window into one record with their count', () => {
    const audit = sink();
    const r = new RefusalAudit({ audit });
    for (let i = 0; i < 1000; i++) r.record('mallory|create', refusal('mallory'));
    expect(audit.events).to.have.length(1);
    r.flush();
    expect(audit.events).to.have.length(2);
    expect(audit.events[1]!.data).to.deep.equal({ action: 'detokenize.create', status: 403, code: 'GITGATE_FORBIDDEN', count: 999 });
  });

  it('tracks at most maxKeys keys per window and counts the rest in one record', () => {
    const audit = sink();
    const r = new RefusalAudit({ audit, maxKeys: 10 });
    for (let i = 0; i < 10_000; i++) r.record(`actor-${i}`, refusal(`actor-${i}`));
    expect(r.tracked).to.equal(10);
    expect(audit.events).to.have.length(10);
    r.flush();
    expect(r.tracked).to.equal(0);
    expect(audit.events).to.have.length(11);
    expect(audit.events[10]).to.deep.include({ kind: 'api-refusal', actor: 'system' });
    expect(audit.events[10]!.data).to.include({ count: 9990 });
  });

  it('writes the folded counts when its window ends', async () => {
    const audit = sink();
    const r = new RefusalAudit({ audit, windowMs: 20 });
    r.record('k', refusal('mallory'));
    r.record('k', refusal('mallory'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(audit.events.map((e) => e.data.count)).to.deep.equal([undefined, 1]);
    r.record('k', refusal('mallory'));
    expect(audit.events).to.have.length(3);
    r.close();
  });
});
