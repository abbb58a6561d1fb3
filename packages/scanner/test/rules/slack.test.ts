import { createScanner } from '../../src/index.js';
import { slackToken } from '../../src/rules/slack.js';
import { ALNUM, DIGITS, expectFindings, expectNone, expectRuleFast, Fakes, HEX, repeatTo1MB } from '../fakes.js';

describe('rules/slack', () => {
  const scanner = createScanner();
  const fakes = new Fakes(505);
  const prefix = (kind: string): string => 'xox' + kind + '-';

  it('reports a bot token in a .env file', () => {
    const t = fakes.slack('b');
    expectFindings(scanner, `SLACK_BOT=${t}\n`, [{ ruleId: 'slack-token', secret: t }]);
  });

  it('reports a user token with four segments in JSON', () => {
    const t = prefix('p') + [fakes.chars(DIGITS, 12), fakes.chars(DIGITS, 12), fakes.chars(DIGITS, 13), fakes.chars(HEX, 32)].join('-');
    expectFindings(scanner, JSON.stringify({ slack: t }), [{ ruleId: 'slack-token', secret: t }]);
  });

  it('reports an app token in a CRLF YAML file', () => {
    const t = prefix('a') + '2-' + fakes.chars(ALNUM, 40);
    expectFindings(scanner, `slack:\r\n  app: '${t}'\r\n`, [{ ruleId: 'slack-token', secret: t }]);
  });

  it('reports a rotating token together with its xoxe. prefix', () => {
    const t = 'xoxe.' + prefix('p') + '1-' + fakes.chars(ALNUM, 60);
    expectFindings(scanner, `client.auth(${JSON.stringify(t)});`, [{ ruleId: 'slack-token', secret: t }]);
  });

  it('ignores a placeholder token', () => {
    expectNone(scanner, `SLACK_BOT=${prefix('b')}your-token-here\n`);
  });

  it('ignores examples with a tail shorter than any kind carries', () => {
    expectNone(scanner, `SLACK_BOT=${prefix('b')}${fakes.chars(DIGITS, 5)}-abcd234\n`);
    expectNone(scanner, `SLACK_CONFIG=xoxe.${prefix('p')}1-initial\n`);
  });

  it('ignores stand-in words in a rotating token', () => {
    expectNone(scanner, `SLACK_CONFIG=xoxe.${prefix('p')}1-RANDOMSTRINGHERE\n`);
    expectNone(scanner, `SLACK_CONFIG=xoxe.${prefix('p')}1-SlackAppConfigurationAccessTokenHere\n`);
  });

  it('reports a legacy workspace token with the shortest documented tail', () => {
    const t = prefix('a') + '2-' + fakes.chars(ALNUM, 8);
    expectFindings(scanner, `slack_token = "${t}"\n`, [{ ruleId: 'slack-token', secret: t }]);
  });

  it('ignores a token of zeros and x', () => {
    expectNone(scanner, `SLACK_BOT=${prefix('b')}0000000000-xxxxxxxxxxxxxxxx\n`);
  });

  describe('a token whose secret segment is masked', () => {
    const ids = (): string => prefix('p') + [fakes.chars(DIGITS, 12), fakes.chars(DIGITS, 12), fakes.chars(DIGITS, 12)].join('-');
    it('ignores public ids followed by a mask of # or *', () => {
      expectNone(scanner, JSON.stringify({ token: `${ids()}-${'#'.repeat(20)}` }));
      expectNone(scanner, `SLACK_USER=${ids()}-${'*'.repeat(32)}
`);
    });
    it('still reports a whole token followed by one # (a comment or a URL fragment)', () => {
      const t = `${ids()}-${fakes.chars(HEX, 32)}`;
      expectFindings(scanner, `SLACK_USER=${t}#prod
`, [{ ruleId: 'slack-token', secret: t }]);
    });
  });

  it('ignores an unknown kind letter', () => {
    expectNone(scanner, `t = ${prefix('z')}${fakes.chars(DIGITS, 12)}-${fakes.chars(ALNUM, 24)}\n`);
  });

  describe('pathological inputs', () => {
    const inputs: Record<string, string> = {
      'prefixes repeated': repeatTo1MB(prefix('b')),
      'a prefix and a 1 MB body': prefix('b') + '1-' + repeatTo1MB('a'),
      'numeric segments repeated': repeatTo1MB(prefix('b') + '1-'),
      'dashes and digits repeated': prefix('b') + repeatTo1MB('1-'),
    };
    for (const [name, text] of Object.entries(inputs)) {
      it(`runs slack-token on ${name} quickly`, () => expectRuleFast(slackToken, text));
    }
  });
});
