// RepoSet: the served repositories and their push settings, which a reload replaces without a new mirror.
import { expect } from 'chai';
import type { RepoMirror } from '@gitgate/mirror';
import { RepoSet, pushChanges, type GatewayRepo } from '../src/repo-set.js';

/** A mirror stand-in: RepoSet stores what the factory returns and, at start only, sweeps its push quarantines. */
const mirrors = (): { made: string[]; swept: string[]; mirrorFor: (r: GatewayRepo) => RepoMirror } => {
  const made: string[] = [];
  const swept: string[] = [];
  return { made, swept, mirrorFor: (r) => { made.push(r.name); return { name: r.name, removeStalePushes: () => { swept.push(r.name); return 0; } } as unknown as RepoMirror; } };
};
const repo = (name: string, push?: GatewayRepo['push']): GatewayRepo => ({ name, upstream: { url: `/srv/git/${name}.git` }, ...(push ? { push } : {}) });

describe('RepoSet: push settings', () => {
  it('has push settings for a repository with a push block and none for a read-only or unknown one', () => {
    const set = new RepoSet([repo('a/rw', { branches: ['agent/*'] }), repo('a/ro')], mirrors().mirrorFor);
    expect([set.pushSettingsOf('a/rw'), set.pushSettingsOf('a/ro'), set.pushSettingsOf('a/none')]).to.deep.equal([{ branches: ['agent/*'] }, undefined, undefined]);
  });

  it('applies changed push settings on reload without a new mirror or a changed repository', () => {
    const m = mirrors();
    const set = new RepoSet([repo('a/rw', { branches: ['agent/*'] })], m.mirrorFor);
    const mirror = set.mirrors.get('a/rw');
    const changes = set.apply([repo('a/rw', { branches: ['+agent/**'], deletes: true })]);
    expect(changes).to.deep.equal({ added: [], changed: [], removed: [] });
    expect(set.mirrors.get('a/rw')).to.equal(mirror);
    expect(m.made).to.deep.equal(['a/rw']);
    expect(set.pushSettingsOf('a/rw')).to.deep.equal({ branches: ['+agent/**'], deletes: true });
    // Quarantines are swept once, at start: a reload must not remove a push in flight.
    set.apply([repo('a/rw', { branches: ['agent/*'] }), repo('a/new')]);
    expect(m.swept).to.deep.equal(['a/rw']);
  });

  it('makes a repository read-only when a reload drops its push block, and forgets a removed one', () => {
    const set = new RepoSet([repo('a/rw', { branches: ['agent/*'] }), repo('a/gone', { branches: ['agent/*'] })], mirrors().mirrorFor);
    set.apply([repo('a/rw')]);
    expect([set.pushSettingsOf('a/rw'), set.pushSettingsOf('a/gone')]).to.deep.equal([undefined, undefined]);
  });

  it('refuses malformed push settings with a TypeError naming the repository, and a reload with them changes nothing', () => {
    expect(() => new RepoSet([repo('a/rw', { branches: ['refs/heads/x'] })], mirrors().mirrorFor)).to.throw(TypeError, /^push settings of a\/rw: branches\[0\]/);
    const set = new RepoSet([repo('a/rw', { branches: ['agent/*'] })], mirrors().mirrorFor);
    expect(() => set.apply([repo('a/new'), repo('a/rw', { branches: ['a b'] })])).to.throw(TypeError, /a\/rw/);
    expect([[...set.mirrors.keys()], set.pushSettingsOf('a/rw')]).to.deep.equal([['a/rw'], { branches: ['agent/*'] }]);
  });

  it('keeps a frozen copy the caller cannot change afterwards', () => {
    const branches = ['agent/*'];
    const set = new RepoSet([repo('a/rw', { branches })], mirrors().mirrorFor);
    branches.push('**');
    const s = set.pushSettingsOf('a/rw')!;
    expect(s.branches).to.deep.equal(['agent/*']);
    expect(Object.isFrozen(s) && Object.isFrozen(s.branches)).to.equal(true);
  });

  it('names the repositories whose push settings a reload changed, null for the ones made read-only', () => {
    const before = new Map([['a/same', { branches: ['agent/*'] }], ['a/ro', { branches: ['agent/*'] }], ['a/more', { branches: ['agent/*'] }]]);
    const after = new Map([['a/same', { branches: ['agent/*'] }], ['a/more', { branches: ['agent/*'], deletes: true }], ['a/new', { branches: ['x'] }]]);
    expect(pushChanges(before, after)).to.deep.equal({ 'a/ro': null, 'a/more': { branches: ['agent/*'], deletes: true }, 'a/new': { branches: ['x'] } });
  });
});
