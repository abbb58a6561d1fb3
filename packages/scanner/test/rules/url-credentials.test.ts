import { createScanner } from '../../src/index.js';
import { urlPassword } from '../../src/rules/url-credentials.js';
import { ALNUM, expectFindings, expectNone, expectRuleFast, Fakes, repeatTo1MB } from '../fakes.js';

const RULE = 'url-password';

describe('rules/url-credentials', () => {
  const scanner = createScanner();
  const fakes = new Fakes(808);

  it('reports the password of a database URL in a .env file', () => {
    const pw = fakes.password();
    expectFindings(scanner, `DATABASE_URL=postgres://app:${pw}@db.internal:5432/app\n`, [{ ruleId: RULE, secret: pw }]);
  });

  it('reports the password of a mongodb+srv URL in YAML', () => {
    const pw = fakes.password();
    const yaml = `mongo:\n  uri: "mongodb+srv://admin:${pw}@cluster0.mongodb.net/test?retryWrites=true"\n`;
    expectFindings(scanner, yaml, [{ ruleId: RULE, secret: pw }]);
  });

  it('reports a password with an empty user name', () => {
    const pw = fakes.password();
    expectFindings(scanner, `{"cache": "redis://:${pw}@cache:6379/0"}`, [{ ruleId: RULE, secret: pw }]);
  });

  it('reports a password holding an unescaped @ up to the last @', () => {
    const pw = 'p@' + fakes.password();
    expectFindings(scanner, `amqp://guest:${pw}@rabbit.internal/vhost\n`, [{ ruleId: RULE, secret: pw }]);
  });

  it('reports a password with unencoded #, %, ! and @ up to the last @ before the host', () => {
    const pw = fakes.password(8) + '#' + fakes.password(6) + '%!@' + fakes.password(6);
    expectFindings(scanner, `DATABASE_URL=postgres://app:${pw}@db.internal/app\n`, [{ ruleId: RULE, secret: pw }]);
  });

  it('reports a remote URL in a CRLF git config', () => {
    const pw = fakes.password();
    expectFindings(scanner, `[remote "origin"]\r\n\turl = https://deploy:${pw}@git.internal/r.git\r\n`, [{ ruleId: RULE, secret: pw }]);
  });

  it('reports pw followed by a random tail of more than 4 chars', () => {
    const tail = fakes.chars(ALNUM, 6) + '9';
    expectFindings(scanner, `http://u:Pw${tail}@host.internal/\n`, [{ ruleId: RULE, secret: `Pw${tail}` }]);
  });

  it('reports a short weak password (no entropy floor for URL passwords)', () => {
    const pw = 'hunter' + '2';
    expectFindings(scanner, `fetch("https://u:${pw}@api.internal/x");`, [{ ruleId: RULE, secret: pw }]);
  });

  const negatives: Record<string, string> = {
    'placeholder password on example.com': 'https://user:password@example.com/path\n',
    'a real-looking password on a documentation host': 'https://u:' + 'Qx81aZ' + '@www.example.org/\n',
    'a ${VAR} password': 'https://user:${TOKEN}@github.com/org/repo\n',
    'a $VAR password': 'https://oauth2:$CI_JOB_TOKEN@gitlab.com/g/p.git\n',
    'printf placeholders': 'postgres://%s:%s@%s/%s\n',
    'an angle-bracket placeholder': 'mongodb://user:<password>@host:27017\n',
    'a {password} template': 'https://user:{password}@host/x\n',
    'a star mask': 'https://user:****@host/x\n',
    'the word pass': 'ftp://user:pass@files.internal/\n',
    'the abbreviation pw': '// redis://:pw@host\n',
    'metasyntactic names': "'--url=http://foo:bar@registry.internal/'\n",
    'an empty password': 'redis://:@localhost:6379\n',
    'a host and port without userinfo': 'http://localhost:8080/api\n',
    'an scp-style git remote': 'git@github.com:org/repo.git\n',
    'an ssh URL with a user only': 'ssh://git@github.com/org/repo.git\n',
    'an IPv6 host with a port': 'http://[::1]:8080/health\n',
    'an @ in the path only': 'https://host.internal:443/users/@me\n',
    'URL-parsing fixtures of stand-in words': 'http://user:pass%23pass@complex.url.com/path?query=yes\nhttp://user:pass%20pass@complex.url.com/\n',
    'a # fragment after the host': 'https://host.internal/page#a:b@c\n',
    'a URL template': 'postgres://{user}:{password}@{host}:{port}/{db}\n',
    'the abbreviation pw and a few digits (a redaction test)': "redactUrl('http://gate-user:" + 'Pw' + '123' + "@127.0.0.1:1/x.git')\n",
    'a password elided with an ellipsis': 'the userinfo of `http://user:pass%23\u2026@complex.url.com` is a fixture\n',
  };
  for (const [name, text] of Object.entries(negatives)) {
    it(`ignores ${name}`, () => expectNone(scanner, text));
  }

  describe('pathological inputs', () => {
    const inputs: Record<string, string> = {
      "'://' repeated": repeatTo1MB('://'),
      'scheme and user repeated': repeatTo1MB('a://b:c'),
      "a userinfo and 1 MB of '@'": 'a://b:' + repeatTo1MB('@'),
      'URLs without host repeated': repeatTo1MB('https://u:p'),
      'an empty user and a 1 MB password': 'a://:' + repeatTo1MB('a'),
      "'a:' repeated": repeatTo1MB('a:'),
    };
    for (const [name, text] of Object.entries(inputs)) {
      it(`runs ${RULE} on ${name} quickly`, () => expectRuleFast(urlPassword, text));
    }
  });
});
