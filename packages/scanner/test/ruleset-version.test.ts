import { expect } from 'chai';
import { createScanner, defaultRules, type Rule } from '../src/index.js';

const extra: Rule = { id: 'zz-extra', type: 'extra', description: 'd', keywords: ['zz'], pattern: /zz\d{8}/, confidence: 'low' };

describe('rulesetVersion', () => {
  it('is 16 lower-case hex chars', () => {
    expect(createScanner().rulesetVersion).to.match(/^[0-9a-f]{16}$/);
  });

  it('is stable across two createScanner() calls', () => {
    expect(createScanner().rulesetVersion).to.equal(createScanner().rulesetVersion);
  });

  it('changes when a rule is added', () => {
    expect(createScanner({ rules: [...defaultRules, extra] }).rulesetVersion).to.not.equal(createScanner().rulesetVersion);
  });

  it('changes when a rule pattern changes', () => {
    const a = createScanner({ rules: [extra] }).rulesetVersion;
    const b = createScanner({ rules: [{ ...extra, pattern: /zz\d{9}/ }] }).rulesetVersion;
    expect(a).to.not.equal(b);
  });

  it('changes when a keyword, the entropy floor or the allowlist changes', () => {
    const versions = new Set(
      [extra, { ...extra, keywords: ['zz', 'yy'] }, { ...extra, minEntropy: 2 }, { ...extra, allow: [/0{8}/] }].map(
        (r) => createScanner({ rules: [r] }).rulesetVersion,
      ),
    );
    expect(versions.size).to.equal(4);
  });

  it('does not depend on rule order', () => {
    expect(createScanner({ rules: [...defaultRules].reverse() }).rulesetVersion).to.equal(createScanner().rulesetVersion);
  });

  it('changes when custom rules are added with extraRules', () => {
    expect(createScanner({ extraRules: [extra] }).rulesetVersion).to.not.equal(createScanner().rulesetVersion);
  });

  it('changes when the global allowlist changes', () => {
    const a = createScanner({ allowlist: [{ regex: /^test-/ }] }).rulesetVersion;
    const b = createScanner({ allowlist: [{ regex: /^test-/, ruleIds: ['jwt'] }] }).rulesetVersion;
    expect(new Set([createScanner().rulesetVersion, a, b]).size).to.equal(3);
  });

  it('changes when an engine setting that can change findings changes', () => {
    const versions = [{}, { chunkBytes: 1 << 22 }, { chunkOverlap: 1 << 10 }, { maxDecodeDepth: 1 }].map((o) => createScanner(o).rulesetVersion);
    expect(new Set(versions).size).to.equal(4);
  });

  it('does not change with maxBytes (it only decides whether to scan)', () => {
    expect(createScanner({ maxBytes: 1024 }).rulesetVersion).to.equal(createScanner().rulesetVersion);
  });

  it('changes when a rule reach changes', () => {
    const a = createScanner({ rules: [{ ...extra, reach: 20 }] }).rulesetVersion;
    const b = createScanner({ rules: [{ ...extra, reach: 20, reachBack: 0 }] }).rulesetVersion;
    expect(a).to.not.equal(b);
  });
});
