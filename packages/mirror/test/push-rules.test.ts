// The push rules, without git: which ref updates a repository's push settings accept, and why not.
import { expect } from 'chai';
import { PushRules, type PushSettings, type RefDecision } from '../src/index.js';

const ZERO = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

const rules = (s: Partial<PushSettings> = {}): PushRules => new PushRules({ branches: ['agent/*'], ...s });
const update = (r: PushRules, ref: string, fastForward?: boolean): RefDecision => r.decide({ ref, oldId: A, newId: B, fastForward });
const create = (r: PushRules, ref: string): RefDecision => r.decide({ ref, oldId: ZERO, newId: B });
const remove = (r: PushRules, ref: string): RefDecision => r.decide({ ref, oldId: A, newId: ZERO });
const reason = (d: RefDecision): string | undefined => (d.ok ? undefined : d.reason);

describe('PushRules', () => {
  describe('branches', () => {
    it('accepts creating a branch that matches a branch glob', () => {
      expect(create(rules(), 'refs/heads/agent/fix-1')).to.deep.equal({ ok: true });
    });

    it('accepts a fast-forward of a matching branch', () => {
      expect(update(rules(), 'refs/heads/agent/fix-1', true)).to.deep.equal({ ok: true });
    });

    it('refuses a branch outside the globs with a sentence naming the ref and the globs', () => {
      expect(reason(update(rules({ branches: ['agent/*', '+bot/**'] }), 'refs/heads/main', true)))
        .to.equal('refs/heads/main is outside the branches this gateway accepts pushes to (agent/*, bot/**)');
    });

    it('refuses names that only look like a matching branch: agentX, agent itself, another case', () => {
      const r = rules();
      for (const ref of ['refs/heads/agentX', 'refs/heads/agent', 'refs/heads/agentX/y', 'refs/heads/Agent/x', 'refs/heads/AGENT/x', 'refs/heads/x/agent/y']) {
        expect(reason(create(r, ref)), ref).to.match(/is outside the branches/);
      }
    });

    it('keeps * within one component: agent/* does not match agent/x/y, agent/** does', () => {
      expect(reason(create(rules(), 'refs/heads/agent/x/y'))).to.match(/is outside the branches/);
      expect(create(rules({ branches: ['agent/**'] }), 'refs/heads/agent/x/y')).to.deep.equal({ ok: true });
      expect(reason(create(rules({ branches: ['agent/**'] }), 'refs/heads/agent'))).to.match(/is outside the branches/);
    });

    it('refuses a force push unless a matching glob starts with +', () => {
      expect(reason(update(rules(), 'refs/heads/agent/x', false))).to.equal('force push (non-fast-forward) is not allowed for this branch');
      expect(update(rules({ branches: ['+agent/*'] }), 'refs/heads/agent/x', false)).to.deep.equal({ ok: true });
      expect(update(rules({ branches: ['agent/**', '+agent/scratch-*'] }), 'refs/heads/agent/scratch-1', false)).to.deep.equal({ ok: true });
      expect(reason(update(rules({ branches: ['agent/**', '+agent/scratch-*'] }), 'refs/heads/agent/keep', false))).to.match(/^force push/);
    });

    it('decides everything but force while fastForward is not yet known', () => {
      expect(update(rules(), 'refs/heads/agent/x')).to.deep.equal({ ok: true });
      expect(reason(update(rules(), 'refs/heads/main'))).to.match(/is outside the branches/);
    });

    it('refuses deleting a branch unless deletes is set, and never one outside the globs', () => {
      expect(reason(remove(rules(), 'refs/heads/agent/x'))).to.equal('deleting refs is not allowed here');
      expect(remove(rules({ deletes: true }), 'refs/heads/agent/x')).to.deep.equal({ ok: true });
      expect(reason(remove(rules({ deletes: true }), 'refs/heads/main'))).to.match(/is outside the branches/);
    });
  });

  describe('tags', () => {
    it('refuses every tag when no tag glob is configured', () => {
      expect(reason(create(rules(), 'refs/tags/v1'))).to.equal('pushing tags is not allowed here');
    });

    it('accepts creating a matching tag and refuses one outside the tag globs', () => {
      const r = rules({ tags: ['agent-*'] });
      expect(create(r, 'refs/tags/agent-1')).to.deep.equal({ ok: true });
      expect(reason(create(r, 'refs/tags/v1'))).to.equal('refs/tags/v1 is outside the tags this gateway accepts pushes to');
    });

    it('refuses moving an existing tag unless its glob starts with +, whatever fastForward says', () => {
      expect(reason(update(rules({ tags: ['agent-*'] }), 'refs/tags/agent-1', true))).to.equal('moving an existing tag is not allowed here');
      expect(update(rules({ tags: ['+agent-*'] }), 'refs/tags/agent-1', false)).to.deep.equal({ ok: true });
    });

    it('refuses deleting a tag unless deletes is set', () => {
      expect(reason(remove(rules({ tags: ['agent-*'] }), 'refs/tags/agent-1'))).to.equal('deleting refs is not allowed here');
      expect(remove(rules({ tags: ['agent-*'], deletes: true }), 'refs/tags/agent-1')).to.deep.equal({ ok: true });
    });

    it('does not let a branch glob allow a tag of the same name, nor a tag glob a branch', () => {
      const r = rules({ branches: ['agent/*'], tags: ['release/*'] });
      expect(reason(create(r, 'refs/tags/agent/x'))).to.match(/outside the tags/);
      expect(reason(create(r, 'refs/heads/release/x'))).to.match(/outside the branches/);
    });
  });

  describe('other refs', () => {
    it('refuses every ref outside refs/heads/ and refs/tags/, even with a glob of **', () => {
      const r = rules({ branches: ['+**'], tags: ['+**'], deletes: true });
      for (const ref of ['refs/notes/commits', 'refs/replace/' + A, 'refs/pull/1/head', 'refs/original/refs/heads/main', 'HEAD', 'refs/heads', 'refs/headsX/agent/x']) {
        expect(reason(create(r, ref)), ref).to.equal('only branches (refs/heads/) and tags (refs/tags/) can be pushed here');
      }
    });

    it('refuses names git-check-ref-format refuses, even where ** would match them', () => {
      const r = rules({ branches: ['**'] });
      for (const ref of ['refs/heads/agent/../main', 'refs/heads/agent//x', 'refs/heads/agent/x/', 'refs/heads/agent/.x', 'refs/heads/agent/x.lock',
        'refs/heads/agent/x.', 'refs/heads/a b', 'refs/heads/a~1', 'refs/heads/a^', 'refs/heads/a:b', 'refs/heads/a*', 'refs/heads/a?', 'refs/heads/a[',
        'refs/heads/a\\b', 'refs/heads/a@{1}', 'refs/heads/a\x01', '/refs/heads/a', '']) {
        expect(reason(create(r, ref)), JSON.stringify(ref)).to.equal('is not a valid ref name');
      }
    });

    it('refuses an update whose ids are malformed or both zero', () => {
      const r = rules();
      expect(reason(r.decide({ ref: 'refs/heads/agent/x', oldId: 'HEAD', newId: B }))).to.match(/valid object ids/);
      expect(reason(r.decide({ ref: 'refs/heads/agent/x', oldId: A, newId: B.toUpperCase() }))).to.match(/valid object ids/);
      expect(reason(r.decide({ ref: 'refs/heads/agent/x', oldId: ZERO, newId: ZERO }))).to.match(/neither creates/);
    });

    it('takes sha256 object ids', () => {
      expect(rules().decide({ ref: 'refs/heads/agent/x', oldId: '0'.repeat(64), newId: 'c'.repeat(64) })).to.deep.equal({ ok: true });
    });
  });

  describe('settings', () => {
    it('refuses bad globs and malformed settings with a TypeError naming the entry', () => {
      expect(() => new PushRules({ branches: ['agent/*', 'refs/heads/x'] })).to.throw(TypeError, /^branches\[1\]: .*refs\/heads\//);
      expect(() => new PushRules({ branches: ['a', ''] })).to.throw(TypeError, /^branches\[1\]/);
      expect(() => new PushRules({ branches: ['+'] })).to.throw(TypeError, /^branches\[0\]/);
      expect(() => new PushRules({ branches: ['agent/**x'] })).to.throw(TypeError, /'\*\*'/);
      expect(() => new PushRules({ branches: ['a'], tags: ['v?'] })).to.throw(TypeError, /^tags\[0\]/);
      expect(() => new PushRules({ branches: 'agent/*' } as unknown as PushSettings)).to.throw(TypeError, /branches/);
      expect(() => new PushRules({ branches: [], deletes: 'yes' } as unknown as PushSettings)).to.throw(TypeError, /deletes/);
    });

    it('accepts nothing when no branch glob is given', () => {
      expect(reason(create(new PushRules({ branches: [] }), 'refs/heads/agent/x'))).to.match(/outside the branches this gateway accepts pushes to \(none\)/);
    });

    it('is not changed by later edits of the settings object', () => {
      const branches = ['agent/*'];
      const r = new PushRules({ branches });
      branches.push('**');
      expect(reason(create(r, 'refs/heads/main'))).to.match(/is outside the branches this gateway accepts pushes to \(agent\/\*\)$/);
    });
  });
});
