// PushApprovalService: held pushes wait for the detokenize approvers (never the pusher), end by a denial or
// the clock, and record what their release did; it shares the access database with detokenize requests.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AccessError, PushApprovalService, Policy, type Principal, type PushApprovalEvent, type PushRequestView } from '../src/index.js';
import { storeBackends } from '@gitgate/testkit';
import { FakeClock, rejection, tempDir } from './helpers.js';

const HOUR = 3600_000;
const agent: Principal = { subject: 'agent-7', groups: ['agents', 'sec'] };
const bob: Principal = { subject: 'bob', groups: ['sec'] };
const carol: Principal = { subject: 'carol', groups: ['sec'] };
const mallory: Principal = { subject: 'mallory', groups: ['agents'] };

function policy(minApprovals = 1): Policy {
  return new Policy({
    repos: [{ name: 'acme/api', readers: ['agents'], writers: ['agents'] }],
    detokenize: { requesters: ['agents'], approvers: ['sec'], minApprovals, requireReason: false, requestTtlMs: HOUR, grantTtlMs: HOUR, oneTimeReveal: true },
    admins: [],
  });
}

async function code(p: Promise<unknown>): Promise<string> {
  const e = await rejection(p);
  expect(e).to.be.instanceOf(AccessError);
  return (e as AccessError).code;
}

for (const backend of storeBackends()) describe(`PushApprovalService (${backend.name})`, () => {
  let service: PushApprovalService;
  let location: string;
  let clock: FakeClock;
  let events: PushApprovalEvent[];

  async function open(minApprovals = 1): Promise<void> {
    location = await backend.location(tempDir(), 'access.db');
    service = await PushApprovalService.open({ dbPath: location, policy: policy(minApprovals), clock: clock.now, events: (e) => events.push(e) });
  }
  const hold = (): Promise<PushRequestView> => service.hold(agent, {
    id: randomUUID(), repo: 'acme/api', refs: [{ ref: 'refs/heads/agent/x', oldId: '0'.repeat(40), newId: 'a'.repeat(40) }], commits: 2, tokensRestored: ['[[TOKEN_password_abc]]'],
  });

  beforeEach(async () => {
    clock = new FakeClock();
    events = [];
    await open();
  });
  afterEach(() => service.close());

  it('holds a push as a pending request of its pusher with the detokenize threshold and deadline', async () => {
    const r = await hold();
    expect(r).to.deep.include({ status: 'pending', repo: 'acme/api', pusher: 'agent-7', requiredApprovals: 1, commits: 2, tokensRestored: ['[[TOKEN_password_abc]]'], expiresAt: '2030-01-01T01:00:00.000Z' });
    expect(events.map((e) => [e.type, e.subject, e.status])).to.deep.equal([['detokenize-request', 'push', 'pending']]);
  });

  it('refuses the pusher approving their own push, even as an approver', async () => {
    const r = await hold();
    expect(await code(service.approve(agent, r.id))).to.equal('GITGATE_FORBIDDEN');
    expect((await service.get(bob, r.id)).status).to.equal('pending');
  });

  it('refuses an identity outside the approver groups', async () => {
    const r = await hold();
    expect(await code(service.approve(mallory, r.id))).to.equal('GITGATE_FORBIDDEN');
    expect(await code(service.listForApprover(mallory))).to.equal('GITGATE_FORBIDDEN');
    expect(await code(service.get(mallory, r.id))).to.equal('GITGATE_NOT_FOUND');
  });

  it('becomes approved once minApprovals distinct approvers allow it, a repeated approval counting once', async () => {
    await service.close();
    await open(2);
    const r = await hold();
    expect((await service.approve(bob, r.id)).status).to.equal('pending');
    expect((await service.approve(bob, r.id)).status).to.equal('pending');
    expect((await service.approve(carol, r.id, 'looks right')).status).to.equal('approved');
    expect(await code(service.approve(carol, r.id))).to.equal('GITGATE_CONFLICT');
  });

  it('counts each approver once when two replicas on one database record the same approvals at once', async () => {
    await service.close();
    await open(3);
    const peer = await PushApprovalService.open({ dbPath: location, policy: policy(3), clock: clock.now });
    try {
      const r = await hold();
      await Promise.all([bob, carol, bob, carol, bob, carol].map((who, i) => (i % 2 === 0 ? service : peer).approve(who, r.id)));
      const v = await peer.get(bob, r.id);
      expect(v.status).to.equal('pending');
      expect(v.approvals.map((a) => a.approver).sort()).to.deep.equal(['bob', 'carol']);
    } finally {
      await peer.close();
    }
  });

  it('records a release as released, or failed with each ref reason', async () => {
    const a = await hold();
    await service.approve(bob, a.id);
    expect((await service.settle(a.id, [{ ref: 'refs/heads/agent/x', ok: true }])).status).to.equal('released');
    const b = await hold();
    await service.approve(bob, b.id);
    const failed = await service.settle(b.id, [{ ref: 'refs/heads/agent/x', ok: false, reason: 'non-fast-forward' }]);
    expect(failed.status).to.equal('failed');
    expect(failed.refs[0]).to.include({ ok: false, reason: 'non-fast-forward' });
  });

  it('ends a request on denial, and lets the pusher read it but not the release be recorded', async () => {
    const r = await hold();
    expect((await service.deny(bob, r.id, 'not now')).denial).to.include({ approver: 'bob', comment: 'not now' });
    expect((await service.get(agent, r.id)).status).to.equal('denied');
    expect(await code(service.settle(r.id, [{ ref: 'refs/heads/agent/x', ok: true }]))).to.equal('GITGATE_CONFLICT');
  });

  it('expires a pending request after requestTtl with a detokenize-expire event', async () => {
    const r = await hold();
    clock.advance(HOUR);
    expect(await service.expireDue()).to.equal(1);
    expect((await service.get(agent, r.id)).status).to.equal('expired');
    expect(events.at(-1)).to.include({ type: 'detokenize-expire', subject: 'push', requestId: r.id, actor: 'system' });
  });

  it('lists requests for approvers, filtered by status', async () => {
    const a = await hold();
    await hold();
    await service.deny(bob, a.id, 'not this branch');
    expect((await service.listForApprover(bob, { status: 'pending' })).length).to.equal(1);
    expect((await service.listForApprover(carol)).length).to.equal(2);
  });
});
