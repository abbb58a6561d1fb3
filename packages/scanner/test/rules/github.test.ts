import { createScanner } from '../../src/index.js';
import { githubAppToken, githubFineGrainedPat, githubOauth, githubPat, githubRefreshToken } from '../../src/rules/github.js';
import { ALNUM, expectFindings, expectNone, expectRuleFast, Fakes, repeatTo1MB } from '../fakes.js';

describe('rules/github', () => {
  const scanner = createScanner();
  const fakes = new Fakes(303);

  it('reports a classic PAT in a .env file', () => {
    const t = fakes.github('p');
    expectFindings(scanner, `GITHUB_TOKEN=${t}\n`, [{ ruleId: 'github-pat', secret: t }]);
  });

  it('reports a classic PAT in a CRLF shell script', () => {
    const t = fakes.github('p');
    expectFindings(scanner, `@echo off\r\ncurl -H "Authorization: token ${t}" https://api.github.com/user\r\n`, [
      { ruleId: 'github-pat', secret: t },
    ]);
  });

  it('reports a classic PAT in a minified one-liner', () => {
    const t = fakes.github('p');
    expectFindings(scanner, `!function(){var t="${t}";fetch(u,{headers:{a:t}})}();`, [{ ruleId: 'github-pat', secret: t }]);
  });

  it('reports an OAuth token in JSON', () => {
    const t = fakes.github('o');
    expectFindings(scanner, JSON.stringify({ access_token: t, scope: 'repo' }), [{ ruleId: 'github-oauth', secret: t }]);
  });

  it('reports an OAuth token in YAML', () => {
    const t = fakes.github('o');
    expectFindings(scanner, `github:\n  oauth: ${t}\n`, [{ ruleId: 'github-oauth', secret: t }]);
  });

  it('reports an OAuth token in Python code', () => {
    const t = fakes.github('o');
    expectFindings(scanner, `gh = Github("${t}")\n`, [{ ruleId: 'github-oauth', secret: t }]);
  });

  it('reports user-to-server and installation app tokens in YAML', () => {
    const u = fakes.github('u');
    const s = fakes.github('s');
    expectFindings(scanner, `user: ${u}\ninstallation: '${s}'\n`, [
      { ruleId: 'github-app-token', secret: u },
      { ruleId: 'github-app-token', secret: s },
    ]);
  });

  it('reports an installation token in a clone URL as the app token, not a URL password', () => {
    const s = fakes.github('s');
    expectFindings(scanner, `git clone https://x-access-token:${s}@github.com/o/r.git\n`, [{ ruleId: 'github-app-token', secret: s }]);
  });

  it('reports an installation token in a Go string literal', () => {
    const s = fakes.github('s');
    expectFindings(scanner, `client := github.NewClient(nil).WithAuthToken("${s}")\n`, [{ ruleId: 'github-app-token', secret: s }]);
  });

  it('reports a refresh token in JSON, YAML and code', () => {
    const [a, b, c] = [fakes.github('r'), fakes.github('r'), fakes.github('r')];
    const text = `{"refresh_token":"${a}"}\nrefresh: ${b}\nlet r = '${c}';\n`;
    expectFindings(scanner, text, [
      { ruleId: 'github-refresh-token', secret: a },
      { ruleId: 'github-refresh-token', secret: b },
      { ruleId: 'github-refresh-token', secret: c },
    ]);
  });

  it('reports a fine-grained PAT in .env, JSON and a clone URL', () => {
    const [a, b, c] = [fakes.githubFineGrained(), fakes.githubFineGrained(), fakes.githubFineGrained()];
    const text = `GH_PAT=${a}\n{"token": "${b}"}\nhttps://user:${c}@github.com/o/r\n`;
    expectFindings(scanner, text, [
      { ruleId: 'github-fine-grained-pat', secret: a },
      { ruleId: 'github-fine-grained-pat', secret: b },
      { ruleId: 'github-fine-grained-pat', secret: c },
    ]);
  });

  it('ignores a token body one char short', () => {
    expectNone(scanner, `id: ${'gh' + 'p_' + fakes.chars(ALNUM, 35)}\n`);
  });

  it('ignores a placeholder of one repeated char', () => {
    expectNone(scanner, `GITHUB_TOKEN=${'gh' + 'p_' + 'x'.repeat(36)}\n`);
  });

  it('ignores a prefix glued to a longer identifier', () => {
    expectNone(scanner, `const my${'gh' + 'p_' + fakes.chars(ALNUM, 36)} = 1;\n`);
  });

  it('ignores an unknown gh prefix', () => {
    expectNone(scanner, `x = ${'gh' + 'x_' + fakes.chars(ALNUM, 36)}\n`);
  });

  it('ignores a fine-grained prefix with a short body', () => {
    expectNone(scanner, `x = ${'github' + '_pat_' + fakes.chars(ALNUM, 40)}\n`);
  });

  describe('pathological inputs', () => {
    const inputs: Record<string, string> = {
      "'a' repeated": repeatTo1MB('a'),
      'prefixes repeated': repeatTo1MB('ghp_'),
      'a prefix and a 1 MB body': 'ghp_' + repeatTo1MB('a'),
      'fine-grained prefixes repeated': repeatTo1MB('github_pat_'),
      'underscores repeated': 'github_pat_' + repeatTo1MB('_'),
    };
    for (const rule of [githubPat, githubOauth, githubAppToken, githubRefreshToken, githubFineGrainedPat]) {
      for (const [name, text] of Object.entries(inputs)) {
        it(`runs ${rule.id} on ${name} quickly`, () => expectRuleFast(rule, text));
      }
    }
  });
});
