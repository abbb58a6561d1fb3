import { expect } from 'chai';
import { createScanner, defaultRules, ruleFamilies, scannerOptionsOf, ScannerError, withKnownSecrets, KnownSecrets, type Rule } from '../src/index.js';
import {
  ALNUM,
  BASE32,
  byteSpan,
  DIGITS,
  expectFindings,
  cpuMs,
  expectRulesFast,
  Fakes,
  HEX,
  pemLine,
  repeatTo1MB,
  tokenize,
} from './fakes.js';

describe('createScanner', () => {
  const fakes = new Fakes(1001);

  /** One file per syntax with secrets of every family, as a blob in a real repository might hold. */
  function corpus(): string[] {
    const pk = ['PRIVATE', 'KEY'].join(' ');
    return [
      fakes.pem('RSA ') + '\n',
      JSON.stringify({ type: 'service_account', private_key: fakes.pem('', '\n', 1600) + '\n', token_uri: 'https://oauth2.example/token' }, null, 2),
      `[default]\r\naws_access_key_id = ${fakes.awsKeyId()}\r\naws_secret_access_key = ${fakes.awsSecret()}\r\n`,
      `GITHUB_TOKEN=${fakes.github('p')}\nGITLAB_TOKEN=${fakes.gitlab()}\nSLACK_BOT=${fakes.slack()}\nSTRIPE=${fakes.stripe()}\n`,
      `db:\n  password: ${fakes.password()}\n  url: postgres://app:${fakes.password()}@db:5432/app\n`,
      `var c={apiKey:"${fakes.password(24)}",gh:"${fakes.githubFineGrained()}",t:"${fakes.github('s')}"};`,
      `Authorization: Bearer ${fakes.chars(ALNUM, 40)}\r\nX-Api-Key: ${fakes.chars(ALNUM, 32)}\r\n`,
      [
        'PuTTY-User-Key-File-2: ssh-rsa',
        'Public-Lines: 1',
        fakes.chars(ALNUM, 64),
        'Private-Lines: 2',
        ...fakes.base64Lines(128),
        'Private-MAC: ' + fakes.chars(HEX, 40),
      ].join('\n'),
      [pemLine('BEGIN', 'PGP ' + pk + ' BLOCK'), '', ...fakes.base64Lines(700), '=' + fakes.chars(ALNUM, 4), pemLine('END', 'PGP ' + pk + ' BLOCK')].join('\n'),
    ];
  }

  describe('scannerOptionsOf', () => {
    it('gives options that build a scanner of the same rule set after structured cloning, and nothing for a wrapper', () => {
      const scanner = createScanner({ maxDecodeDepth: 2, allowlist: [{ regex: /^example-[a-z]+$/ }] });
      const options = scannerOptionsOf(scanner)!;
      expect(createScanner(structuredClone(options)).rulesetVersion).to.equal(scanner.rulesetVersion);
      expect(createScanner().rulesetVersion).to.not.equal(scanner.rulesetVersion);
      expect(scannerOptionsOf(withKnownSecrets(scanner, new KnownSecrets()))).to.equal(undefined);
      expect(scannerOptionsOf({ ...scanner })).to.equal(undefined);
    });
  });

  describe('scan', () => {
    it('returns findings with exactly ruleId, type, start, end and confidence', () => {
      const t = fakes.github('p');
      const [finding] = createScanner().scan(Buffer.from(`x=${t}`));
      expect(finding).to.deep.equal({ ruleId: 'github-pat', type: 'github-pat', start: 2, end: 2 + t.length, confidence: 'high' });
    });

    it('finds every family in the corpus', () => {
      const scanner = createScanner();
      const ids = new Set(corpus().flatMap((text) => scanner.scan(Buffer.from(text)).map((f) => f.ruleId)));
      expect([...ids].sort()).to.include.members([
        'aws-access-key-id',
        'aws-secret-access-key',
        'generic-secret-assignment',
        'github-app-token',
        'github-fine-grained-pat',
        'github-pat',
        'gitlab-pat',
        'private-key-pem',
        'private-key-pgp',
        'private-key-putty',
        'slack-token',
        'stripe-secret-key',
        'url-password',
      ]);
    });

    it('returns no findings for content without any keyword', () => {
      expect(createScanner().scan(Buffer.from('hello world\n'))).to.deep.equal([]);
    });

    it('returns no findings for empty content', () => {
      expect(createScanner().scan(Buffer.alloc(0))).to.deep.equal([]);
    });

    it('accepts a plain Uint8Array', () => {
      const t = fakes.github('p');
      const bytes = new Uint8Array(Buffer.from(`x=${t}`));
      expect(createScanner().scan(bytes as Buffer)).to.have.length(1);
    });

    it('throws TypeError for content that is not bytes', () => {
      expect(() => createScanner().scan('text' as unknown as Buffer)).to.throw(TypeError);
    });
  });

  describe('byte offsets', () => {
    it('are byte offsets when multibyte UTF-8 precedes the secret', () => {
      const t = fakes.github('p');
      const text = `# Grüße, 日本語 — 🎉 naïve café\nGITHUB_TOKEN=${t}\n`;
      const { start, end } = byteSpan(text, t);
      expect(start).to.be.greaterThan(text.indexOf(t)); // the test is meaningful only if chars != bytes
      expectFindings(createScanner(), text, [{ ruleId: 'github-pat', secret: t }]);
      expect(Buffer.from(text).subarray(start, end).toString()).to.equal(t);
    });

    it('are byte offsets for a generic value after multibyte text on the same line', () => {
      const v = fakes.password();
      expectFindings(createScanner(), `{"név":"Ödön","password":"${v}"}`, [{ ruleId: 'generic-secret-assignment', secret: v }]);
    });

    it('are byte offsets inside binary content', () => {
      const t = fakes.awsKeyId();
      const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) & 0xff));
      const content = Buffer.concat([noise, Buffer.from(`\n${t}\n`), noise]);
      const [finding] = createScanner().scan(content);
      expect(finding).to.include({ ruleId: 'aws-access-key-id', start: noise.length + 1, end: noise.length + 1 + t.length });
    });

    it('are byte offsets in invalid UTF-8', () => {
      const t = fakes.stripe();
      const content = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` k=${t}`)]);
      expect(createScanner().scan(content).map((f) => [f.start, f.end])).to.deep.equal([[6, 6 + t.length]]);
    });
  });

  describe('idempotence', () => {
    it('finds nothing in content whose findings were replaced by tokens', () => {
      const scanner = createScanner();
      for (const text of corpus()) {
        const once = tokenize(scanner, Buffer.from(text), fakes);
        expect(scanner.scan(once)).to.deep.equal([]);
      }
    });

    it('finds nothing in the tokenized corpus concatenated into one blob', () => {
      const scanner = createScanner();
      const once = tokenize(scanner, Buffer.from(corpus().join('\n')), fakes);
      expect(scanner.scan(once)).to.deep.equal([]);
    });

    it('never reports a span overlapping an existing gateway token', () => {
      // A token's random part can spell a key id; it is still the gateway's token.
      const inner = 'AKIA' + fakes.chars(BASE32, 16);
      const text = `x = [[TOKEN_aws-access-key-id_${inner}]]\n`;
      expect(createScanner().scan(Buffer.from(text))).to.deep.equal([]);
    });

    it('still reports a secret next to a gateway token', () => {
      const t = fakes.github('p');
      const text = `a=[[TOKEN_github-pat_${fakes.chars(BASE32, 26)}]] b=${t}\n`;
      expectFindings(createScanner(), text, [{ ruleId: 'github-pat', secret: t }]);
    });

    it('trims a finding that runs into a gateway token to the part before it', () => {
      // A rule whose value runs to the next blank takes `<pw>[[TOKEN_…]]`; the part before the token is the secret.
      const rule = { id: 'pass-to-blank', type: 'pass', description: 'pass= up to the next blank', keywords: ['pass='], pattern: /pass=(?<secret>\S{8,200})/, confidence: 'high' as const, reach: 210 };
      const pw = fakes.password(18);
      const found = createScanner({ rules: [rule] }).scan(Buffer.from(`pass=${pw}${fakes.token('github-pat')}\n`));
      expect(found.map((f) => [f.start, f.end])).to.deep.equal([[5, 5 + pw.length]]);
    });

    it('drops a finding that starts inside a gateway token', () => {
      const rule = { id: 'token-body', type: 'tb', description: 'a token-shaped body', keywords: ['token_'], pattern: /TOKEN_(?<secret>[a-z-]{3,40}_[A-Z2-7]{26})/, confidence: 'high' as const, reach: 80 };
      expect(createScanner({ rules: [rule] }).scan(Buffer.from(`x=${fakes.token('github-pat')}\n`))).to.deep.equal([]);
    });
  });

  describe('determinism', () => {
    it('returns the same findings for the same bytes', () => {
      const scanner = createScanner();
      const content = Buffer.from(corpus().join('\n'));
      expect(scanner.scan(content)).to.deep.equal(scanner.scan(Buffer.from(content)));
    });

    it('returns the same findings whatever the rule order', () => {
      const content = Buffer.from(corpus().join('\n'));
      const reversed = createScanner({ rules: [...defaultRules].reverse() });
      expect(reversed.scan(content)).to.deep.equal(createScanner().scan(content));
    });

    it('returns findings sorted by start and pairwise disjoint', () => {
      const findings = createScanner().scan(Buffer.from(corpus().join('\n')));
      for (let i = 1; i < findings.length; i++) expect(findings[i]!.start).to.be.at.least(findings[i - 1]!.end);
    });

    it('resolves an AWS secret found by two rules to the high-confidence AWS rule', () => {
      const s = fakes.awsSecret();
      expectFindings(createScanner(), JSON.stringify({ SecretAccessKey: s }), [{ ruleId: 'aws-secret-access-key', secret: s }]);
    });
  });

  describe('rules', () => {
    const pin: Rule = { id: 'pin', type: 'pin', description: 'd', keywords: ['pin'], pattern: /\b\d{6}\b/, confidence: 'low' };

    it('exposes the default rule set when none is given', () => {
      expect(createScanner().rules.map((r) => r.id)).to.deep.equal(defaultRules.map((r) => r.id));
    });

    it('runs a rule only when one of its keywords occurs', () => {
      expect(createScanner({ rules: [pin] }).scan(Buffer.from('code 123456'))).to.deep.equal([]);
    });

    it('matches keywords case-insensitively', () => {
      expect(createScanner({ rules: [pin] }).scan(Buffer.from('PIN 123456'))).to.have.length(1);
    });

    it('reports the named secret group, not the whole match', () => {
      const rule: Rule = { ...pin, pattern: /pin=(?<secret>\d{6})/i };
      expect(createScanner({ rules: [rule] }).scan(Buffer.from('PIN=123456')).map((f) => [f.start, f.end])).to.deep.equal([[4, 10]]);
    });

    it('drops a candidate below the rule entropy floor', () => {
      const rule: Rule = { ...pin, minEntropy: 2 };
      expect(createScanner({ rules: [rule] }).scan(Buffer.from('pin 111111 pin 123456'))).to.have.length(1);
    });

    it('drops a candidate on the rule allowlist', () => {
      const rule: Rule = { ...pin, allow: [/^0/] };
      expect(createScanner({ rules: [rule] }).scan(Buffer.from('pin 012345'))).to.deep.equal([]);
    });

    it('drops a multi-line candidate of a single-line rule', () => {
      const rule: Rule = { ...pin, pattern: /pin\s(?<secret>\d{3}\s\d{3})/ };
      expect(createScanner({ rules: [rule] }).scan(Buffer.from('pin 123\n456'))).to.deep.equal([]);
      expect(createScanner({ rules: [{ ...rule, multiline: true }] }).scan(Buffer.from('pin 123\n456'))).to.have.length(1);
    });

    it('keeps no regex state between scans', () => {
      const scanner = createScanner({ rules: [pin] });
      const content = Buffer.from('pin 123456');
      expect(scanner.scan(content)).to.deep.equal(scanner.scan(content));
    });

    it('throws TypeError for two rules with the same id', () => {
      expect(() => createScanner({ rules: [pin, { ...pin }] })).to.throw(TypeError, /duplicate/);
    });
  });

  describe('limits', () => {
    it('throws GITGATE_SCAN_LIMIT for content over maxBytes', () => {
      const scanner = createScanner({ maxBytes: 10 });
      let error: unknown;
      try {
        scanner.scan(Buffer.from('password=0123'));
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ScannerError);
      expect((error as ScannerError).code).to.equal('GITGATE_SCAN_LIMIT');
    });

    it('does not put content in the limit error message', () => {
      const secret = fakes.github('p');
      try {
        createScanner({ maxBytes: 10 }).scan(Buffer.from(secret));
        expect.fail('expected a throw');
      } catch (e) {
        expect((e as Error).message).to.not.include(secret.slice(4, 12));
      }
    });

    it('scans content of exactly maxBytes', () => {
      const t = fakes.github('p');
      expect(createScanner({ maxBytes: t.length }).scan(Buffer.from(t))).to.have.length(1);
    });

    it('throws TypeError for a maxBytes that is not a positive integer', () => {
      expect(() => createScanner({ maxBytes: 0 })).to.throw(TypeError);
      expect(() => createScanner({ maxBytes: 1.5 })).to.throw(TypeError);
    });
  });

  describe('pathological inputs', () => {
    const begin = pemLine('BEGIN', 'RSA ' + ['PRIVATE', 'KEY'].join(' '));
    const inputs: Record<string, string> = {
      "'a' x 1e6": repeatTo1MB('a'),
      "'=' x 1e6": repeatTo1MB('='),
      "'password=' repeated": repeatTo1MB('password='),
      "'-----BEGIN ' repeated": repeatTo1MB('-----BEGIN '),
      'private key BEGIN lines repeated': repeatTo1MB(begin + '\n'),
      'digits and dashes': repeatTo1MB(DIGITS + '-'),
      'every byte value': Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => i & 0xff)).toString('latin1'),
    };
    // Per family (the family's rules scanned together, their keywords prepended so every regex runs);
    // rules/families.test.ts adds inputs shaped for each family's own tokens.
    for (const [family, rules] of Object.entries(ruleFamilies)) {
      for (const [name, text] of Object.entries(inputs)) {
        it(`runs the ${family} family on ${name} quickly`, () => expectRulesFast(rules, text));
      }
    }

    it('runs the whole default set on 1 MB of mixed hostile text quickly', () => {
      const all = createScanner();
      const text = repeatTo1MB(`password="${begin}\nAKIA ghp_ token: https://u:p@ -----BEGIN aws_secret_access_key=`);
      expect(cpuMs(() => all.scan(Buffer.from(text, 'latin1')))).to.be.below(2000);
    });
  });
});
