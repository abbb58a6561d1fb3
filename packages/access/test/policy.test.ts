import { expect } from 'chai';
import { Policy, type PolicyConfig } from '../src/index.js';

function config(extra: Partial<PolicyConfig> = {}): PolicyConfig {
  return {
    repos: [{ name: 'acme/api', readers: ['dev', 'ops'] }, { name: 'acme/infra', readers: ['ops'] }],
    detokenize: { requesters: ['dev'], approvers: ['sec'], minApprovals: 2, requireReason: true, requestTtlMs: 3600_000, grantTtlMs: 900_000, oneTimeReveal: true },
    admins: ['admin'],
    ...extra,
  };
}

const who = (...groups: string[]) => ({ subject: 'someone', groups, issuer: 'https://idp.example' });

describe('Policy', () => {
  const policy = new Policy(config());

  it('lets a member of a reader group read the repository', () => {
    expect(policy.canRead(who('dev'), 'acme/api')).to.equal(true);
  });

  it('refuses a repository none of the identity groups may read', () => {
    expect(policy.canRead(who('dev'), 'acme/infra')).to.equal(false);
  });

  it('refuses a repository that is not configured', () => {
    expect(policy.canRead(who('dev', 'ops', 'admin'), 'acme/unknown')).to.equal(false);
  });

  it('refuses an identity without groups everything', () => {
    const nobody = who();
    expect([policy.canRead(nobody, 'acme/api'), policy.canRequest(nobody), policy.canApprove(nobody), policy.isAdmin(nobody)]).to.deep.equal([false, false, false, false]);
  });

  it('tells requesters, approvers and admins apart by group', () => {
    expect([policy.canRequest(who('dev')), policy.canApprove(who('dev')), policy.isAdmin(who('dev'))]).to.deep.equal([true, false, false]);
    expect([policy.canRequest(who('sec')), policy.canApprove(who('sec')), policy.isAdmin(who('sec'))]).to.deep.equal([false, true, false]);
    expect([policy.canRequest(who('admin')), policy.canApprove(who('admin')), policy.isAdmin(who('admin'))]).to.deep.equal([false, false, true]);
  });

  it('matches group names exactly, not by prefix or case', () => {
    expect(policy.canApprove(who('Sec'))).to.equal(false);
    expect(policy.canApprove(who('sec-team'))).to.equal(false);
  });

  it('exposes the detokenize rules read-only', () => {
    expect(policy.detokenize.minApprovals).to.equal(2);
    expect(Object.isFrozen(policy.detokenize)).to.equal(true);
  });

  it('is not changed by later edits of the configuration object', () => {
    const c = config();
    const p = new Policy(c);
    c.repos[0]!.readers.push('everyone');
    c.admins.push('everyone');
    expect(p.canRead(who('everyone'), 'acme/api')).to.equal(false);
    expect(p.isAdmin(who('everyone'))).to.equal(false);
  });

  describe('canWrite', () => {
    const writable = new Policy(config({ repos: [{ name: 'acme/api', readers: ['dev', 'ops'], writers: ['agents'] }, { name: 'acme/infra', readers: ['ops'] }] }));

    it('lets a member of a writer group push to the repository', () => {
      expect(writable.canWrite(who('agents'), 'acme/api')).to.equal(true);
    });

    it('does not let a reader push: reading and writing are separate grants', () => {
      expect(writable.canWrite(who('dev', 'ops'), 'acme/api')).to.equal(false);
    });

    it('lets nobody push to a repository without writers, nor to an unknown one', () => {
      expect([writable.canWrite(who('agents', 'ops', 'admin'), 'acme/infra'), writable.canWrite(who('agents'), 'acme/unknown')]).to.deep.equal([false, false]);
    });

    it('matches writer groups exactly and refuses an identity without a subject', () => {
      expect(writable.canWrite(who('Agents'), 'acme/api')).to.equal(false);
      expect(writable.canWrite({ subject: '', groups: ['agents'] }, 'acme/api')).to.equal(false);
    });

    it('refuses writers that are not a list of group names', () => {
      expect(() => new Policy(config({ repos: [{ name: 'a', readers: [], writers: 'agents' as unknown as string[] }] }))).to.throw(TypeError, /repos\[0\]\.writers/);
    });

    it('is not changed by later edits of the writers list', () => {
      const c = config({ repos: [{ name: 'acme/api', readers: [], writers: ['agents'] }] });
      const p = new Policy(c);
      c.repos[0]!.writers!.push('everyone');
      expect(p.canWrite(who('everyone'), 'acme/api')).to.equal(false);
    });
  });

  it('refuses a configuration with minApprovals below 1', () => {
    const c = config();
    c.detokenize.minApprovals = 0;
    expect(() => new Policy(c)).to.throw(TypeError, /minApprovals/);
  });

  it('refuses a configuration with a non-positive TTL', () => {
    const c = config();
    c.detokenize.grantTtlMs = 0;
    expect(() => new Policy(c)).to.throw(TypeError, /grantTtlMs/);
  });

  it('refuses a configuration listing a repository twice', () => {
    expect(() => new Policy(config({ repos: [{ name: 'a', readers: [] }, { name: 'a', readers: [] }] }))).to.throw(TypeError, /twice/);
  });

  it('refuses group lists that are not arrays of names', () => {
    expect(() => new Policy(config({ admins: 'admin' as unknown as string[] }))).to.throw(TypeError, /admins/);
  });
});
