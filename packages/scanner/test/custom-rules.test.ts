import { expect } from 'chai';
import { compileAllowlistConfig, compileCustomRules, compileScannerConfig, createScanner } from '../src/index.js';
import { Fakes } from './fakes.js';

describe('custom rules and allowlists from config', () => {
  const fakes = new Fakes(8181);
  const good = { id: 'acme-api-key', type: 'acme-api-key', regex: '(?i)acme_key[ :=]+(?<secret>[0-9a-f]{32})', keywords: ['ACME_KEY'], minEntropy: 3, allow: ['^0+$'], paths: ['**/*.env'] };

  it('compiles a valid rule: inline (?i) flag, keywords lower-cased, defaults filled', () => {
    const { rules, problems } = compileCustomRules([good], 'scanner.rules');
    expect(problems).to.deep.equal([]);
    expect(rules[0]).to.include({ id: 'acme-api-key', confidence: 'high', minEntropy: 3 });
    expect(rules[0]!.pattern.flags).to.equal('i');
    expect(rules[0]!.keywords).to.deep.equal(['acme_key']);
    expect(rules[0]!.paths).to.deep.equal(['**/*.env']);
  });

  it('makes a scanner that finds the custom secret alongside the built-in rules', () => {
    const { rules } = compileCustomRules([good], 'scanner.rules');
    const key = fakes.chars('0123456789abcdef', 32);
    const gh = fakes.github('p');
    const found = createScanner({ extraRules: rules }).scan(Buffer.from(`ACME_KEY=${key}\nGH=${gh}\n`));
    expect(found.map((f) => f.ruleId)).to.deep.equal(['acme-api-key', 'github-pat']);
  });

  it('reports every problem with its config path', () => {
    const { rules, problems } = compileCustomRules(
      [
        good,
        { id: 'Bad Id', type: 'x', regex: 'x', keywords: ['x'] },
        { id: 'r2', type: 'UPPER', regex: '(unclosed', keywords: [] },
        { id: 'r3', type: 'ok', regex: '(a+)+$', keywords: ['a'] },
        { id: 'r4', type: 'ok', regex: 'k(\\d+)', secretGroup: 'value', keywords: ['k'], extra: 1 },
        { id: 'github-pat', type: 'ok', regex: 'x', keywords: ['x'] },
        { id: 'acme-api-key', type: 'ok', regex: 'x', keywords: ['x'], minEntropy: 11, allow: ['['] },
        'not a mapping',
      ],
      'scanner.rules',
    );
    expect(rules.map((r) => r.id)).to.deep.equal(['acme-api-key']);
    const has = (prefix: string, text: string): boolean => problems.some((p) => p.startsWith(prefix) && p.includes(text));
    expect(has('scanner.rules[1].id:', 'must match')).to.equal(true);
    expect(has('scanner.rules[2].type:', 'part of the token')).to.equal(true);
    expect(has('scanner.rules[2].regex:', 'invalid regular expression')).to.equal(true);
    expect(has('scanner.rules[2].keywords:', 'non-empty')).to.equal(true);
    expect(has('scanner.rules[3].regex:', 'catastrophically')).to.equal(true);
    expect(has('scanner.rules[4].extra:', 'unknown key')).to.equal(true);
    expect(has('scanner.rules[5].id:', 'built-in')).to.equal(true);
    expect(has('scanner.rules[6].id:', 'another custom rule')).to.equal(true);
    expect(has('scanner.rules[6].minEntropy:', '0 to 8')).to.equal(true);
    expect(has('scanner.rules[6].allow[0]:', 'invalid regular expression')).to.equal(true);
    expect(has('scanner.rules[7]:', 'mapping')).to.equal(true);
  });

  it('reports a secretGroup that the regex does not have', () => {
    const { problems } = compileCustomRules([{ id: 'r', type: 't', regex: 'k(\\d+)', secretGroup: 'value', keywords: ['k'] }], 'scanner.rules');
    expect(problems).to.deep.equal(['scanner.rules[0]: pattern has no group named value']);
  });

  it('accepts no rules and rejects a non-list', () => {
    expect(compileCustomRules(undefined, 'scanner.rules')).to.deep.equal({ rules: [], problems: [] });
    expect(compileCustomRules({}, 'scanner.rules').problems).to.deep.equal(['scanner.rules: must be a list of rules']);
  });

  it('validates allowlist entries, including unknown rule ids', () => {
    const { allowlist, problems } = compileAllowlistConfig(
      [{ regex: '^test-', rules: ['generic-secret-assignment'] }, { paths: ['**/*.lock'] }, { description: 'nothing' }, { regex: '(', rules: ['no-such-rule'] }],
      'scanner.allowlist',
    );
    expect(allowlist).to.have.length(2);
    expect(problems).to.include('scanner.allowlist[2]: needs a regex or paths');
    expect(problems.some((p) => p.startsWith('scanner.allowlist[3].regex: invalid regular expression'))).to.equal(true);
    expect(problems).to.include('scanner.allowlist[3].rules: unknown rule id no-such-rule');
  });

  it('validates a whole scanner section, letting allowlist entries name custom rules', () => {
    const out = compileScannerConfig({ rules: [good], allowlist: [{ regex: '^0', rules: ['acme-api-key'] }], extra: true }, 'scanner');
    expect(out.rules).to.have.length(1);
    expect(out.allowlist).to.have.length(1);
    expect(out.problems).to.deep.equal(['scanner.extra: unknown key (allowed: rules, allowlist)']);
  });
});

describe('global allowlist', () => {
  const fakes = new Fakes(8282);

  it('drops findings whose secret matches a regex entry', () => {
    const t = fakes.github('p');
    const scanner = createScanner({ allowlist: [{ regex: new RegExp(`^${t}$`) }] });
    expect(scanner.scan(Buffer.from(`a=${t}\nb=${fakes.github('p')}\n`))).to.have.length(1);
  });

  it('limits an entry to its rule ids', () => {
    const pw = fakes.password();
    const scanner = createScanner({ allowlist: [{ regex: /.*/, ruleIds: ['url-password'] }] });
    expect(scanner.scan(Buffer.from(`password: ${pw}\nurl: https://u:${fakes.password()}@h.internal/\n`)).map((f) => f.ruleId)).to.deep.equal(['generic-secret-unquoted']);
  });

  it('applies a path entry only with a path hint, to the file name', () => {
    const text = Buffer.from(`t=${fakes.github('p')}\n`);
    const scanner = createScanner({ allowlist: [{ paths: ['fixture-*.env'] }] });
    expect(scanner.scan(text, { path: 'test/fixture-a.env' })).to.deep.equal([]);
    expect(scanner.scan(text, { path: 'src/a.env' })).to.have.length(1);
    expect(scanner.scan(text)).to.have.length(1);
  });

  it('refuses a path entry that names a directory, saying paths are file names', () => {
    const { problems } = compileAllowlistConfig([{ paths: ['test/fixtures/**'] }], 'scanner.allowlist');
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^scanner\.allowlist\[0\]\.paths\[0\]: "test\/fixtures\/\*\*" names a directory: paths are matched against file names/);
    expect(() => createScanner({ allowlist: [{ paths: ['test/fixtures/**'] }] })).to.throw(TypeError, /names a directory/);
  });

  it('applies inside decoded content too', () => {
    const t = fakes.github('p');
    const b64 = Buffer.from(`TOKEN=${t}\n`).toString('base64');
    expect(createScanner({ allowlist: [{ regex: new RegExp(t) }] }).scan(Buffer.from(`x: ${b64}\n`))).to.deep.equal([]);
  });

  it('throws TypeError for an entry with neither regex nor paths', () => {
    expect(() => createScanner({ allowlist: [{ description: 'x' }] })).to.throw(TypeError);
  });
});
