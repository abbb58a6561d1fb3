// The reload log line: which groups and thresholds a new policy changes.
import { expect } from 'chai';
import type { PolicyConfig } from '@gitgate/access';
import { policyChanges } from '../src/policy-changes.js';

const base = (): PolicyConfig => ({
  repos: [{ name: 'acme/api', readers: ['agents', 'ci'] }],
  detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
  admins: ['root'],
});

describe('policyChanges', () => {
  it('is empty for a policy that grants the same', () => {
    const b = base();
    b.repos[0]!.readers.reverse();
    expect(policyChanges(base(), b)).to.deep.equal({});
  });

  it('names groups added and removed per role and repository, and changed thresholds and TTLs', () => {
    const next = base();
    next.repos = [{ name: 'acme/api', readers: ['ci'] }, { name: 'acme/web', readers: ['web'] }];
    next.detokenize = { ...next.detokenize, approvers: ['security-leads'], minApprovals: 2, grantTtlMs: 300e3 };
    next.admins = [];
    expect(policyChanges(base(), next)).to.deep.equal({
      readers: { 'acme/api': { added: [], removed: ['agents'] }, 'acme/web': { added: ['web'], removed: [] } },
      approvers: { added: ['security-leads'], removed: ['security'] },
      admins: { added: [], removed: ['root'] },
      detokenize: { minApprovals: [1, 2], grantTtlMs: [900e3, 300e3] },
    });
  });

  it('names writer groups added and removed per repository, a repository without writers counting as none', () => {
    const next = base();
    next.repos = [{ name: 'acme/api', readers: ['agents', 'ci'], writers: ['agents'] }];
    expect(policyChanges(base(), next)).to.deep.equal({ writers: { 'acme/api': { added: ['agents'], removed: [] } } });
  });
});
