// The gateway's side of held pushes, over a fake mirror: a release that fails ends the request failed
// and on record, and at start only held pushes still waiting stay on disk.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Policy, PushApprovalService, type Principal } from '@gitgate/access';
import { AuditLog } from '@gitgate/audit';
import { MirrorError, codes, noopLogger, type PushOutcome, type RepoMirror } from '@gitgate/mirror';
import { createGatewayMetrics } from '@gitgate/server';
import { cleanup, tempDir } from './helpers/harness.js';
import { HELD_PUSH_POLICY } from './helpers/held-push.js';
import { openHeldPushApprovals, type HeldPushApprovals } from '../src/held-push-approvals.js';

const agent: Principal = { subject: 'agent-7', groups: ['agents'] };
const alice: Principal = { subject: 'alice', groups: ['security'] };
const REF = { ref: 'refs/heads/agent/x', oldId: '0'.repeat(40), newId: 'b'.repeat(40) };

/** A mirror that holds `held` on "disk" and releases through `release`. */
function fakeMirror(held: Set<string>, release: (id: string) => Promise<PushOutcome>): RepoMirror {
  return {
    name: 'acme/api',
    heldPushes: () => [...held].sort(),
    discardHeld: async (id: string) => held.delete(id),
    releaseHeld: async (id: string) => {
      held.delete(id);
      return release(id);
    },
  } as unknown as RepoMirror;
}

describe('held push approvals (gateway)', () => {
  let dir: string;
  let audit: AuditLog;
  let approvals: HeldPushApprovals | undefined;
  const policy = new Policy(HELD_PUSH_POLICY);

  beforeEach(async () => {
    dir = tempDir();
    audit = await AuditLog.open({ path: join(dir, 'audit.db') });
  });
  afterEach(async () => {
    await approvals?.close();
    approvals = undefined;
    await audit.close();
    cleanup(dir);
  });

  const open = (mirror: RepoMirror): Promise<HeldPushApprovals> => openHeldPushApprovals({
    dbPath: join(dir, 'access.db'), policy: () => policy, repos: new Map([['acme/api', mirror]]), pushSettings: () => ({ branches: ['agent/*'], requireApproval: true }),
    audit, metrics: createGatewayMetrics(), logger: noopLogger,
  });

  it('ends the request failed, with an error push row, when the release throws', async () => {
    const held = new Set<string>();
    approvals = await open(fakeMirror(held, () => Promise.reject(new MirrorError(codes.upstreamFailed, 'upstream unreachable'))));
    const id = randomUUID();
    held.add(id);
    await approvals.hold(agent, { id, repo: 'acme/api', refs: [REF], commits: 1, tokensRestored: [] });
    const view = await approvals.approve(alice, id) as { status: string; refs: { ok?: boolean; reason?: string }[] };
    expect(view.status).to.equal('failed');
    expect(view.refs[0]!.reason).to.match(/^the gateway could not complete the release/);
    await audit.flush();
    expect((await audit.pushes({})).map((r) => [r.outcome, r.actor])).to.deep.equal([['error', 'agent-7']]);
    expect(held.size).to.equal(0);
  });

  it('keeps a pending held push at start, and discards one without a request and one approved but never released', async () => {
    const service = await PushApprovalService.open({ dbPath: join(dir, 'access.db'), policy });
    const [pending, approved, orphan] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [pending, approved]) await service.hold(agent, { id, repo: 'acme/api', refs: [REF], commits: 1, tokensRestored: [] });
    await service.approve(alice, approved);
    await service.close();
    const held = new Set([pending, approved, orphan]);
    approvals = await open(fakeMirror(held, () => Promise.reject(new Error('no release at start'))));
    expect([...held]).to.deep.equal([pending]);
    expect(((await approvals.get(alice, approved)) as { status: string }).status).to.equal('failed');
  });
});
