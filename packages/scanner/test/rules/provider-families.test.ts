import { expect } from 'chai';
import { createScanner, ruleFamilies, type Rule } from '../../src/index.js';
import { ALNUM, expectFindings, expectNone, Fakes, HEX } from '../fakes.js';

// The provider families that give a provider's type to keys the generic rule alone used to catch
// (issue 12): every rule has true examples in the labelled corpus; here, its hard negatives and the
// key syntaxes that provider names are met in.
describe('rules/finance and rules/developer-services', () => {
  const scanner = createScanner();
  const fakes = new Fakes(1299);
  const named = (id: string): Rule[] => Object.values(ruleFamilies).flat().filter((r) => r.id === id);
  const rules = [...ruleFamilies['finance']!, ...ruleFamilies['developer services']!, ...named('telegram-bot-token-named')];

  for (const rule of rules) {
    const kw = rule.keywords[0]!;
    it(`${rule.id}: flags no reference, call, placeholder or stand-in under its name`, () => {
      const name = kw.replace(/[^a-z0-9]/g, '_');
      const text = [
        `${name}_token = get_${name}_token()`,
        `${name}Token: process.env.${name.toUpperCase()}_TOKEN`,
        `${name}_api_key = "${'x'.repeat(40)}"`,
        `${name}_secret: "<your-${name}-secret>"`,
        `${name}_key = \${${name.toUpperCase()}_KEY}`,
        `if (${name}Count > limit) { ${name}.refreshToken(); }`,
        `<${name}Token>\n    {{ .Values.${name}.token }}\n</${name}Token>`,
      ].join('\n');
      const hits = scanner.scan(Buffer.from(text)).filter((f) => f.ruleId === rule.id);
      expect(hits.map((f) => text.slice(f.start, f.end))).to.deep.equal([]);
    });
  }

  describe('key syntaxes of a provider name', () => {
    const secret = fakes.chars(HEX, 64);
    const cases: Record<string, string> = {
      'a Go typed declaration': `var sentryToken string = "${secret}"`,
      'a Makefile ::= assignment': `SENTRY_TOKEN ::= "${secret}"`,
      'a Makefile :::= assignment': `SENTRY_TOKEN :::= "${secret}"`,
      'a Makefile ?= assignment': `SENTRY_TOKEN ?= "${secret}"`,
      'a PHP .= assignment': `$sentryToken .= "${secret}";`,
      'a key/value call pair': `System.setProperty("SENTRY_TOKEN", "${secret}")`,
      'an XML element with the value on its own line': `<sentryToken>\n    ${secret}\n</sentryToken>`,
      'an XML element on one line': `<sentryToken>${secret}</sentryToken>`,
    };
    for (const [syntax, text] of Object.entries(cases)) {
      it(`reports the value in ${syntax}`, () => {
        expectFindings(scanner, text + '\n', [{ ruleId: 'sentry-access-token', secret }]);
      });
    }

    it('does not take a comparison with a provider name as an XML element', () => {
      expectNone(scanner, `if datadog_lag > ${fakes.chars(ALNUM, 3)}_threshold: alert()\n`);
    });
  });

  it('gives a test-mode key of a provider with test keys its provider type', () => {
    const key = 'duffel' + '_test_' + fakes.chars(ALNUM, 43);
    expectFindings(scanner, `DUFFEL_TOKEN=${key}\n`, [{ ruleId: 'duffel-api-token', secret: key }]);
  });

  it('ignores a test-mode key whose body is a stand-in', () => {
    expectNone(scanner, `DUFFEL_TOKEN=${'duffel' + '_test_' + 'x'.repeat(43)}\n`);
  });

  it('reports an Infracost key but not an asset name fingerprinted with lower-case hex', () => {
    const key = 'ic' + 'o-' + fakes.chars(ALNUM, 32);
    expectFindings(scanner, `INFRACOST_API_KEY=${key}\n`, [{ ruleId: 'infracost-api-key', secret: key }]);
    expectNone(scanner, `<img src="/media/video_box.${'ic' + 'o-'}${fakes.chars(HEX, 32)}.png">\n`);
  });
});
