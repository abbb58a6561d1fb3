import { createScanner } from '../src/index.js';
import { BASE32, BASE64, expectNone, Fakes, HEX, pemLine } from './fakes.js';

// Content that looks like secrets to a naive scanner but is not: each must yield no finding
// from the full default rule set.
describe('hard negatives (default rules)', () => {
  const scanner = createScanner();
  const fakes = new Fakes(909);
  const uuid = (): string => [8, 4, 4, 4, 12].map((n) => fakes.chars(HEX, n)).join('-');
  const sri = (bits: 256 | 384 | 512): string => `sha${bits}-` + fakes.chars(BASE64, Math.ceil(bits / 6) - 2) + '==';
  const PK = ['PRIVATE', 'KEY'].join(' ');

  const cases: Record<string, () => string> = {
    'UUIDs as ids': () => `id: ${uuid()}\nrequestId: "${uuid()}"\n`,
    'a UUID in a JSON correlation header': () => JSON.stringify({ 'x-correlation-id': uuid() }),
    '40-hex git object ids in a log': () => `commit ${fakes.chars(HEX, 40)}\nMerge: ${fakes.chars(HEX, 7)} ${fakes.chars(HEX, 7)}\n`,
    'a 40-hex id in a submodule status': () => ` ${fakes.chars(HEX, 40)} vendor/lib (v1.2.3)\n`,
    'sha512 integrity strings in package-lock.json': () =>
      JSON.stringify(
        {
          packages: {
            'node_modules/js-tokens': {
              version: '4.0.0',
              resolved: 'https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz',
              integrity: sri(512),
            },
            'node_modules/@octokit/auth-token': { version: '2.4.0', integrity: sri(512) },
          },
        },
        null,
        2,
      ),
    'a minified package-lock line': () => `{"node_modules/tokenizer":{"version":"1.0.0","integrity":"${sri(512)}"}}`,
    'yarn.lock integrity': () => `"oauth-sign@~0.9.0":\n  version "0.9.0"\n  integrity ${sri(512)}\n`,
    'go.sum hashes of an oauth module': () => `golang.org/x/oauth2 v0.15.0 h1:${fakes.chars(BASE64, 43)}=\n`,
    'SRI hashes in HTML': () => `<script src="app.js" integrity="${sri(384)}" crossorigin="anonymous"></script>\n`,
    'a ${VAR} reference in .env': () => 'DB_PASSWORD=${DB_PASSWORD}\nAPI_KEY="${API_KEY:-}"\n',
    'Helm values references': () => 'password: {{ .Values.db.password | quote }}\ntoken: "{{ .Values.token }}"\n',
    'a GitHub Actions workflow': () =>
      'env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
    'a Kubernetes secretKeyRef': () =>
      'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password\n',
    'a public key block': () => [pemLine('BEGIN', 'PUBLIC KEY'), ...fakes.base64Lines(392), pemLine('END', 'PUBLIC KEY')].join('\n'),
    'an RSA public key block': () => [pemLine('BEGIN', 'RSA PUBLIC KEY'), ...fakes.base64Lines(360), pemLine('END', 'RSA PUBLIC KEY')].join('\n'),
    'a certificate': () => [pemLine('BEGIN', 'CERTIFICATE'), ...fakes.base64Lines(1200), pemLine('END', 'CERTIFICATE')].join('\n'),
    'a certificate request': () =>
      [pemLine('BEGIN', 'CERTIFICATE REQUEST'), ...fakes.base64Lines(900), pemLine('END', 'CERTIFICATE REQUEST')].join('\n'),
    'a key block with a placeholder body': () => [pemLine('BEGIN', 'RSA ' + PK), '<your key here>', pemLine('END', 'RSA ' + PK)].join('\n'),
    'an authorized_keys line': () => 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ' + fakes.chars(BASE64, 300) + ' ci@builder\n',
    'the AWS documentation example key id': () => 'aws_access_key_id=' + 'AKIA' + 'IOSFODNN7EXAMPLE\n',
    'the AWS documentation example secret': () => 'aws_secret_access_key=' + 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY\n',
    'a low-entropy password': () => 'password = "changeme"\n',
    'a short password': () => 'password: abc123\n',
    'a masked password in docs': () => 'DB_PASSWORD=********\n',
    'a .env.example file': () => 'API_KEY=your-api-key-here\nSECRET_KEY=<generate one>\nTOKEN=\nPASSWORD=changeme\n',
    'a README with placeholder tokens': () =>
      `Set GITHUB_TOKEN=${'gh' + 'p_'}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx and SLACK=${'xox' + 'b-'}your-token-here.\n`,
    'code that reads secrets from the environment': () =>
      'const token = process.env.TOKEN;\napi_key = os.environ["API_KEY"]\npassword := os.Getenv("PASSWORD")\n',
    'a base64 image data URI': () => `background: url(data:image/png;base64,${fakes.chars(BASE64, 2000)}==);\n`,
    'SVG path data': () => `<path d="M${fakes.chars('0123456789 .,-', 400)}z"/>\n`,
    'a URL with a port and no userinfo': () => 'API_URL=https://api.internal:8443/v1/tokens\n',
    'an scp-style git remote': () => 'git remote add origin git@github.com:org/secret-project.git\n',
    'a random base32 run that is not an AWS id': () => `digest: ${fakes.chars(BASE32, 32)}\n`,
    'a gateway token under a secret name': () => `password: [[TOKEN_generic-secret_${fakes.chars(BASE32, 26)}]]\n`,
    'a fingerprinted favicon asset name': () => `<link rel="icon" href="/assets/video_box.${'ic' + 'o-'}${fakes.chars(HEX, 32)}.png">\n`,
    'prose about passwords and tokens': () =>
      'The password must be at least 12 characters. Tokens expire after 1 hour; rotate the secret monthly.\n',
  };

  for (const [name, make] of Object.entries(cases)) {
    it(`ignores ${name}`, () => expectNone(scanner, make()));
  }
});
