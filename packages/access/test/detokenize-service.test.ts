import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Vault } from '@gitgate/vault';
import { AccessError, DetokenizeService, Policy, type DetokenizeEvent, type PolicyConfig, type Principal, type RequestView } from '../src/index.js';
import { storeBackends } from '@gitgate/testkit';
import { FakeClock, fakeAwsKeyId, fakeGithubToken, rejection, tempDir } from './helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const alice: Principal = { subject: 'alice', groups: ['dev'] };
const bob: Principal = { subject: 'bob', groups: ['sec'] };
const carol: Principal = { subject: 'carol', groups: ['sec'] };
const erin: Principal = { subject: 'erin', groups: ['sec'] };
const dave: Principal = { subject: 'dave', groups: ['dev', 'sec'] };
const mallory: Principal = { subject: 'mallory', groups: ['guests'] };
const root: Principal = { subject: 'root', groups: ['admin'] };

type Detokenize = PolicyConfig['detokenize'];

function policyWith(d: Partial<Detokenize> = {}): Policy {
  return new Policy({
    repos: [{ name: 'acme/api', readers: ['dev'] }, { name: 'acme/vault-ops', readers: ['ops'] }],
    detokenize: { requesters: ['dev'], approvers: ['sec'], minApprovals: 1, requireReason: true, requestTtlMs: HOUR, grantTtlMs: 15 * MINUTE, oneTimeReveal: true, ...d },
    admins: ['admin'],
  });
}

async function code(p: Promise<unknown>): Promise<{ code: string; status: number; reason?: unknown }> {
  const err = await rejection(p);
  expect(err, String(err)).to.be.instanceOf(AccessError);
  const e = err as AccessError;
  return { code: e.code, status: e.status, reason: e.data?.['reason'] };
}

for (const backend of storeBackends()) describe(`DetokenizeService (${backend.name})`, () => {
  let dir: string;
  let location: string;
  let vault: Vault;
  let service: DetokenizeService;
  let clock: FakeClock;
  let events: DetokenizeEvent[];
  let awsSecret: Buffer;
  let awsToken: string;
  let opsToken: string;
  let ghSecret: Buffer;
  let ghToken: string;

  async function open(d: Partial<Detokenize> = {}): Promise<void> {
    if (service) await service.close();
    service = await DetokenizeService.open({ dbPath: location, vault, policy: policyWith(d), clock: clock.now, events: (e) => events.push(e) });
  }

  const ask = (who: Principal = alice, token = awsToken): Promise<RequestView> => service.create(who, { token, reason: 'rotate the deploy key' });

  beforeEach(async () => {
    dir = tempDir();
    location = await backend.location(dir, 'access.db');
    clock = new FakeClock();
    events = [];
    vault = await Vault.open({ dbPath: path.join(dir, 'vault.db'), masterKey: randomBytes(32) });
    awsSecret = fakeAwsKeyId();
    awsToken = vault.tokenFor('aws-access-key-id', awsSecret);
    ghSecret = fakeGithubToken();
    ghToken = vault.tokenFor('github-pat', ghSecret);
    const opsSecret = fakeGithubToken();
    opsToken = vault.tokenFor('github-pat', opsSecret);
    await vault.put([
      { token: awsToken, type: 'aws-access-key-id', secret: awsSecret, ruleId: 'aws-access-key-id', repo: 'acme/api', path: 'deploy/.env', commitId: 'a'.repeat(40) },
      { token: ghToken, type: 'github-pat', secret: ghSecret, ruleId: 'github-pat', repo: 'acme/api', path: 'ci/config.yml', commitId: 'b'.repeat(40) },
      { token: opsToken, type: 'github-pat', secret: opsSecret, ruleId: 'github-pat', repo: 'acme/vault-ops', path: 'x', commitId: 'c'.repeat(40) },
    ]);
    await open();
  });

  afterEach(async () => {
    await service.close();
    await vault.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('create', () => {
    it('opens a pending request that expires after the request TTL', async () => {
      const r = await ask();
      expect(r.status).to.equal('pending');
      expect(r.id).to.match(/^[0-9a-f-]{36}$/);
      expect(r.requester).to.equal('alice');
      expect(r.expiresAt).to.equal(new Date(clock.now().getTime() + HOUR).toISOString());
    });

    it('records where the token was seen and a masked preview, never the secret', async () => {
      const r = await ask();
      expect(r.context).to.deep.equal({
        type: 'aws-access-key-id', repo: 'acme/api', path: 'deploy/.env', commit: null, rule: 'aws-access-key-id', occurrences: 1,
        maskedPreview: 'AK' + 'IA' + '*'.repeat(12),
      });
      expect(JSON.stringify(r)).not.to.include(awsSecret.toString('latin1'));
    });

    it('shows the requester the served commit id and never the upstream one', async () => {
      await service.close();
      const served = new Map([['a'.repeat(40), 'e'.repeat(40)]]);
      service = await DetokenizeService.open({ dbPath: location, vault, policy: policyWith(), clock: clock.now, sanitizedCommit: async (repo, id) => (repo === 'acme/api' ? served.get(id) : undefined) });
      const r = await ask();
      expect(r.context).to.include({ commit: 'e'.repeat(40), path: 'deploy/.env' });
      expect(r.context).not.to.have.property('upstreamCommit');
      expect(JSON.stringify([r, await service.get(alice, r.id), await service.listForRequester(alice)])).not.to.include('a'.repeat(40));
      expect((await service.get(bob, r.id)).context).to.include({ commit: 'e'.repeat(40), upstreamCommit: 'a'.repeat(40) });
    });

    it('names a place in a file over one in a commit message when the token is in both', async () => {
      const secret = fakeGithubToken();
      const t = vault.tokenFor('github-pat', secret);
      await vault.put([
        { token: t, type: 'github-pat', secret, ruleId: 'github-pat', repo: 'acme/api', commitId: 'f'.repeat(40) },
        { token: t, type: 'github-pat', secret, ruleId: 'github-pat', repo: 'acme/api', path: 'src/app.ts', commitId: 'e'.repeat(40) },
      ]);
      expect((await vault.info(t))!.occurrences[0]!.path).to.equal(null);
      expect((await ask(alice, t)).context).to.include({ path: 'src/app.ts', occurrences: 2 });
    });

    it('refuses an identity outside the requester groups', async () => {
      expect(await code(service.create(bob, { token: awsToken, reason: 'x' }))).to.include({ code: 'GITGATE_FORBIDDEN', status: 403 });
    });

    it('refuses a request without a reason when a reason is required', async () => {
      expect(await code(service.create(alice, { token: awsToken }))).to.include({ code: 'GITGATE_BAD_INPUT', status: 400 });
      expect(await code(service.create(alice, { token: awsToken, reason: '   ' }))).to.include({ code: 'GITGATE_BAD_INPUT' });
    });

    it('accepts a request without a reason when none is required', async () => {
      await open({ requireReason: false });
      const r = await service.create(alice, { token: awsToken });
      expect(r.reason).to.equal(null);
    });

    it('takes the ref-safe form of a token (as in a branch name) for the same token', async () => {
      const r = await service.create(alice, { token: awsToken.slice(2, -2), reason: 'x' });
      expect(r.token).to.equal(awsToken);
    });

    it('refuses a string that is not a token', async () => {
      expect(await code(service.create(alice, { token: awsSecret.toString('latin1'), reason: 'x' }))).to.include({ code: 'GITGATE_BAD_INPUT' });
    });

    it('refuses a token the vault does not hold', async () => {
      const unknown = vault.tokenFor('aws-access-key-id', fakeAwsKeyId());
      expect(await code(service.create(alice, { token: unknown, reason: 'x' }))).to.include({ code: 'GITGATE_NOT_FOUND', status: 404 });
    });

    it('treats a token seen only in repositories the requester cannot read as unknown', async () => {
      expect(await code(service.create(alice, { token: opsToken, reason: 'x' }))).to.include({ code: 'GITGATE_NOT_FOUND' });
    });

    it('refuses a revoked token', async () => {
      await vault.revoke(awsToken);
      expect(await code(ask())).to.include({ code: 'GITGATE_CONFLICT', status: 409, reason: 'revoked' });
    });

    it('refuses a second open request for the same token and names the first', async () => {
      const first = await ask();
      const err = await rejection(ask()) as AccessError;
      expect(err.code).to.equal('GITGATE_CONFLICT');
      expect(err.data).to.include({ requestId: first.id, reason: 'open-request' });
    });

    it('allows a new request once the previous one has ended', async () => {
      const first = await ask();
      await service.deny(bob, first.id, 'use the staging key');
      expect((await ask()).id).not.to.equal(first.id);
    });
  });

  describe('listForApprover', () => {
    it('lists pending requests with their context for an approver', async () => {
      const r = await ask();
      const list = await service.listForApprover(bob, { status: 'pending' });
      expect(list.map((x) => x.id)).to.deep.equal([r.id]);
      expect(list[0]!.context.repo).to.equal('acme/api');
      expect(list[0]!.requester).to.equal('alice');
    });

    it('filters by status', async () => {
      const a = await ask();
      const g = await ask(alice, ghToken);
      await service.deny(bob, a.id, 'not now');
      expect((await service.listForApprover(bob, { status: 'pending' })).map((x) => x.id)).to.deep.equal([g.id]);
      expect((await service.listForApprover(bob, { status: 'denied' })).map((x) => x.id)).to.deep.equal([a.id]);
      expect(await service.listForApprover(bob, {})).to.have.length(2);
    });

    it('refuses an identity that is neither approver nor admin', async () => {
      expect(await code(service.listForApprover(alice, {}))).to.include({ code: 'GITGATE_FORBIDDEN' });
    });

    it('refuses an unknown status', async () => {
      expect(await code(service.listForApprover(bob, { status: 'everything' }))).to.include({ code: 'GITGATE_BAD_INPUT' });
    });
  });

  describe('listForRequester', () => {
    it('lists only the caller\'s own requests, newest first', async () => {
      const a = await ask();
      clock.advance(MINUTE);
      const g = await ask(alice, ghToken);
      await ask(dave);
      expect((await service.listForRequester(alice)).map((x) => x.id)).to.deep.equal([g.id, a.id]);
    });

    it('filters the caller\'s own requests by status', async () => {
      const a = await ask();
      await ask(alice, ghToken);
      await service.deny(bob, a.id, 'not now');
      expect((await service.listForRequester(alice, { status: 'denied' })).map((x) => x.id)).to.deep.equal([a.id]);
    });

    it('lists nothing for an identity that made no request', async () => {
      await ask();
      expect(await service.listForRequester(mallory)).to.deep.equal([]);
    });
  });

  describe('approve and deny', () => {
    it('approves with one approval when one is required and starts the grant', async () => {
      const r = await ask();
      clock.advance(MINUTE);
      const v = await service.approve(bob, r.id, 'ok for the rotation');
      expect(v.status).to.equal('approved');
      expect(v.approvals).to.deep.equal([{ approver: 'bob', comment: 'ok for the rotation', at: clock.now().toISOString() }]);
      expect(v.grantExpiresAt).to.equal(new Date(clock.now().getTime() + 15 * MINUTE).toISOString());
      expect(v.expiresAt).to.equal(v.grantExpiresAt);
    });

    it('refuses self-approval', async () => {
      const r = await ask(dave);
      expect(await code(service.approve(dave, r.id))).to.include({ code: 'GITGATE_FORBIDDEN', status: 403, reason: 'self-approval' });
    });

    it('refuses an approver outside the approver groups', async () => {
      const r = await ask();
      expect(await code(service.approve(mallory, r.id))).to.include({ code: 'GITGATE_FORBIDDEN', status: 403 });
      expect(await code(service.approve(root, r.id))).to.include({ code: 'GITGATE_FORBIDDEN' });
    });

    it('answers 404 for an unknown request', async () => {
      expect(await code(service.approve(bob, '00000000-0000-0000-0000-000000000000'))).to.include({ code: 'GITGATE_NOT_FOUND' });
    });

    it('needs two distinct approvers for a 2-of-N policy', async () => {
      await open({ minApprovals: 2 });
      const r = await ask();
      const first = await service.approve(bob, r.id);
      expect(first.status).to.equal('pending');
      expect(first.approvals).to.have.length(1);
      const second = await service.approve(carol, r.id);
      expect(second.status).to.equal('approved');
      expect(second.approvals.map((a) => a.approver).sort()).to.deep.equal(['bob', 'carol']);
    });

    it('counts an approver approving twice once', async () => {
      await open({ minApprovals: 2 });
      const r = await ask();
      await service.approve(bob, r.id);
      const again = await service.approve(bob, r.id);
      expect(again.status).to.equal('pending');
      expect(again.approvals).to.have.length(1);
      expect(events.filter((e) => e.type === 'detokenize-approve')).to.have.length(1);
    });

    it('counts two concurrent approvals once each', async () => {
      await open({ minApprovals: 2 });
      const r = await ask();
      const views = await Promise.all([service.approve(bob, r.id), service.approve(carol, r.id)]);
      const final = await service.get(bob, r.id);
      expect(final.status).to.equal('approved');
      expect(final.approvals).to.have.length(2);
      expect(views.map((v) => v.approvals.length).sort()).to.deep.equal([1, 2]);
      expect(events.filter((e) => e.type === 'detokenize-approve').map((e) => e.approvals).sort()).to.deep.equal([1, 2]);
    });

    it('never counts concurrent approvals by one approver more than once', async () => {
      await open({ minApprovals: 2 });
      const r = await ask();
      await Promise.all([service.approve(bob, r.id), service.approve(bob, r.id), service.approve(bob, r.id)]);
      const v = await service.get(bob, r.id);
      expect(v.status).to.equal('pending');
      expect(v.approvals).to.have.length(1);
    });

    it('does not approve past the required count when more approvers race', async () => {
      await open({ minApprovals: 2 });
      const r = await ask();
      const results = await Promise.allSettled([service.approve(bob, r.id), service.approve(carol, r.id), service.approve(erin, r.id)]);
      const refused = results.filter((x) => x.status === 'rejected').map((x) => (x.reason as AccessError).code);
      expect(refused).to.deep.equal(['GITGATE_CONFLICT']);
      expect((await service.get(bob, r.id)).approvals).to.have.length(2);
    });

    it('ends a request with a denial', async () => {
      const r = await ask();
      const v = await service.deny(bob, r.id, 'not during the freeze');
      expect(v.status).to.equal('denied');
      expect(v.denial).to.deep.equal({ approver: 'bob', comment: 'not during the freeze', at: clock.now().toISOString() });
      expect(await code(service.approve(carol, r.id))).to.include({ code: 'GITGATE_CONFLICT', status: 409 });
      const seen = await service.get(alice, r.id);
      expect(seen.status).to.equal('denied');
      expect(seen).not.to.have.property('secret');
      expect(await code(service.reveal(alice, r.id))).to.include({ code: 'GITGATE_CONFLICT', status: 409 });
    });

    it('refuses a denial without a comment, and leaves the request pending', async () => {
      const r = await ask();
      for (const blank of [undefined, '', '   ']) {
        expect(await code(service.deny(bob, r.id, blank))).to.include({ code: 'GITGATE_COMMENT_REQUIRED', status: 400 });
      }
      expect((await service.get(bob, r.id)).status).to.equal('pending');
    });

    it('refuses a denial by an identity outside the approver groups', async () => {
      const r = await ask();
      expect(await code(service.deny(alice, r.id))).to.include({ code: 'GITGATE_FORBIDDEN' });
    });

    it('refuses to deny a request that is no longer pending', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      expect(await code(service.deny(carol, r.id, 'too late'))).to.include({ code: 'GITGATE_CONFLICT' });
    });
  });

  describe('get and reveal', () => {
    it('gives the requester nothing secret while the request is pending', async () => {
      const r = await ask();
      const v = await service.get(alice, r.id);
      expect(v.status).to.equal('pending');
      expect(v).not.to.have.property('secret');
      expect(await code(service.reveal(alice, r.id))).to.include({ code: 'GITGATE_CONFLICT', status: 409 });
    });

    it('never reveals on a read of an approved request, so a retried or prefetched read uses up nothing', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      const read = await service.get(alice, r.id);
      expect(read.status).to.equal('approved');
      expect(read).not.to.have.property('secret');
      expect(events.map((e) => e.type)).not.to.include('detokenize-reveal');
      expect((await service.reveal(alice, r.id)).secret).to.equal(awsSecret.toString('latin1'));
    });

    it('reveals the secret to the requester once approved', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      const v = await service.reveal(alice, r.id);
      expect(v.secret).to.equal(awsSecret.toString('latin1'));
      expect(v.secretEncoding).to.equal('utf8');
      expect(v.status).to.equal('revealed');
    });

    it('never gives the secret to an approver', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      const v = await service.get(bob, r.id);
      expect(v).not.to.have.property('secret');
      expect(JSON.stringify(v)).not.to.include(awsSecret.toString('latin1'));
      expect(await code(service.reveal(bob, r.id))).to.include({ code: 'GITGATE_FORBIDDEN', reason: 'not-the-requester' });
    });

    it('hides a request from an identity that is neither requester, approver nor admin', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      const other: Principal = { subject: 'zoe', groups: ['dev'] };
      expect(await code(service.get(other, r.id))).to.include({ code: 'GITGATE_NOT_FOUND' });
      expect(await code(service.reveal(other, r.id))).to.include({ code: 'GITGATE_NOT_FOUND' });
    });

    it('answers 410 to a second read of a one-time reveal', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      await service.reveal(alice, r.id);
      expect(await code(service.reveal(alice, r.id))).to.include({ code: 'GITGATE_GONE', status: 410, reason: 'already-revealed' });
    });

    it('reveals a one-time grant to only one of two concurrent reads', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      const results = await Promise.allSettled([service.reveal(alice, r.id), service.reveal(alice, r.id)]);
      expect(results.filter((x) => x.status === 'fulfilled' && x.value.secret !== undefined)).to.have.length(1);
      expect(results.filter((x) => x.status === 'rejected').map((x) => (x.reason as AccessError).code)).to.deep.equal(['GITGATE_GONE']);
    });

    it('reveals repeatedly until the grant expires when reveals are not one-time', async () => {
      await open({ oneTimeReveal: false });
      const r = await ask();
      await service.approve(bob, r.id);
      expect((await service.reveal(alice, r.id)).secret).to.equal(awsSecret.toString('latin1'));
      clock.advance(10 * MINUTE);
      const again = await service.reveal(alice, r.id);
      expect(again.secret).to.equal(awsSecret.toString('latin1'));
      expect(again.status).to.equal('approved');
      clock.advance(5 * MINUTE);
      expect(await code(service.reveal(alice, r.id))).to.include({ code: 'GITGATE_GONE', reason: 'grant-expired' });
    });
  });

  describe('two replicas on one database', () => {
    let peer: DetokenizeService;
    beforeEach(async () => {
      peer = await DetokenizeService.open({ dbPath: location, vault, policy: policyWith({ minApprovals: 2 }), clock: clock.now });
      await open({ minApprovals: 2 });
    });
    afterEach(() => peer.close());

    it('reveals a one-time grant exactly once to 20 racing reads split across both replicas', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      await peer.approve(carol, r.id);
      const reads = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? service : peer).reveal(alice, r.id));
      const results = await Promise.allSettled(reads);
      const secrets = results.filter((x) => x.status === 'fulfilled').map((x) => x.value.secret);
      expect(secrets).to.deep.equal([awsSecret.toString('latin1')]);
      const refusals = results.filter((x) => x.status === 'rejected').map((x) => [(x.reason as AccessError).code, (x.reason as AccessError).data?.['reason']]);
      expect(refusals).to.have.length(19);
      expect(new Set(refusals.map((x) => x.join(' ')))).to.deep.equal(new Set(['GITGATE_GONE already-revealed']));
      expect((await peer.get(alice, r.id)).status).to.equal('revealed');
    });

    it('counts each approver once when both replicas record the same approvals at the same time', async () => {
      await open({ minApprovals: 3 });
      const r = await ask();
      const approvals = [bob, carol, bob, carol, bob, carol, bob, carol].map((who, i) => (i % 2 === 0 ? service : peer).approve(who, r.id));
      await Promise.all(approvals);
      const v = await peer.get(bob, r.id);
      expect(v.status).to.equal('pending');
      expect(v.approvals.map((a) => a.approver).sort()).to.deep.equal(['bob', 'carol']);
      expect((await peer.approve(erin, r.id)).status).to.equal('approved');
    });

    it('refuses on one replica the second reveal of a grant revealed on the other', async () => {
      const r = await peer.create(alice, { token: awsToken, reason: 'rotate the deploy key' });
      await service.approve(bob, r.id);
      await peer.approve(carol, r.id);
      expect((await service.reveal(alice, r.id)).secret).to.equal(awsSecret.toString('latin1'));
      expect(await code(peer.reveal(alice, r.id))).to.include({ code: 'GITGATE_GONE', reason: 'already-revealed' });
    });
  });

  describe('expiry', () => {
    it('expires a pending request after the request TTL', async () => {
      const r = await ask();
      clock.advance(HOUR - 1);
      expect((await service.get(alice, r.id)).status).to.equal('pending');
      clock.advance(1);
      expect((await service.get(alice, r.id)).status).to.equal('expired');
      expect(await code(service.approve(bob, r.id))).to.include({ code: 'GITGATE_CONFLICT' });
      const e = events.find((x) => x.type === 'detokenize-expire');
      expect(e).to.include({ requestId: r.id, actor: 'system', phase: 'request', status: 'expired' });
    });

    it('refuses to reveal once an approved grant has expired', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      clock.advance(15 * MINUTE);
      expect(await code(service.reveal(alice, r.id))).to.include({ code: 'GITGATE_GONE', status: 410, reason: 'grant-expired' });
      expect(events.find((x) => x.type === 'detokenize-expire')).to.include({ requestId: r.id, phase: 'grant' });
    });

    it('expires due requests on expireDue and reports how many', async () => {
      await ask();
      await ask(alice, ghToken);
      clock.advance(2 * HOUR);
      expect(await service.expireDue()).to.equal(2);
      expect(await service.expireDue()).to.equal(0);
      expect(events.filter((e) => e.type === 'detokenize-expire')).to.have.length(2);
    });
  });

  describe('revocation', () => {
    it('fails pending requests of a revoked token', async () => {
      const r = await ask();
      await service.revokeToken(root, awsToken);
      expect((await service.get(alice, r.id)).status).to.equal('revoked');
      expect(await code(service.approve(bob, r.id))).to.include({ code: 'GITGATE_CONFLICT' });
    });

    it('refuses to reveal an approved request once its token is revoked', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      await service.revokeToken(root, awsToken);
      expect(await code(service.reveal(alice, r.id))).to.include({ code: 'GITGATE_GONE', reason: 'revoked' });
      expect((await rejection(vault.reveal(awsToken)) as { code: string }).code).to.equal('GITGATE_TOKEN_REVOKED');
    });

    it('refuses the reveal when the token was revoked in the vault directly', async () => {
      await open({ oneTimeReveal: false });
      const r = await ask();
      await service.approve(bob, r.id);
      await vault.revoke(awsToken);
      expect(await code(service.reveal(alice, r.id))).to.include({ code: 'GITGATE_GONE', reason: 'revoked' });
      expect((await service.get(bob, r.id)).status).to.equal('revoked');
    });

    it('reports the revocation and each request it ended', async () => {
      const r = await ask();
      await service.revokeToken(root, awsToken);
      expect(events.find((e) => e.type === 'token-revoke')).to.deep.include({ requestId: null, token: awsToken, actor: 'root', requestIds: [r.id] });
      expect(events.find((e) => e.type === 'detokenize-revoke')).to.include({ requestId: r.id, status: 'revoked', requester: 'alice' });
    });

    it('is for admins only', async () => {
      expect(await code(service.revokeToken(bob, awsToken))).to.include({ code: 'GITGATE_FORBIDDEN' });
      expect(await vault.reveal(awsToken)).to.deep.equal(awsSecret);
    });

    it('answers 404 for a token the vault does not hold', async () => {
      const unknown = vault.tokenFor('github-pat', fakeGithubToken());
      expect(await code(service.revokeToken(root, unknown))).to.include({ code: 'GITGATE_NOT_FOUND' });
    });
  });

  describe('tokenInfo', () => {
    it('gives admins the token metadata without the secret', async () => {
      const info = await service.tokenInfo(root, awsToken);
      expect(info.type).to.equal('aws-access-key-id');
      expect(info.occurrences[0]!.path).to.equal('deploy/.env');
      expect(JSON.stringify(info)).not.to.include(awsSecret.toString('latin1'));
    });

    it('is for admins only', async () => {
      expect(await code(service.tokenInfo(bob, awsToken))).to.include({ code: 'GITGATE_FORBIDDEN' });
    });
  });

  describe('roles', () => {
    it('says what each identity may do under the policy in force', () => {
      expect(service.roles(alice)).to.deep.equal({ requester: true, approver: false, admin: false });
      expect(service.roles(dave)).to.deep.equal({ requester: true, approver: true, admin: false });
      expect(service.roles(root)).to.deep.equal({ requester: false, approver: false, admin: true });
    });
  });

  describe('events and storage', () => {
    it('reports every state change of a request with type, request, token, actor and time', async () => {
      await open({ minApprovals: 2 });
      const r = await ask();
      await service.approve(bob, r.id);
      clock.advance(MINUTE);
      await service.approve(carol, r.id);
      await service.reveal(alice, r.id);
      expect(events.map((e) => [e.type, e.actor, e.status])).to.deep.equal([
        ['detokenize-request', 'alice', 'pending'],
        ['detokenize-approve', 'bob', 'pending'],
        ['detokenize-approve', 'carol', 'approved'],
        ['detokenize-reveal', 'alice', 'revealed'],
      ]);
      for (const e of events) {
        expect(e.requestId).to.equal(r.id);
        expect(e.token).to.equal(awsToken);
        expect(Date.parse(e.at)).to.be.a('number').and.not.NaN;
      }
      expect(events[2]!.at).to.equal(clock.now().toISOString());
    });

    it('never puts the secret in an event', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      await service.reveal(alice, r.id);
      await service.revokeToken(root, awsToken);
      expect(events.length).to.be.greaterThan(3);
      expect(JSON.stringify(events)).not.to.include(awsSecret.toString('latin1'));
    });

    it('keeps working when the event listener throws', async () => {
      await service.close();
      service = await DetokenizeService.open({ dbPath: location, vault, policy: policyWith(), clock: clock.now, events: () => { throw new Error('listener down'); } });
      const r = await ask();
      expect((await service.approve(bob, r.id)).status).to.equal('approved');
    });

    it('keeps requests across a restart', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      await open();
      expect((await service.reveal(alice, r.id)).secret).to.equal(awsSecret.toString('latin1'));
    });

    if (backend.name === 'sqlite') it('never writes the secret to its database file', async () => {
      const r = await ask();
      await service.approve(bob, r.id);
      await service.reveal(alice, r.id);
      await service.close();
      const needle = awsSecret.toString('latin1');
      for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('access.db'))) {
        expect(fs.readFileSync(path.join(dir, f)).toString('latin1')).not.to.include(needle);
      }
      await open();
    });
  });

  describe('authorization at the moment of use', () => {
    let current: Policy;
    const policyFor = (d: Partial<Detokenize> = {}, readers: Record<string, string[]> = { 'acme/api': ['dev'], 'acme/vault-ops': ['ops'] }): Policy => new Policy({
      repos: Object.entries(readers).map(([name, r]) => ({ name, readers: r })),
      detokenize: { requesters: ['dev'], approvers: ['sec'], minApprovals: 1, requireReason: true, requestTtlMs: HOUR, grantTtlMs: 15 * MINUTE, oneTimeReveal: true, ...d },
      admins: ['admin'],
    });
    async function openLive(recordDurable?: (e: DetokenizeEvent) => Promise<void>): Promise<void> {
      await service.close();
      current = policyFor();
      service = await DetokenizeService.open({ dbPath: location, vault, policy: () => current, clock: clock.now, events: (e) => events.push(e), recordDurable });
    }

    it('refuses an approval by an approver whose group the live policy no longer lists', async () => {
      await openLive();
      const r = await ask();
      current = policyFor({ approvers: ['security-leads'] });
      expect(await code(service.approve(bob, r.id))).to.include({ code: 'GITGATE_FORBIDDEN', status: 403 });
      expect((await service.get(root, r.id)).approvals).to.deep.equal([]);
    });

    it('applies a threshold raised by the live policy to a request made before', async () => {
      await openLive();
      const r = await ask();
      current = policyFor({ minApprovals: 2 });
      expect((await service.approve(bob, r.id)).status).to.equal('pending');
      expect((await service.approve(carol, r.id)).status).to.equal('approved');
    });

    it('refuses the reveal of an approved grant once the requester lost read access to every repository of the token', async () => {
      await openLive();
      const r = await ask();
      await service.approve(bob, r.id);
      current = policyFor({}, { 'acme/api': ['other'], 'acme/vault-ops': ['ops'] });
      const refused = await rejection(service.reveal(alice, r.id)) as AccessError;
      expect(refused.code).to.equal('GITGATE_FORBIDDEN');
      expect(refused.data?.['reason']).to.equal('no-read-access');
      expect(JSON.stringify(refused)).not.to.include(awsSecret.toString('latin1'));
      expect(events.map((e) => e.type)).not.to.include('detokenize-reveal');
      current = policyFor();
      expect((await service.reveal(alice, r.id)).secret).to.equal(awsSecret.toString('latin1'));
    });

    it('refuses the reveal of an approved grant once the requester left the requester groups', async () => {
      await openLive();
      const r = await ask();
      await service.approve(bob, r.id);
      current = policyFor({ requesters: ['contractors'] });
      const refused = await rejection(service.reveal(alice, r.id)) as AccessError;
      expect(refused.code).to.equal('GITGATE_FORBIDDEN');
      expect(refused.data?.['reason']).to.equal('not-a-requester');
      expect((await service.get(root, r.id)).status).to.equal('approved');
    });

    it('writes the reveal record durably before the secret is returned', async () => {
      const order: string[] = [];
      await openLive(async (e) => {
        order.push(`durable:${e.type}:${(await service.get(root, e.requestId!)).status}`);
      });
      const r = await ask();
      await service.approve(bob, r.id);
      const v = await service.reveal(alice, r.id);
      expect(v.secret).to.equal(awsSecret.toString('latin1'));
      expect(order).to.deep.equal(['durable:detokenize-reveal:approved']);
    });

    it('refuses the reveal with 503 and keeps the grant unused when its audit record cannot be written', async () => {
      let failing = true;
      await openLive(async () => {
        if (failing) throw new Error('disk full');
      });
      const r = await ask();
      await service.approve(bob, r.id);
      const refused = await rejection(service.reveal(alice, r.id)) as AccessError;
      expect(refused.code).to.equal('GITGATE_AUDIT_UNAVAILABLE');
      expect(refused.status).to.equal(503);
      expect(refused.message).not.to.include(awsSecret.toString('latin1'));
      expect((await service.get(root, r.id)).status).to.equal('approved');
      failing = false;
      expect((await service.reveal(alice, r.id)).secret).to.equal(awsSecret.toString('latin1'));
    });

    it('counts in the context only the occurrences in repositories the requester can read', async () => {
      await vault.put([{ token: awsToken, type: 'aws-access-key-id', secret: awsSecret, ruleId: 'aws-access-key-id', repo: 'acme/vault-ops', path: 'ops/.env', commitId: 'd'.repeat(40) }]);
      expect((await vault.info(awsToken))!.occurrences).to.have.length(2);
      const r = await ask();
      expect(r.context.occurrences).to.equal(1);
      expect(r.context.repo).to.equal('acme/api');
    });
  });
});
