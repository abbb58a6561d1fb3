import { expect } from 'chai';
import { createScanner } from '../src/index.js';
import { kubernetesSecretValues } from '../src/kubernetes-secret.js';
import { ALNUM, cpuMs, expectFindings, expectNone, Fakes, pemLine, repeatTo1MB } from './fakes.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('kubernetes Secret values', () => {
  const scanner = createScanner();
  const fakes = new Fakes(6161);

  describe('kubernetesSecretValues', () => {
    it('lists data (encoded) and stringData (plain) values with their spans', () => {
      const text = 'apiVersion: v1\nkind: Secret\ndata:\n  a: QUJD\n  "b.c": \'REVG\'\nstringData:\n  plain: hello world # note\n';
      const values = kubernetesSecretValues(text).map((v) => ({ key: v.key, text: text.slice(v.start, v.end), encoded: v.encoded }));
      expect(values).to.deep.equal([
        { key: 'a', text: 'QUJD', encoded: true },
        { key: 'b.c', text: 'REVG', encoded: true },
        { key: 'plain', text: 'hello world', encoded: false },
      ]);
    });

    it('reads a block scalar value', () => {
      const text = 'kind: Secret\nstringData:\n  config.yaml: |\n    user: x\n    pass: y\n  other: z\n';
      const [first] = kubernetesSecretValues(text);
      expect(text.slice(first!.start, first!.end)).to.equal('user: x\n    pass: y');
    });

    it('lists nothing for documents that are not Secrets', () => {
      expect(kubernetesSecretValues('---\nkind: ConfigMap\ndata:\n  a: QUJD\n')).to.deep.equal([]);
    });

    it('reads the data of a JSON manifest', () => {
      const text = JSON.stringify({ kind: 'Secret', data: { token: 'QUJDREVG', 'x\\y': 'R0g=' } });
      expect(kubernetesSecretValues(text).map((v) => text.slice(v.start, v.end))).to.deep.equal(['QUJDREVG', 'R0g=']);
    });
  });

  describe('through the scanner', () => {
    it('reports a base64 data value that decodes to a password, spanning the base64', () => {
      const v = b64(fakes.password(14));
      expectFindings(scanner, `apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  username: YWRtaW4=\n  password: ${v}\n`, [{ ruleId: 'kubernetes-secret', secret: v, via: 'base64' }]);
    });

    it('reports a short value under a secret-named key', () => {
      const v = b64('hunter2x');
      expectFindings(scanner, `kind: Secret\ndata:\n  db-pass: ${v}\n`, [{ ruleId: 'kubernetes-secret', secret: v, via: 'base64' }]);
    });

    it('reports a stringData value', () => {
      const v = fakes.password(16);
      expectFindings(scanner, `kind: Secret\nstringData:\n  API_TOKEN: "${v}"\n`, [{ ruleId: 'kubernetes-secret', secret: v }]);
    });

    it('reports a .dockerconfigjson value by the registry credentials inside it', () => {
      const auth = b64(`robot:${fakes.password(24)}`);
      const v = b64(JSON.stringify({ auths: { 'registry.internal': { auth } } }));
      expectFindings(scanner, `kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${v}\n`, [
        { ruleId: 'docker-config-auth', secret: v, via: 'base64' },
      ]);
    });

    it('reports a Secret item of a List', () => {
      const v = b64(fakes.password(20));
      expectFindings(scanner, `kind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    data:\n      key: ${v}\n`, [{ ruleId: 'kubernetes-secret', secret: v, via: 'base64' }]);
    });

    it('ignores placeholders, templates, certificates and short non-secret values', () => {
      expectNone(scanner, `kind: Secret\ndata:\n  password: ${b64('changeme')}\n  token: {{ .Values.token | b64enc }}\n  username: ${b64('admin')}\n`);
      const crt = [pemLine('BEGIN', 'CERTIFICATE'), ...fakes.base64Lines(600), pemLine('END', 'CERTIFICATE')].join('\n');
      expectNone(scanner, `kind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(crt)}\n`);
    });

    it('leaves the descriptive entries of a service-binding Secret and takes its password', () => {
      const pw = fakes.password(18);
      const text = [
        'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: orders-db', 'type: servicebinding.io/postgresql', 'stringData:',
        '  type: "postgresql"', '  provider: bitnami', '  host: orders-db.prod.svc.cluster.local', '  port: "5432"',
        '  database: orders_production', '  username: orders_service_account', `  password: "${pw}"`, '',
      ].join('\n');
      expectFindings(scanner, text, [{ ruleId: 'kubernetes-secret', secret: pw }]);
    });

    it('still reports a descriptive entry that hides a credential (a URI with a password)', () => {
      const pw = fakes.password(18);
      const uri = `postgresql://orders:${pw}@orders-db:5432/orders`;
      const found = scanner.scan(Buffer.from(`kind: Secret\nstringData:\n  database: "${uri}"\n`));
      expect(found).to.have.length(1);
      const text = `kind: Secret\nstringData:\n  database: "${uri}"\n`;
      expect(text.slice(found[0]!.start, found[0]!.end)).to.include(pw);
    });

    it('reports a random value under a descriptive key that is no plain word', () => {
      const v = fakes.chars(ALNUM, 10) + '!' + fakes.chars(ALNUM, 9);
      expectFindings(scanner, `kind: Secret\nstringData:\n  user: "${v}"\n`, [{ ruleId: 'kubernetes-secret', secret: v }]);
    });

    it('ignores stringData values that tell the operator what to put there', () => {
      expectNone(scanner, 'kind: Secret\nstringData:\n  gitgate.key: "REPLACE-WITH-openssl-rand-hex-32"\n  GITHUB_TOKEN: "REPLACE-WITH-A-READ-ONLY-GITHUB-TOKEN"\n');
    });

    it('overrules a rule that sees only the base64 text of a placeholder', () => {
      expectNone(scanner, `kind: Secret\ndata:\n  api-key: ${b64('REPLACE_ME')}\n`);
    });

    it('leaves a ConfigMap alone', () => {
      expectNone(scanner, `kind: ConfigMap\ndata:\n  banner: ${b64('welcome ' + fakes.chars(ALNUM, 3))}\n`);
    });

    it('handles 1 MB of Secret-like lines quickly', () => {
      const used = cpuMs(() => {
        scanner.scan(Buffer.from('kind: Secret\ndata:\n' + repeatTo1MB('  k: QUJD\n')));
        scanner.scan(Buffer.from(repeatTo1MB('kind: Secret\ndata:\n')));
      });
      expect(used).to.be.below(3000);
    });
  });
});
