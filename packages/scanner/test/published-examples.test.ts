import { expect } from 'chai';
import { createScanner, KnownSecrets, matchableBare } from '../src/index.js';
import { isPublishedExample, PUBLISHED_EXAMPLE_FINGERPRINTS } from '../src/rules/published-examples.js';
import { ALNUM, Fakes } from './fakes.js';

// Published examples, built from parts at run time (no secret-shaped literal in the repository):
// the access token of RFC 6749 §4.2.2 / §5.1 and the MAC key identifier of the OAuth MAC draft.
const RFC6749_ACCESS_TOKEN = ['2Yot', 'nFZF', 'Ejr1', 'zCsi', 'cMWp', 'AA'].join('');
const MAC_ID = ['h480', 'djs9', '3hd8'].join('');

describe('published documentation examples', () => {
  const scanner = createScanner();
  const fakes = new Fakes(5849);
  const secrets = (text: string): string[] => scanner.scan(Buffer.from(text), { path: 'oauth2/parameters.py' }).map((f) => text.slice(f.start, f.end));

  it('holds distinct SHA-256 fingerprints only', () => {
    expect(PUBLISHED_EXAMPLE_FINGERPRINTS.every((h) => /^[0-9a-f]{64}$/.test(h))).to.equal(true);
    expect(new Set(PUBLISHED_EXAMPLE_FINGERPRINTS).size).to.equal(PUBLISHED_EXAMPLE_FINGERPRINTS.length);
    expect(isPublishedExample(RFC6749_ACCESS_TOKEN)).to.equal(true);
    expect(isPublishedExample(RFC6749_ACCESS_TOKEN.slice(1))).to.equal(false);
  });

  it('ignores a published example where a rule would report it, and reports a value of the same shape', () => {
    const fake = fakes.chars(ALNUM, 22);
    const doc = (v: string): string => `    Location: http://example.com/cb#access_token=${v}\n    token = "${v}"\n`;
    expect(secrets(doc(RFC6749_ACCESS_TOKEN))).to.deep.equal([]);
    expect(secrets(doc(fake))).to.not.deep.equal([]);
  });

  it('never makes a published example a known secret', () => {
    expect(matchableBare(Buffer.from(MAC_ID))).to.equal(false);
    const known = new KnownSecrets([{ type: 'generic-secret', secret: Buffer.from(MAC_ID) }]);
    expect(known.size).to.equal(0);
    expect(known.find(Buffer.from(`Authorization: MAC id="${MAC_ID}",\n`))).to.deep.equal([]);
    const fake = fakes.chars(ALNUM, 8) + '93';
    expect(matchableBare(Buffer.from(fake))).to.equal(true);
  });
});

describe('public-by-design values', () => {
  const fakes = new Fakes(1212);

  it('lets every other key of a listed shape through to its rule', () => {
    const key = 'AI' + 'za' + fakes.chars(ALNUM + '_-', 35);
    expect(isPublishedExample(key)).to.equal(false);
    const findings = createScanner().scan(Buffer.from(`firebase:\n  apiKey: "${key}"\n`));
    expect(findings.map((f) => f.ruleId)).to.include('gcp-api-key');
  });
});
