import { createScanner } from '../../src/index.js';
import { ALNUM, expectFindings, expectNone, Fakes } from '../fakes.js';

const RULE = 'http-basic-auth';
const basic = (user: string, password: string): string => Buffer.from(`${user}:${password}`, 'utf8').toString('base64');

describe('rules/http-auth: http-basic-auth judges the decoded password as a generic value', () => {
  const scanner = createScanner();
  const fakes = new Fakes(1212);

  it('reports a random decoded password', () => {
    const b = basic('deploy', fakes.password());
    expectFindings(scanner, `.set('Authorization', 'Basic ${b}')\n`, [{ ruleId: RULE, secret: b }]);
  });

  it('reports a short random decoded password (the entropy floor eases with length)', () => {
    const b = basic('ci', fakes.chars(ALNUM, 7) + '!');
    expectFindings(scanner, `Authorization: Basic ${b}\n`, [{ ruleId: RULE, secret: b }]);
  });

  it('reports a password in another script that is not the word password', () => {
    const b = basic('имя', '\u0442\u0430\u0439\u043d\u0430-' + fakes.chars(ALNUM, 6));
    expectFindings(scanner, `"Basic ${b}",\n`, [{ ruleId: RULE, secret: b }]);
  });

  const vectors: Record<string, [string, string]> = {
    'a dictionary word (a parser test vector)': ['tobi', 'ferret'],
    'a repeated word with a colon': ['tobi', 'ferret:ferret'],
    'a stand-in word': ['test', 'test'],
    'the word password in Russian': ['имя', 'пароль'],
    'the word password in German': ['benutzer', 'Passwort'],
    'the word password in Spanish': ['usuario', 'contraseña'],
    'the word password in Chinese': ['用户', '密码'],
    'a low-entropy value': ['user', 'aaabbbaaab'],
  };
  for (const [name, [user, password]] of Object.entries(vectors)) {
    it(`ignores ${name}`, () => {
      const b = basic(user, password);
      expectNone(scanner, `(u'${user}', u'${password}', 'Basic ${b}'),\n.set('Authorization', 'Basic ${b}')\n`);
    });
  }
});
