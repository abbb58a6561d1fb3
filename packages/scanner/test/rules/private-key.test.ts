import { expect } from 'chai';
import { createScanner } from '../../src/index.js';
import { pemPrivateKey, pgpPrivateKey, puttyPrivateKey } from '../../src/rules/private-key.js';
import { ALNUM, BASE64, expectRuleFast, expectFindings, expectNone, Fakes, pemLine, repeatTo1MB } from '../fakes.js';

const PK = ['PRIVATE', 'KEY'].join(' ');

describe('rules/private-key', () => {
  const scanner = createScanner();
  const fakes = new Fakes(101);

  describe('PEM blocks', () => {
    it('reports a whole RSA block in a .pem file, BEGIN and END lines included', () => {
      const pem = fakes.pem('RSA ');
      expectFindings(scanner, pem + '\n', [{ ruleId: 'private-key-pem', secret: pem }]);
    });

    it('reports a PKCS#8 block in a CRLF file', () => {
      const pem = fakes.pem('', '\r\n');
      expectFindings(scanner, 'header\r\n' + pem + '\r\nfooter\r\n', [{ ruleId: 'private-key-pem', secret: pem }]);
    });

    it('reports an OpenSSH key indented in a YAML literal block', () => {
      const label = 'OPENSSH ' + PK;
      const body = fakes.base64Lines(1200, 70);
      const block = [pemLine('BEGIN', label), ...body, pemLine('END', label)].join('\n    ');
      const yaml = `deploy:\n  ssh_key: |\n    ${block}\n  host: example.internal\n`;
      expectFindings(scanner, yaml, [{ ruleId: 'private-key-pem', secret: block }]);
    });

    it('reports the JSON-escaped form (literal \\n) inside a JSON string', () => {
      const pem = fakes.pem('EC ', '\n', 300);
      const json = JSON.stringify({ type: 'service_account', private_key: pem + '\n', client_email: 'svc@proj.iam' });
      const escaped = JSON.stringify(pem).slice(1, -1);
      expectFindings(scanner, json, [{ ruleId: 'private-key-pem', secret: escaped }]);
    });

    it('reports a legacy encrypted block with Proc-Type and DEK-Info headers', () => {
      const label = 'RSA ' + PK;
      const block = [
        pemLine('BEGIN', label),
        'Proc-Type: 4,ENCRYPTED',
        'DEK-Info: AES-128-CBC,' + fakes.chars('0123456789ABCDEF', 32),
        '',
        ...fakes.base64Lines(1600),
        pemLine('END', label),
      ].join('\n');
      expectFindings(scanner, block, [{ ruleId: 'private-key-pem', secret: block }]);
    });

    it('reports a key pasted onto one line in a .env file', () => {
      const label = 'EC ' + PK;
      const oneLine = [pemLine('BEGIN', label), ...fakes.base64Lines(180), pemLine('END', label)].join(' ');
      expectFindings(scanner, `TLS_KEY="${oneLine}"\nPORT=8443\n`, [{ ruleId: 'private-key-pem', secret: oneLine }]);
    });

    it('reports a key written as concatenated string literals in code', () => {
      const label = 'RSA ' + PK;
      const lines = [pemLine('BEGIN', label), ...fakes.base64Lines(400), pemLine('END', label)];
      const code = 'const key =\n  ' + lines.map((l) => JSON.stringify(l + '\n')).join(' +\n  ') + ';\n';
      const secret = code.slice(code.indexOf(lines[0]!), code.indexOf(lines.at(-1)!) + lines.at(-1)!.length);
      expectFindings(scanner, code, [{ ruleId: 'private-key-pem', secret }]);
    });

    it('reports an ENCRYPTED PRIVATE KEY block in a minified one-liner', () => {
      const pem = fakes.pem('ENCRYPTED ', '\n', 1500);
      const js = `var a={k:${JSON.stringify(pem)},b:1};function f(){return a.k}`;
      expectFindings(scanner, js, [{ ruleId: 'private-key-pem', secret: JSON.stringify(pem).slice(1, -1) }]);
    });

    it('reports two keys in one file as two findings', () => {
      const a = fakes.pem('RSA ');
      const b = fakes.pem('DSA ');
      expectFindings(scanner, `${a}\n\n${b}\n`, [
        { ruleId: 'private-key-pem', secret: a },
        { ruleId: 'private-key-pem', secret: b },
      ]);
    });

    it('ignores a public key block', () => {
      const label = 'PUBLIC KEY';
      expectNone(scanner, [pemLine('BEGIN', label), ...fakes.base64Lines(392), pemLine('END', label)].join('\n'));
    });

    it('ignores a certificate', () => {
      const label = 'CERTIFICATE';
      expectNone(scanner, [pemLine('BEGIN', label), ...fakes.base64Lines(1200), pemLine('END', label)].join('\n'));
    });

    it('ignores a block whose body is an ellipsis', () => {
      const label = 'RSA ' + PK;
      expectNone(scanner, [pemLine('BEGIN', label), '...', pemLine('END', label)].join('\n'));
    });

    it('ignores a block whose body is a redaction word', () => {
      const label = 'RSA ' + PK;
      expectNone(scanner, [pemLine('BEGIN', label), 'REDACTED', pemLine('END', label)].join('\n'));
    });

    it('ignores documentation that only names the BEGIN marker', () => {
      expectNone(scanner, `Paste the key that starts with ${pemLine('BEGIN', PK)} into the field below.\n`);
    });

    it('ignores a block whose END names another key kind', () => {
      expectNone(scanner, [pemLine('BEGIN', 'RSA ' + PK), ...fakes.base64Lines(900), pemLine('END', 'EC ' + PK)].join('\n'));
    });

    it('ignores an ssh public key line', () => {
      expectNone(scanner, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI' + fakes.chars(BASE64, 43) + ' dev@laptop\n');
    });
  });

  describe('OpenPGP blocks', () => {
    it('reports an armored secret key block with armor headers and checksum', () => {
      const label = 'PGP ' + PK + ' BLOCK';
      const block = [
        pemLine('BEGIN', label),
        'Version: GnuPG v2',
        'Comment: release signing key',
        '',
        ...fakes.base64Lines(2000),
        '=' + fakes.chars(ALNUM, 4),
        pemLine('END', label),
      ].join('\n');
      expectFindings(scanner, `# key\n${block}\n`, [{ ruleId: 'private-key-pgp', secret: block }]);
    });

    it('ignores an armored public key block', () => {
      const label = 'PGP PUBLIC KEY BLOCK';
      expectNone(scanner, [pemLine('BEGIN', label), '', ...fakes.base64Lines(1000), pemLine('END', label)].join('\n'));
    });
  });

  describe('PuTTY key files', () => {
    function ppk(eol: string, version = 2): { file: string; privateLines: string } {
      const pub = fakes.base64Lines(360);
      const priv = fakes.base64Lines(860);
      const privateLines = priv.join(eol);
      const file = [
        `PuTTY-User-Key-File-${version}: ssh-rsa`,
        'Encryption: none',
        'Comment: rsa-key-20240101',
        `Public-Lines: ${pub.length}`,
        ...pub,
        `Private-Lines: ${priv.length}`,
        privateLines,
        'Private-MAC: ' + fakes.chars('0123456789abcdef', 40),
        '',
      ].join(eol);
      return { file, privateLines };
    }

    it('reports the private lines of a version 2 key', () => {
      const { file, privateLines } = ppk('\n');
      expectFindings(scanner, file, [{ ruleId: 'private-key-putty', secret: privateLines }]);
    });

    it('reports the private lines of a version 3 key in a CRLF file', () => {
      const { file, privateLines } = ppk('\r\n', 3);
      expectFindings(scanner, file, [{ ruleId: 'private-key-putty', secret: privateLines }]);
    });

    it('reports private lines that end the file without a newline', () => {
      const priv = fakes.base64Lines(200);
      const file = `PuTTY-User-Key-File-2: ssh-ed25519\nPrivate-Lines: ${priv.length}\n${priv.join('\n')}`;
      expectFindings(scanner, file, [{ ruleId: 'private-key-putty', secret: priv.join('\n') }]);
    });

    it('ignores Private-Lines outside a PuTTY key file', () => {
      expectNone(scanner, 'Private-Lines: 2\n' + fakes.base64Lines(128).join('\n') + '\n');
    });
  });

  describe('pathological inputs', () => {
    const rules = [pemPrivateKey, pgpPrivateKey, puttyPrivateKey];
    const begin = pemLine('BEGIN', 'RSA ' + PK);
    const inputs: Record<string, string> = {
      'repeated BEGIN markers': repeatTo1MB('-----BEGIN '),
      'repeated private key BEGIN lines': repeatTo1MB(begin + '\n'),
      'a BEGIN line and 1 MB of base64 without END': begin + '\n' + repeatTo1MB('A'),
      'a BEGIN line and 1 MB of base64 lines without END': begin + '\n' + repeatTo1MB('A'.repeat(64) + '\n'),
      'a BEGIN line and 1 MB of blank lines': begin + repeatTo1MB(' \n'),
      'BEGIN lines with short bodies': repeatTo1MB(begin + '\nAAAA\n'),
      'repeated header-like lines': begin + '\n' + repeatTo1MB('Proc-Type: 4\n'),
      'repeated Private-Lines': 'PuTTY-User-Key-File-2: x\n' + repeatTo1MB('Private-Lines: 9\nAAAA\n'),
      'Private-Lines and 1 MB of base64': 'PuTTY-User-Key-File-2: x\nPrivate-Lines: 9\n' + repeatTo1MB('A'),
    };
    for (const rule of rules) {
      for (const [name, text] of Object.entries(inputs)) {
        it(`runs ${rule.id} on ${name} quickly`, () => {
          expectRuleFast(rule, text);
        });
      }
    }
  });

  it('declares keywords that occur in every block it matches', () => {
    // The prefilter would otherwise skip the rule on exactly the inputs it exists for.
    const pem = fakes.pem('RSA ');
    expect(pem.toLowerCase()).to.include(pemPrivateKey.keywords[0]);
  });
});
