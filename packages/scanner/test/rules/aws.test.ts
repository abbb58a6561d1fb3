import { expect } from 'chai';
import { createScanner } from '../../src/index.js';
import { awsAccessKeyId, awsSecretAccessKey } from '../../src/rules/aws.js';
import { BASE32, BASE64, expectFindings, expectNone, expectRuleFast, Fakes, HEX, repeatTo1MB } from '../fakes.js';

describe('rules/aws', () => {
  const scanner = createScanner();
  const fakes = new Fakes(202);

  describe('access key id', () => {
    it('reports a long-term key id in a .env file', () => {
      const id = fakes.awsKeyId('AKIA');
      expectFindings(scanner, `AWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${id}\n`, [{ ruleId: 'aws-access-key-id', secret: id }]);
    });

    it('reports a temporary (ASIA) key id in JSON', () => {
      const id = fakes.awsKeyId('ASIA');
      expectFindings(scanner, JSON.stringify({ Credentials: { AccessKeyId: id, Expiration: '2030-01-01T00:00:00Z' } }), [
        { ruleId: 'aws-access-key-id', secret: id },
      ]);
    });

    it('reports a key id in a string literal of code', () => {
      const id = fakes.awsKeyId('ABIA');
      expectFindings(scanner, `const client = new S3({ accessKeyId: '${id}' });\n`, [{ ruleId: 'aws-access-key-id', secret: id }]);
    });

    it('reports key id and secret in a CRLF credentials file', () => {
      const id = fakes.awsKeyId('AKIA');
      const secret = fakes.awsSecret();
      const ini = `[default]\r\naws_access_key_id = ${id}\r\naws_secret_access_key = ${secret}\r\n`;
      expectFindings(scanner, ini, [
        { ruleId: 'aws-access-key-id', secret: id },
        { ruleId: 'aws-secret-access-key', secret },
      ]);
    });

    it('ignores the documentation example key id', () => {
      expectNone(scanner, 'aws_access_key_id = ' + 'AKIA' + 'IOSFODNN7EXAMPLE\n');
    });

    it('ignores a key id one char short', () => {
      expectNone(scanner, 'id: ' + 'AKIA' + fakes.chars(BASE32, 15) + '\n');
    });

    it('ignores a key id run into more alphanumerics', () => {
      expectNone(scanner, 'id: ' + 'AKIA' + fakes.chars(BASE32, 16) + 'Q9\n');
    });

    it('ignores a filler of one repeated char', () => {
      expectNone(scanner, 'id: ' + 'AKIA' + 'A'.repeat(16) + '\n');
    });

    it('ignores the word ASIA in prose', () => {
      expectNone(scanner, 'Regions in ASIA and ' + 'ASIA' + 'PACIFICREGIONSLIST are listed below.\n');
    });
  });

  describe('secret access key', () => {
    it('reports a secret in a YAML mapping with a quoted value', () => {
      const secret = fakes.awsSecret();
      expectFindings(scanner, `env:\n  AWS_SECRET_ACCESS_KEY: "${secret}"\n`, [{ ruleId: 'aws-secret-access-key', secret }]);
    });

    it('reports a SecretAccessKey in JSON', () => {
      const secret = fakes.awsSecret();
      const json = JSON.stringify({ AccessKeyId: 'x', SecretAccessKey: secret }, null, 2);
      expectFindings(scanner, json, [{ ruleId: 'aws-secret-access-key', secret }]);
    });

    it('reports an awsSecretKey in a minified one-liner', () => {
      const secret = fakes.awsSecret();
      expectFindings(scanner, `var c={awsSecretKey:"${secret}",region:"us-east-1"};`, [{ ruleId: 'aws-secret-access-key', secret }]);
    });

    it('reports a secret passed as a Python keyword argument', () => {
      const secret = fakes.awsSecret();
      expectFindings(scanner, `boto3.client("s3", aws_secret_access_key='${secret}')\n`, [{ ruleId: 'aws-secret-access-key', secret }]);
    });

    it('ignores the documentation example secret', () => {
      expectNone(scanner, 'aws_secret_access_key = ' + 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY\n');
    });

    it('ignores a 40-char base64 value under a name that is not an AWS secret', () => {
      expectNone(scanner, `checksum: ${fakes.chars(BASE64, 40)}\n`);
    });

    it('ignores a 40-hex git object id under a commit key', () => {
      expectNone(scanner, `commit: ${fakes.chars(HEX, 40)}\n`);
    });

    it('ignores a placeholder of one repeated char', () => {
      expectNone(scanner, `aws_secret_access_key = ${'0'.repeat(40)}\n`);
    });

    it('reports a secret with no telling name on the line after its key id', () => {
      const id = fakes.awsKeyId('AKIA');
      const secret = fakes.awsSecret();
      expectFindings(scanner, `key = "${id}"\nvalue = "${secret}"\n`, [
        { ruleId: 'aws-access-key-id', secret: id },
        { ruleId: 'aws-secret-access-key-near-id', secret },
      ]);
    });

    it('reports a secret with no telling name before its key id', () => {
      const id = fakes.awsKeyId('ASIA');
      const secret = fakes.awsSecret();
      expectFindings(scanner, `Credentials("${secret}",\n            "${id}")\n`, [
        { ruleId: 'aws-secret-access-key-before-id', secret },
        { ruleId: 'aws-access-key-id', secret: id },
      ]);
    });

    it('ignores hex digests, one-case runs and paths next to a key id', () => {
      const id = fakes.awsKeyId('AKIA');
      const text = `commit ${fakes.chars(HEX, 40)}\nid: ${id}\nsha: ${fakes.chars(HEX.toUpperCase(), 40)}\npath: /usr/local/lib/node_modules/aws-sdk/clients\n`;
      expect(scanner.scan(Buffer.from(text)).map((f) => f.ruleId)).to.deep.equal(['aws-access-key-id']);
    });

    it('ignores a 40-char base64 value with no key id around', () => {
      expectNone(scanner, `value = "${fakes.awsSecret()}"\n`);
    });
  });

  describe('pathological inputs', () => {
    const inputs: Record<string, string> = {
      "'a' repeated": repeatTo1MB('a'),
      "'=' repeated": repeatTo1MB('='),
      'key id prefixes repeated': repeatTo1MB('AKIA'),
      'a 1 MB upper-case run': repeatTo1MB('AKIA' + 'A'.repeat(23)),
      'secret names repeated': repeatTo1MB('aws_secret_access_key='),
      "'awssecret' repeated": repeatTo1MB('awssecret'),
      'a secret name and 1 MB of base64': 'aws_secret_access_key=' + repeatTo1MB('A'),
    };
    for (const rule of [awsAccessKeyId, awsSecretAccessKey]) {
      for (const [name, text] of Object.entries(inputs)) {
        it(`runs ${rule.id} on ${name} quickly`, () => expectRuleFast(rule, text));
      }
    }
  });
});
