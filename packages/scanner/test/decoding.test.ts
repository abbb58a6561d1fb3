import { expect } from 'chai';
import { createScanner } from '../src/index.js';
import { ALNUM, BASE64, byteSpan, expectFindings, expectNone, Fakes, tokenize } from './fakes.js';

describe('decoding encoded wrappers', () => {
  const scanner = createScanner();
  const fakes = new Fakes(4242);

  it('reports a base64 run whose decoded text holds a token, spanning the whole run', () => {
    const b64 = Buffer.from(`GITHUB_TOKEN=${fakes.github('p')}\n`).toString('base64');
    expectFindings(scanner, `bootstrap: ${b64}\n`, [{ ruleId: 'github-pat', secret: b64, via: 'base64' }]);
  });

  it('reports a hex run whose decoded text holds a password assignment', () => {
    const hex = Buffer.from(`password=${fakes.password(18)}`).toString('hex');
    expectFindings(scanner, JSON.stringify({ blob: hex }), [{ ruleId: 'generic-secret-unquoted', secret: hex, via: 'hex' }]);
  });

  it('reports a percent-encoded URL with a password as the encoded run', () => {
    const enc = encodeURIComponent(`postgres://app:${fakes.password()}@db.internal/app`);
    expectFindings(scanner, `https://app.internal/setup?dsn=${enc}&x=1\n`, [{ ruleId: 'url-password', secret: enc, via: 'percent' }]);
  });

  it('peels two encodings (hex of base64) and names both', () => {
    const inner = Buffer.from(`aws_secret_access_key = ${fakes.awsSecret()}`).toString('base64');
    const hex = Buffer.from(inner).toString('hex');
    expectFindings(scanner, `SEED=${hex}\n`, [{ ruleId: 'aws-secret-access-key', secret: hex, via: 'hex>base64' }]);
  });

  it('peels base64 nested three levels deep', () => {
    const inner = `token: ${fakes.github('p')}`;
    const b3 = [1, 2, 3].reduce((s) => Buffer.from(s).toString('base64'), inner);
    expectFindings(scanner, `x=${b3}\n`, [{ ruleId: 'github-pat', secret: b3, via: 'base64>base64>base64' }]);
  });

  it('stops at the decode depth (four encodings deep is not peeled by default)', () => {
    const b1 = Buffer.from(`token: ${fakes.github('p')}`).toString('base64');
    const hex = Buffer.from(Buffer.from(Buffer.from(b1).toString('base64')).toString('base64')).toString('hex');
    expectNone(scanner, `x=${hex}\n`);
    expect(createScanner({ maxDecodeDepth: 4 }).scan(Buffer.from(`x=${hex}\n`))).to.have.length(1);
  });

  it('decodes JSON \\u escapes that hide a token prefix', () => {
    const pat = fakes.github('p');
    const escaped = '\\u0067' + pat.slice(1);
    expectFindings(scanner, `{"token": "${escaped}"}\n`, [{ ruleId: 'github-pat', secret: escaped, via: 'json-escape' }]);
  });

  it('decodes a single percent escape that hides a token prefix', () => {
    const pat = fakes.github('p');
    const escaped = pat.slice(0, 3) + '%5F' + pat.slice(4);
    expectFindings(scanner, `https://ci.internal/hook?t=${escaped}\n`, [{ ruleId: 'github-pat', secret: escaped, via: 'percent' }]);
  });

  it('ignores JSON escapes and single percent escapes of plain text', () => {
    expectNone(scanner, '{"name": "Caf\\u00e9 du Monde", "path": "a%20b/c%2Fd"}\n');
  });

  it('does not decode at depth 0', () => {
    const b64 = Buffer.from(`GITHUB_TOKEN=${fakes.github('p')}\n`).toString('base64');
    expect(createScanner({ maxDecodeDepth: 0 }).scan(Buffer.from(`x: ${b64}\n`))).to.deep.equal([]);
  });

  it('finds a secret inside an inline source map', () => {
    const map = Buffer.from(JSON.stringify({ version: 3, sourcesContent: [`const t = "${fakes.slack()}";`], mappings: 'AAAA' })).toString('base64');
    const text = `x();\n//# sourceMappingURL=data:application/json;base64,${map}\n`;
    expectFindings(scanner, text, [{ ruleId: 'slack-token', secret: map, via: 'base64' }]);
  });

  it('ignores base64 of clean text, images and random bytes', () => {
    expectNone(scanner, `config: ${Buffer.from('log_level: info\nworkers: 4\n').toString('base64')}\n`);
    expectNone(scanner, `url(data:image/png;base64,${fakes.chars(BASE64, 3000)})`);
  });

  it('reports the run once even when a rule also matches its text', () => {
    const b64 = Buffer.from(`api_key=${fakes.chars(ALNUM, 30)}`).toString('base64');
    const text = `password: ${b64}\n`;
    // What any one kind of file gets: the run once (candidates of an unhinted scan may overlap where
    // kinds decide between them; a selection never does).
    const found = scanner.scan(Buffer.from(text), { kind: 'unknown' });
    expect(found).to.have.length(1);
    expect(scanner.scan(Buffer.from(text), { kind: 'code' })).to.have.length(1);
    expect(found[0]).to.include(byteSpan(text, b64));
  });

  it('finds nothing once the run is replaced by a gateway token (idempotent)', () => {
    const b64 = Buffer.from(`GITHUB_TOKEN=${fakes.github('p')}\n`).toString('base64');
    const once = tokenize(scanner, Buffer.from(`x: ${b64}\n`), fakes);
    expect(scanner.scan(once)).to.deep.equal([]);
  });
});
