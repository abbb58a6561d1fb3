// repos[].mask: validated against the rules in effect; each policy gives its repository its own scanner.
import { expect } from 'chai';
import { createScanner } from '@gitgate/scanner';
import { validateConfig } from '../src/index.js';
import { problemsOf as problemsAt } from './config-helpers.js';
import { repoScanners } from '../src/repo-scanner.js';

const BASE = '/srv/gitgate';
const dashes = '-'.repeat(5);
const pemKey = (): string => {
  const label = ['RSA', 'PRIVATE', 'KEY'].join(' ');
  return `${dashes}BEGIN ${label}${dashes}\n${'Mx3q'.repeat(16)}\n${'Zk9P'.repeat(16)}\n${dashes}END ${label}${dashes}\n`;
};

function config(mask: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { listen: '127.0.0.1:8080', dataDir: '/var/lib/gitgate', auth: { mode: 'none' }, repos: [{ name: 'acme/fixtures', upstream: '/srv/git/f.git', mask }], ...extra };
}

const problemsOf = (raw: unknown): string[] => problemsAt(raw, BASE);

describe('repos[].mask', () => {
  it('takes rule ids, token types, families and custom rule ids', () => {
    const rules = [{ id: 'acme-api-key', type: 'acme-api-key', regex: 'acme_(?<secret>[0-9a-f]{32})', keywords: ['acme_'] }];
    const c = validateConfig(config({ leave: ['private-key', 'jwt', 'url credentials', 'kubernetes-secret', 'acme-api-key'] }, { scanner: { rules } }), BASE);
    expect(c.repos[0]!.mask).to.deep.equal({ leave: ['private-key', 'jwt', 'url credentials', 'kubernetes-secret', 'acme-api-key'] });
  });

  it('reports an entry that names no rule, type or family with a sentence that lists the families', () => {
    const p = problemsOf(config({ leave: ['private-key', 'privat-key'] }));
    expect(p).to.have.length(1);
    expect(p[0]).to.match(/^repos\[0\]\.mask\.leave: "privat-key" is not a rule id, token type or rule family \(families: private keys, aws, /);
  });

  it('takes a policy for every repository of a GitHub organisation', () => {
    const raw = { ...config(undefined), repos: [{ github: { org: 'acme', auth: { token: 'env:GH' } }, mask: { leave: ['private keys'] } }] };
    const c = validateConfig(raw, BASE, 'config', { GH: 'from-the-environment' });
    expect(c.github[0]!.mask).to.deep.equal({ leave: ['private keys'] });
    expect(problemsOf({ ...raw, repos: [{ ...raw.repos[0], mask: { leave: ['nope'] } }] })[0]).to.match(/^repos\[0\]\.mask\.leave: "nope" is not a rule id/);
  });

  it('reports a malformed policy and unknown keys', () => {
    expect(problemsOf(config({ leave: 'private-key', mask: 1 }))).to.deep.equal([
      'repos[0].mask.mask: unknown key (allowed: leave)',
      'repos[0].mask.leave: must be a list of rule ids, token types or rule families (e.g. [private-key])',
    ]);
  });

  it('builds a scanner that leaves the named rules, with its own rule-set version', () => {
    const scannerFor = repoScanners({ rules: [], allowlist: [] });
    const all = scannerFor();
    const left = scannerFor({ leave: ['private-key'] });
    expect(all.rulesetVersion).to.equal(createScanner().rulesetVersion);
    expect(left.rulesetVersion).to.not.equal(all.rulesetVersion);
    expect(scannerFor({ leave: ['private-key'] })).to.equal(left);
    const key = Buffer.from(pemKey());
    expect(all.scan(key).map((f) => f.type)).to.deep.equal(['private-key']);
    expect(left.scan(key)).to.deep.equal([]);
    expect(left.rules.some((r) => r.type === 'private-key')).to.equal(false);
  });

  it('leaves a built-in detector by allowlisting its findings', () => {
    const value = Buffer.from('Qx7' + 'vR2mK9pL4wZ8nT5j').toString('base64');
    const secret = Buffer.from(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  credentials: ${value}\n`);
    const all = createScanner();
    const left = repoScanners({ rules: [], allowlist: [] })({ leave: ['kubernetes-secret'] });
    expect(all.scan(secret).map((f) => f.ruleId)).to.deep.equal(['kubernetes-secret']);
    expect(left.scan(secret)).to.deep.equal([]);
    expect(left.rules.length).to.equal(all.rules.length);
    expect(left.rulesetVersion).to.not.equal(all.rulesetVersion);
  });
});
