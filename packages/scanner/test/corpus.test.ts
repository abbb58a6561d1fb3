import { expect } from 'chai';
import type * as Corpus from '../../../fixtures/secrets-corpus.mjs';
import { builtinDetectors, createScanner, defaultRules } from '../src/index.js';
import { Fakes, tokenize } from './fakes.js';

const fixtures = new URL('../../../../fixtures/', import.meta.url); // from dist/test/
const { buildSecretsCorpus, scoreSample } = (await import(new URL('secrets-corpus.mjs', fixtures).href)) as typeof Corpus;

// The labelled corpus (fixtures/secrets-corpus.mjs): true examples of every rule in several
// syntaxes and hard negatives, generated from parts at test time.
describe('labelled corpus', () => {
  const { positives, negatives } = buildSecretsCorpus();
  const scanner = createScanner();
  const contentRuleIds = [...defaultRules.map((r) => r.id), ...builtinDetectors.filter((d) => d.pathHintOnly !== true).map((d) => d.id)];

  it('covers at least 150 rule types', () => {
    expect(contentRuleIds.length).to.be.at.least(150);
  });

  it('has at least 3 true examples of every rule and detector', () => {
    const count = new Map<string, number>();
    for (const p of positives) for (const s of p.secrets) count.set(s.ruleId, (count.get(s.ruleId) ?? 0) + 1);
    expect(contentRuleIds.filter((id) => (count.get(id) ?? 0) < 3)).to.deep.equal([]);
  });

  it('writes examples in JSON, YAML, .env, INI, code, URL, minified JS and CRLF files', () => {
    const syntaxes = new Set(positives.map((p) => p.syntax));
    for (const s of ['json', 'yaml', 'env', 'ini-crlf', 'code', 'url-query', 'minified', 'crlf-neutral', 'toml', 'properties']) expect(syntaxes, s).to.include(s);
  });

  it('has at least 150 hard negatives', () => {
    expect(negatives.length).to.be.at.least(150);
  });

  it('is deterministic for a seed and varies with it', () => {
    const again = buildSecretsCorpus();
    expect(again.positives.map((p) => p.content.toString('base64'))).to.deep.equal(positives.map((p) => p.content.toString('base64')));
    expect(buildSecretsCorpus({ seed: 2 }).positives[0]!.content.equals(positives[0]!.content)).to.equal(false);
  });

  it('finds at least 97% of the labelled secrets (covering their spans)', () => {
    let secrets = 0;
    let caught = 0;
    const missed: string[] = [];
    for (const p of positives) {
      const score = scoreSample(p, scanner.scan(p.content));
      secrets += score.secrets;
      caught += score.caught;
      if (score.caught < score.secrets) missed.push(p.id);
    }
    expect(caught / secrets, `missed: ${missed.join(', ')}`).to.be.at.least(0.97);
  });

  it('reports the exact span of every labelled secret and nothing else in the positives', () => {
    const off: string[] = [];
    for (const p of positives) {
      const score = scoreSample(p, scanner.scan(p.content));
      if (score.exact < score.secrets || score.falsePositives > 0) off.push(p.id);
    }
    expect(off).to.deep.equal([]);
  });

  it('flags no hard negative', () => {
    const flagged = negatives.filter((n) => scanner.scan(n.content).length > 0).map((n) => n.id);
    expect(flagged).to.deep.equal([]);
  });

  it('finds every seed-2 secret too (the rules are not fitted to one draw)', () => {
    const other = buildSecretsCorpus({ seed: 2 });
    const missed = other.positives.filter((p) => scoreSample(p, scanner.scan(p.content)).caught < p.secrets.length).map((p) => p.id);
    expect(missed.length / other.positives.length).to.be.below(0.03);
  });

  it('finds nothing in the corpus once its findings are tokenized (idempotent)', () => {
    const fakes = new Fakes(9191);
    const left = positives.filter((p) => scanner.scan(tokenize(scanner, p.content, fakes)).length > 0).map((p) => p.id);
    expect(left).to.deep.equal([]);
  });

  it('gives the same findings for the concatenated corpus whatever the rule order', () => {
    const all = Buffer.concat(positives.map((p) => p.content));
    expect(createScanner({ rules: [...defaultRules].reverse() }).scan(all)).to.deep.equal(scanner.scan(all));
  });
});
