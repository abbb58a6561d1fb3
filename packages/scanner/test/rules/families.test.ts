import { expect } from 'chai';
import { builtinDetectors, defaultRules, ruleFamilies } from '../../src/index.js';
import { ALNUM, expectRulesFast, Fakes } from '../fakes.js';

/** Text of about `n` bytes made by repeating `unit`. */
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

// Hostile inputs shaped for each family's own keywords: dense keyword hits (every window
// overlapping), one keyword followed by a token body that never ends, and keywords glued to
// separators. scanner.test.ts runs the generic hostile inputs per family.
describe('rule families', () => {
  const fakes = new Fakes(1212);

  it('has unique rule ids across families and detectors', () => {
    const ids = [...defaultRules.map((r) => r.id), ...builtinDetectors.map((d) => d.id)];
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('gives every rule a description, keywords in lower case and a bounded reach or none', () => {
    for (const r of defaultRules) {
      expect(r.description.length, r.id).to.be.greaterThan(5);
      expect(r.keywords.every((k) => k === k.toLowerCase()), r.id).to.equal(true);
      if (r.reach !== undefined) expect(r.reach, r.id).to.be.below(40_000);
    }
  });

  for (const [family, rules] of Object.entries(ruleFamilies)) {
    const keywords = [...new Set(rules.flatMap((r) => r.keywords))];
    describe(family, () => {
      it('scans 512 KB of dense keyword hits quickly', () => {
        const unit = keywords.map((k) => `${k}${fakes.chars(ALNUM, 12)}=`).join(' ');
        expectRulesFast(rules, fill(unit + '\n', 512 * 1024));
      });

      it('scans a keyword followed by 512 KB of token characters quickly', () => {
        expectRulesFast(rules, keywords.map((k) => k + fill('aB3_-', 512 * 1024 / keywords.length)).join(''));
      });

      it('scans keywords glued to separators and quotes quickly', () => {
        expectRulesFast(rules, fill(keywords.map((k) => `${k}:"${k}='`).join(''), 512 * 1024));
      });
    });
  }
});
