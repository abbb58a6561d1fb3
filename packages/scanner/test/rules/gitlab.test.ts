import { createScanner } from '../../src/index.js';
import { gitlabPat } from '../../src/rules/gitlab.js';
import { ALNUM, expectFindings, expectNone, expectRuleFast, Fakes, repeatTo1MB } from '../fakes.js';

describe('rules/gitlab', () => {
  const scanner = createScanner();
  const fakes = new Fakes(404);

  it('reports a PAT in a .env file', () => {
    const t = fakes.gitlab();
    expectFindings(scanner, `GITLAB_TOKEN=${t}\n`, [{ ruleId: 'gitlab-pat', secret: t }]);
  });

  it('reports a PAT in JSON', () => {
    const t = fakes.gitlab();
    expectFindings(scanner, JSON.stringify({ gitlab: { token: t } }), [{ ruleId: 'gitlab-pat', secret: t }]);
  });

  it('reports a PAT in a remote URL as the PAT, not a URL password', () => {
    const t = fakes.gitlab();
    expectFindings(scanner, `[remote "origin"]\r\n\turl = https://oauth2:${t}@gitlab.com/g/p.git\r\n`, [{ ruleId: 'gitlab-pat', secret: t }]);
  });

  it('reports a routable PAT with its dotted suffix segments', () => {
    const t = fakes.gitlab() + '.01.' + fakes.chars(ALNUM, 9);
    expectFindings(scanner, `ci:\n  token: "${t}"\n`, [{ ruleId: 'gitlab-pat', secret: t }]);
  });

  it('stops before a sentence-ending dot', () => {
    const t = fakes.gitlab();
    expectFindings(scanner, `Use ${t}. Then run it.`, [{ ruleId: 'gitlab-pat', secret: t }]);
  });

  it('ignores a PAT body one char short', () => {
    expectNone(scanner, `id: ${'gl' + 'pat-' + fakes.chars(ALNUM, 19)}\n`);
  });

  it('ignores a placeholder of x', () => {
    expectNone(scanner, `GITLAB_TOKEN=${'gl' + 'pat-' + 'x'.repeat(20)}\n`);
  });

  describe('pathological inputs', () => {
    const inputs: Record<string, string> = {
      'prefixes repeated': repeatTo1MB('glpat-'),
      'a prefix and a 1 MB body': 'glpat-' + repeatTo1MB('a'),
      'dotted segments repeated': 'glpat-' + 'a'.repeat(22) + repeatTo1MB('.a'),
      'dashes repeated': 'glpat-' + repeatTo1MB('-'),
    };
    for (const [name, text] of Object.entries(inputs)) {
      it(`runs gitlab-pat on ${name} quickly`, () => expectRuleFast(gitlabPat, text));
    }
  });
});
