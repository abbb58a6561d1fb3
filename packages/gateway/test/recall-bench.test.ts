// scripts/recall-gitleaks.mjs's counting machinery (scripts/lib/gitleaks-port.mjs, go-subset.mjs,
// recall-negatives.mjs) on inputs built here: gitleaks's rules are ported whole, negatives that
// gitleaks's source heads "False Negative" are found, and negatives are sorted into kinds. Not timed.
import { expect } from 'chai';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomChars, repoRoot } from '@gitgate/testkit';

interface Compiled { rules: { id: string }[]; unported: { id: string }[] }
interface Negative { ruleId: string; ours: string[]; gitleaks: string[]; mislabeled: boolean; kind?: string }
type Counts = Record<string, { samples: number; ours: number; gitleaks: number }>;
interface Lib {
  port: { compileGitleaks(config: unknown): Compiled; gitleaksFlags(c: Compiled, text: string): Set<string>; translateRe2(src: string): string };
  go: { tokenize(src: string): unknown; headedLiterals(toks: unknown): Map<string, string> };
  kinds: {
    MISLABELED_HEADING: RegExp;
    ruleOwners(results: { id: string; by: Map<string, number> }[]): Map<string, Set<string>>;
    negativeKind(s: Negative, owners: Map<string, Set<string>>, isReal: (id: string) => boolean): string;
    countByKind(samples: Negative[]): Counts;
  };
}

async function loadLib(): Promise<Lib> {
  const load = (f: string): Promise<unknown> => import(pathToFileURL(join(repoRoot(), 'scripts', 'lib', f)).href);
  return {
    port: (await load('gitleaks-port.mjs')) as Lib['port'],
    go: (await load('go-subset.mjs')) as Lib['go'],
    kinds: (await load('recall-negatives.mjs')) as Lib['kinds'],
  };
}

/** gitleaks's semi-generic shape: a provider word in the key, then a value class ending in `-`, case-insensitive. */
function semiGenericRule(id: string, word: string, length: number): Record<string, unknown> {
  return { id, regex: `(?i)[\\w.-]{0,50}?(?:${word})(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}(?:=|:)[\\x60'"\\s=]{0,5}([a-z0-9_-]{${length}})(?:[\\x60'"\\s;]|$)`, keywords: [word] };
}

describe('bench:recall machinery (scripts/lib/gitleaks-port.mjs, go-subset.mjs, recall-negatives.mjs)', function () {
  let lib: Lib;
  before(async () => {
    lib = await loadLib();
  });

  it('ports a case-insensitive rule whose value class ends in a literal dash', () => {
    const compiled = lib.port.compileGitleaks({ rules: [semiGenericRule('widget-api-key', 'widget', 40)] });
    expect(compiled.unported.map((u) => u.id)).to.deep.equal([]);
    const value = `${randomChars(18)}-${randomChars(10)}_${randomChars(10)}`;
    expect([...lib.port.gitleaksFlags(compiled, `WIDGET_KEY = "${value}"`)]).to.deep.equal(['widget-api-key']);
  });

  it('keeps the dash of such a class a literal, not a range into the other-case letters', () => {
    const re = new RegExp(`^${lib.port.translateRe2('(?i)[a-z0-9_-]{3}')}$`);
    expect(re.test('a-Z')).to.equal(true);
    expect(re.test('a[Z')).to.equal(false);
  });

  it('finds the string literals under a "False Negative" heading comment, and only those', () => {
    const key = randomChars(32).toLowerCase();
    const src = [
      'package rules',
      'func X() {',
      '\tfps := []string{',
      '\t\t// False Negative',
      `\t\t\`widget.init(token: ${key})\`, // gitleaks:allow`,
      '\t\t// too short',
      '\t\t`widget: abc`,',
      '\t}',
      '\tother := "after the list"',
      '}',
    ].join('\n');
    const headed = lib.go.headedLiterals(lib.go.tokenize(src));
    const labelled = [...headed].filter(([, h]) => lib.kinds.MISLABELED_HEADING.test(h)).map(([v]) => v);
    expect(labelled).to.deep.equal([`widget.init(token: ${key})`]);
    expect(headed.get('widget: abc')).to.equal('too short');
    expect(headed.has('after the list')).to.equal(false);
  });

  it('counts a negative that gitleaks flags with another real-format rule, taken by our rule for that format, as another format', () => {
    const owners = lib.kinds.ruleOwners([{ id: 'acme-token', by: new Map([['acme-token-ours', 5]]) }]);
    const isReal = (id: string): boolean => !id.startsWith('generic');
    const kindOf = (ours: string[], gitleaks: string[], mislabeled = false): string =>
      lib.kinds.negativeKind({ ruleId: 'acme-key', ours, gitleaks, mislabeled }, owners, isReal);
    expect(kindOf(['acme-token-ours'], ['acme-token'])).to.equal('other-format');
    expect(kindOf([], ['acme-token'])).to.equal('other-format');
    // Ours by a rule that is not ours for that format, or gitleaks by its generic rule only: a true negative.
    expect(kindOf(['generic-secret-assignment'], ['acme-token'])).to.equal('negative');
    expect(kindOf(['acme-token-ours'], ['generic-api-key'])).to.equal('negative');
    expect(kindOf(['acme-token-ours'], ['acme-token'], true)).to.equal('mislabeled');
  });

  it('counts per kind the samples, those we flag and those gitleaks flags', () => {
    const s = (kind: string, ours: string[], gitleaks: string[]): Negative => ({ ruleId: 'r', kind, ours, gitleaks, mislabeled: false });
    const counts = lib.kinds.countByKind([s('negative', ['a'], []), s('negative', [], ['g']), s('negative', [], []), s('other-format', ['b'], ['h']), s('mislabeled', ['c'], [])]);
    expect(counts).to.deep.equal({
      negative: { samples: 3, ours: 1, gitleaks: 1 },
      'other-format': { samples: 1, ours: 1, gitleaks: 1 },
      mislabeled: { samples: 1, ours: 1, gitleaks: 0 },
    });
  });
});
