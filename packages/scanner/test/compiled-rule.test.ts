import { expect } from 'chai';
import { compileRule } from '../src/compiled-rule.js';
import type { Rule } from '../src/index.js';

const base: Rule = { id: 'r', type: 'x', description: 'd', keywords: ['k'], pattern: /k(?<secret>\d+)/, confidence: 'low' };

describe('compileRule', () => {
  it('uses the group named secret by default', () => {
    expect(compileRule(base).group).to.equal('secret');
  });

  it('uses the whole match when there is no secret group', () => {
    expect(compileRule({ ...base, pattern: /k\d+/ }).group).to.equal(0);
  });

  it('uses a numbered secret group that exists', () => {
    expect(compileRule({ ...base, pattern: /(k)(\d+)/, secretGroup: 2 }).group).to.equal(2);
  });

  it('adds g and d and drops y without touching the caller regex', () => {
    const pattern = /k\d/y;
    const c = compileRule({ ...base, pattern });
    expect(c.regex.flags).to.equal('dg');
    expect(c.regex).to.not.equal(pattern);
    expect(pattern.flags).to.equal('y');
  });

  it('drops g from allowlist regexes so test() keeps no state', () => {
    expect(compileRule({ ...base, allow: [/x/g] }).allow[0]!.flags).to.equal('');
  });

  const bad: Record<string, Partial<Rule>> = {
    'an empty id': { id: '' },
    'a type that cannot be a token slug': { type: 'GitHub PAT' },
    'no keywords': { keywords: [] },
    'an upper-case keyword': { keywords: ['AKIA'] },
    'a pattern that is not a RegExp': { pattern: 'k' as unknown as RegExp },
    'a missing named group': { secretGroup: 'value' },
    'a numbered group past the last': { pattern: /(k)/, secretGroup: 2 },
    'an unknown confidence': { confidence: 'certain' as Rule['confidence'] },
    'a negative minEntropy': { minEntropy: -1 },
    'an allowlist that is not regexes': { allow: ['x'] as unknown as RegExp[] },
  };
  for (const [name, patch] of Object.entries(bad)) {
    it(`throws TypeError for ${name}`, () => {
      expect(() => compileRule({ ...base, ...patch })).to.throw(TypeError);
    });
  }
});
