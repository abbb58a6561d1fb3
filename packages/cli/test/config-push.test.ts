// repos[].push: who may push to which refs; validated once, every bad key reported with its path.
import { expect } from 'chai';
import { noopLogger } from '@gitgate/log';
import { validateConfig } from '../src/index.js';
import { servedBy, gatewayRepos } from '../src/exposed-repos.js';
import { problemsOf as problemsAt } from './config-helpers.js';

const BASE = '/srv/gitgate';
const problemsOf = (raw: unknown): string[] => problemsAt(raw, BASE);
const OIDC = { mode: 'oidc', issuer: 'https://issuer.example.test', audience: 'gitgate' };

function config(push: unknown, auth: object = { mode: 'none' }): Record<string, unknown> {
  const oidc = (auth as { mode: string }).mode === 'oidc';
  return {
    listen: oidc ? '0.0.0.0:8080' : '127.0.0.1:8080', dataDir: '/var/lib/gitgate', auth,
    repos: [{ name: 'acme/api', upstream: '/srv/git/api.git', ...(oidc ? { readers: ['agents'] } : {}), ...(push === undefined ? {} : { push }) }],
  };
}

describe('repos[].push', () => {
  it('leaves a repository without a push block read-only: no push settings, no writers', () => {
    const r = validateConfig(config(undefined), BASE).repos[0]!;
    expect([r.push, r.writers]).to.deep.equal([undefined, undefined]);
  });

  it('takes writers, branch and tag globs and deletes, and hands the writers to the policy', async () => {
    const c = validateConfig(config({ writers: ['agents'], branches: ['agent/*', '+agent/scratch/**'], tags: ['agent-*'], deletes: true }, OIDC), BASE);
    expect(c.repos[0]!.push).to.deep.equal({ branches: ['agent/*', '+agent/scratch/**'], tags: ['agent-*'], deletes: true });
    const served = await servedBy(c, noopLogger);
    expect(served.policy.repos).to.deep.equal([{ name: 'acme/api', readers: ['agents'], writers: ['agents'] }]);
    expect(served.repos[0]!.push).to.deep.equal({ branches: ['agent/*', '+agent/scratch/**'], tags: ['agent-*'], deletes: true });
  });

  it('leaves tags and deletes out when not given or empty (no tags, no deletions)', () => {
    expect(validateConfig(config({ branches: ['agent/*'] }), BASE).repos[0]!.push).to.deep.equal({ branches: ['agent/*'] });
    expect(validateConfig(config({ branches: ['agent/*'], tags: [], deletes: false }), BASE).repos[0]!.push).to.deep.equal({ branches: ['agent/*'] });
  });

  it('carries requireApproval into the push settings with auth mode oidc', () => {
    expect(validateConfig(config({ writers: ['agents'], branches: ['agent/*'], requireApproval: true }, OIDC), BASE).repos[0]!.push).to.deep.equal({ branches: ['agent/*'], requireApproval: true });
    expect(validateConfig(config({ writers: ['agents'], branches: ['agent/*'], requireApproval: false }, OIDC), BASE).repos[0]!.push).to.deep.equal({ branches: ['agent/*'] });
  });

  it('refuses requireApproval that is not a boolean, or that has no approvers (auth mode none)', () => {
    expect(problemsOf(config({ writers: ['agents'], branches: ['agent/*'], requireApproval: 'yes' }, OIDC))).to.deep.equal(['repos[0].push.requireApproval: must be true or false']);
    expect(problemsOf(config({ branches: ['agent/*'], requireApproval: true }))).to.deep.equal(['repos[0].push.requireApproval: needs auth mode oidc (the detokenize approvers allow held pushes)']);
  });

  it('requires non-empty writers with auth mode oidc', () => {
    expect(problemsOf(config({ branches: ['agent/*'] }, OIDC))).to.deep.equal(['repos[0].push.writers: required with auth mode oidc (the groups that may push), at least one']);
    expect(problemsOf(config({ writers: [], branches: ['agent/*'] }, OIDC))).to.deep.equal(['repos[0].push.writers: required with auth mode oidc (the groups that may push), at least one']);
  });

  it('does not ask for writers in auth mode none, and takes them without a problem when given', () => {
    expect(validateConfig(config({ branches: ['agent/*'] }), BASE).repos[0]!.writers).to.deep.equal([]);
    expect(validateConfig(config({ writers: ['agents'], branches: ['agent/*'] }), BASE).repos[0]!.push).to.deep.equal({ branches: ['agent/*'] });
  });

  it('requires a non-empty branches list', () => {
    expect(problemsOf(config({}))).to.deep.equal(['repos[0].push.branches: required (the branch globs agents may push to, e.g. ["agent/*"])']);
    expect(problemsOf(config({ branches: [] }))[0]).to.match(/^repos\[0\]\.push\.branches: must be a non-empty list of branch name globs/);
    expect(problemsOf(config({ branches: 'agent/*' }))[0]).to.match(/^repos\[0\]\.push\.branches: must be a non-empty list/);
  });

  it('reports every bad glob, unknown key and malformed value together, each with its path', () => {
    const p = problemsOf(config({ branches: ['agent/*', 'refs/heads/main', '+a b'], tags: ['v?'], deletes: 'yes', force: true, writers: 'agents' }));
    expect(p.map((x) => x.split(':')[0])).to.deep.equal([
      'repos[0].push.force', 'repos[0].push.writers', 'repos[0].push.branches[1]', 'repos[0].push.branches[2]', 'repos[0].push.tags[0]', 'repos[0].push.deletes',
    ]);
    expect(p[2]).to.include('without its refs/heads/ or refs/tags/ prefix');
  });

  it('refuses a push block that is not a mapping', () => {
    expect(problemsOf(config(['agent/*']))).to.deep.equal(['repos[0].push: must be a mapping']);
  });

  it('takes a push block for every repository of a GitHub organisation', () => {
    const raw = { ...config(undefined), repos: [{ github: { org: 'acme', auth: { token: 'env:GH' } }, push: { branches: ['agent/*'], writers: ['agents'] } }] };
    const c = validateConfig(raw, BASE, 'config', { GH: 'from-the-environment' });
    expect([c.github[0]!.push, c.github[0]!.writers]).to.deep.equal([{ branches: ['agent/*'] }, ['agents']]);
    expect(problemsOf({ ...raw, repos: [{ ...raw.repos[0], push: { branches: ['..'] } }] })[0]).to.match(/^repos\[0\]\.push\.branches\[0\]: /);
  });

  it('gives the gateway the push settings of each repository, and none to a read-only one', () => {
    const c = validateConfig({ ...config(undefined), repos: [{ name: 'a/rw', upstream: '/a', push: { branches: ['agent/*'] } }, { name: 'a/ro', upstream: '/b' }] }, BASE);
    const repos = gatewayRepos(c, c.repos);
    expect(repos.map((r) => [r.name, r.push])).to.deep.equal([['a/rw', { branches: ['agent/*'] }], ['a/ro', undefined]]);
  });
});
