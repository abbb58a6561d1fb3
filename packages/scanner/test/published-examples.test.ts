import { expect } from 'chai';
import { createScanner, exampleDigest, isPublishedExample, PUBLISHED_EXAMPLE_DIGESTS } from '../src/index.js';
import { ALNUM, Fakes } from './fakes.js';

// The published-example list holds digests only; the values themselves never enter the repository,
// so these tests build fakes and check the mechanism, not the listed values.
describe('published examples', () => {
  const fakes = new Fakes(1212);
  const gcpKey = (): string => 'AI' + 'za' + fakes.chars(ALNUM + '_-', 35);

  it('lists SHA-256 hex digests only', () => {
    for (const d of PUBLISHED_EXAMPLE_DIGESTS) expect(d).to.match(/^[0-9a-f]{64}$/);
  });

  it('matches a value whose digest is listed, and only the exact value', () => {
    const key = gcpKey();
    const digests = new Set([exampleDigest(key)]);
    const lengths = new Set([key.length]);
    expect(isPublishedExample(key, digests, lengths)).to.equal(true);
    expect(isPublishedExample(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), digests, lengths)).to.equal(false);
    expect(isPublishedExample(key, digests, new Set([key.length + 1]))).to.equal(false);
  });

  it('lets every other key of a listed shape through to its rule', () => {
    const key = gcpKey();
    expect(isPublishedExample(key)).to.equal(false);
    const findings = createScanner().scan(Buffer.from(`firebase:\n  apiKey: "${key}"\n`));
    expect(findings.map((f) => f.ruleId)).to.include('gcp-api-key');
  });
});
