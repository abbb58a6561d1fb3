// Branch and tag globs: '*' within one component, '**' across them, everything else literal.
import { expect } from 'chai';
import { compileRefGlob, refGlobProblem } from '../src/index.js';

const matches = (glob: string, name: string): boolean => compileRefGlob(glob).test(name);

describe('ref globs', () => {
  it('matches * within one component only', () => {
    expect([matches('agent/*', 'agent/x'), matches('agent/*', 'agent/x/y'), matches('agent-*', 'agent-1'), matches('agent-*', 'agent-1/x')])
      .to.deep.equal([true, false, true, false]);
  });

  it('matches a trailing ** across one or more components, not the directory itself', () => {
    expect([matches('agent/**', 'agent/x'), matches('agent/**', 'agent/x/y'), matches('agent/**', 'agent'), matches('agent/**', 'agentX/y')])
      .to.deep.equal([true, true, false, false]);
  });

  it('matches a leading or middle ** across zero or more components', () => {
    expect([matches('**/wip', 'wip'), matches('**/wip', 'a/b/wip'), matches('**/wip', 'a/wipx')]).to.deep.equal([true, true, false]);
    expect([matches('a/**/b', 'a/b'), matches('a/**/b', 'a/x/y/b'), matches('a/**/b', 'ab')]).to.deep.equal([true, true, false]);
  });

  it('anchors the whole name and is case-sensitive, with regex characters literal', () => {
    expect([matches('agent', 'agent'), matches('agent', 'my-agent'), matches('agent', 'Agent'), matches('v1.0', 'v1x0'), matches('a+b', 'a+b')])
      .to.deep.equal([true, false, false, false, true]);
  });

  it('says why a glob cannot name refs, and nothing for a good one', () => {
    expect(refGlobProblem('agent/*')).to.equal(undefined);
    for (const bad of ['', 'refs/heads/agent/*', 'a b', 'a?', 'a[1]', 'a..b', 'a/', '/a', 'a//b', '.a', 'a.lock', 'a.', 'a**', '***', 'a@{1}']) {
      expect(refGlobProblem(bad), JSON.stringify(bad)).to.be.a('string');
    }
  });

  it('throws TypeError with the problem for a glob it refuses', () => {
    expect(() => compileRefGlob('refs/heads/x')).to.throw(TypeError, /without its refs\/heads\//);
  });
});
