import { expect } from 'chai';
import { createScanner } from '../../src/index.js';
import { genericSecretAssignment, genericSecretPadded, genericSecretUnquoted, malformedPrefixedToken } from '../../src/rules/generic-assignment.js';
import { ALNUM, BASE64, DIGITS, expectFindings, expectNone, expectRuleFast, Fakes, HEX, LOWER, repeatTo1MB } from '../fakes.js';

const RULE = 'generic-secret-assignment';
const BARE = 'generic-secret-unquoted';
const PADDED = 'generic-secret-padded';

describe('rules/generic-assignment', () => {
  const scanner = createScanner();
  const fakes = new Fakes(707);

  describe('reports the value only, in each assignment syntax', () => {
    const cases: Array<[string, (v: string) => string] | [string, string, (v: string) => string]> = [
      ['a .env line', BARE, (v) => `DB_HOST=db\nDB_PASSWORD=${v}\nDB_PORT=5432\n`],
      ['an exported shell variable', BARE, (v) => `export API_KEY=${v}\n`],
      ['a YAML bare value', BARE, (v) => `db:\n  password: ${v}\n  user: app\n`],
      ['a YAML double-quoted value', (v) => `oauth:\n  client_secret: "${v}"\n`],
      ['a YAML single-quoted value', (v) => `auth_token: '${v}'\n`],
      ['a JSON member', (v) => JSON.stringify({ service: 'x', apiKey: v }, null, 2)],
      ['a JSON member escaped inside a JSON string', (v) => JSON.stringify({ config: JSON.stringify({ password: v }) })],
      ['a JavaScript const', (v) => `const authToken = '${v}';\n`],
      ['a JavaScript template literal', (v) => 'const apiKey = `' + v + '`;\n'],
      ['a Python keyword argument', (v) => `conn = connect(host="db", password="${v}")\n`],
      ['a PHP array entry', (v) => `'password' => '${v}',\n`],
      ['a Go short declaration', (v) => `clientSecret := "${v}"\n`],
      ['a Java properties line', BARE, (v) => `spring.datasource.password=${v}\n`],
      ['a CRLF ini file', BARE, (v) => `[database]\r\nhost = db\r\npasswd = ${v}\r\n`],
      ['a TOML string', (v) => `[app]\nsecret_key_base = "${v}"\n`],
      ['an XML attribute', (v) => `<connection user="app" password="${v}" />\n`],
      ['a minified one-liner', (v) => `var c={user:"app",pwd:"${v}",port:5432};`],
      ['a query string parameter', BARE, (v) => `GET /cb?access_token=${v}&state=1 HTTP/1.1\n`],
      ['a private_key member holding a non-PEM value', (v) => `{"private_key": "${v}"}`],
    ];
    for (const c of cases) {
      const [name, ruleId, make] = c.length === 3 ? c : [c[0], RULE, c[1]];
      it(`in ${name}`, () => {
        const v = fakes.password(20);
        expectFindings(scanner, make(v), [{ ruleId, secret: v }]);
      });
    }

    const names = ['password', 'PASSWD', 'passphrase', 'db_pwd', 'client_secret', 'authToken', 'API_KEY', 'api-key', 'apiKey',
      'access_key', 'accessKey', 'private_key', 'privateKey', 'auth', 'Authorization', 'x-api-key'];
    for (const name of names) {
      it(`under the secret name ${name} (its keyword passes the prefilter)`, () => {
        const v = fakes.password(18);
        expectFindings(scanner, `${name}=${v}\n`, [{ ruleId: BARE, secret: v }]);
      });
    }

    it('after a Token auth scheme, without the scheme', () => {
      const v = fakes.chars(ALNUM, 40);
      expectFindings(scanner, `Authorization: Token ${v}\r\n`, [{ ruleId: BARE, secret: v }]);
    });

    it('in a Kubernetes env entry (name on one line, value on the next)', () => {
      const v = fakes.password(20);
      expectFindings(scanner, `env:\n  - name: DB_PASSWORD\n    value: "${v}"\n`, [{ ruleId: RULE, secret: v }]);
    });

    it('with the other kind of quote inside a quoted value', () => {
      const v = fakes.chars(ALNUM, 10) + "'" + fakes.chars(ALNUM, 10);
      expectFindings(scanner, `password: "${v}"\n`, [{ ruleId: RULE, secret: v }]);
    });

    it('of several secrets on one line, each on its own', () => {
      const [a, b] = [fakes.password(), fakes.password()];
      expectFindings(scanner, `{"password":"${a}","token":"${b}"}`, [
        { ruleId: RULE, secret: a },
        { ruleId: RULE, secret: b },
      ]);
    });

    it('of a secret nested in a rejected URL value', () => {
      const v = fakes.chars(ALNUM, 32);
      expectFindings(scanner, `token_url: https://h.internal/cb?access_token=${v}&x=1\n`, [{ ruleId: BARE, secret: v }]);
    });

    it('of a quoted camelCase literal (only bare identifiers are code)', () => {
      // Built from parts: a literal the scanner reports would be a secret-shaped string in the repository.
      const word = ['blue', 'Horse', 'Staple'].join('');
      expectFindings(scanner, `const password = "${word}";\n`, [{ ruleId: RULE, secret: word }]);
    });

    it('of a quoted passphrase of four lower-case words joined by hyphens', () => {
      const v = [0, 1, 2, 3].map(() => fakes.chars(LOWER, 6)).join('-');
      expectFindings(scanner, `password = '${v}'\n`, [{ ruleId: RULE, secret: v }]);
    });

    it('of a bare value that mixes letters and digits', () => {
      const v = fakes.chars(ALNUM, 6) + '7' + fakes.chars(ALNUM, 6);
      expectFindings(scanner, `auth_token: ${v}\n`, [{ ruleId: BARE, secret: v }]);
    });

    it('of a long value at the 200-char limit', () => {
      const v = fakes.chars(BASE64, 200);
      expectFindings(scanner, `secret: ${v}\n`, [{ ruleId: BARE, secret: v }]);
    });
  });

  describe('ignores placeholders and references', () => {
    const negatives: Record<string, string> = {
      'changeme': 'password = "changeme"\n',
      'the word password': 'password: password\n',
      'password plus digits': 'password: "password123"\n',
      'a ${VAR} reference': 'password: ${DB_PASSWORD}\n',
      'a quoted ${VAR} reference': 'DB_PASSWORD="${DB_PASSWORD:-}"\n',
      'a Helm template': 'password: {{ .Values.db.password }}\n',
      'a quoted Helm template': 'password: "{{ .Values.db.password }}"\n',
      'a GitHub Actions secret': 'token: ${{ secrets.GITHUB_TOKEN }}\n',
      'an angle-bracket placeholder': 'api_key: "<your-api-key>"\n',
      'a $VAR reference': 'API_KEY=$PROD_API_KEY\n',
      'a %VAR% reference': 'set API_KEY=%PROD_API_KEY%\n',
      'an x mask': 'password=xxxxxxxxxxxx\n',
      'a star mask': 'password: "********"\n',
      'an example value': 'apiKey: "example-api-key-1234"\n',
      'a dummy value': 'secret: dummy_secret_value\n',
      'a test value': 'password: test1234test\n',
      'a your_ hint': 'client_secret: your_client_secret_here\n',
      'null': 'token: null\n',
      'none': 'password: none\n',
      'true': 'auth_enabled: true\n',
      'false': 'auth: false\n',
      'one repeated char': 'password: aaaaaaaaaaaa\n',
      'a low-entropy value': 'password = "abababababab"\n',
      'a value under 8 chars': 'password: Xk9#q2\n',
      'process.env': 'const password = process.env.DB_PASSWORD;\n',
      'os.environ': 'password = os.environ["DB_PASSWORD"]\n',
      'os.getenv': "password = os.getenv('DB_PASSWORD')\n",
      'a function call': 'token = getToken(user, scope)\n',
      'a dotted property path': 'password = config.database.password\n',
      'an index expression': "secret = settings['SECRET_KEY']\n",
      'a URL under a token_url name': 'token_url: https://oauth2.googleapis.com/token\n',
      'a file path': 'password_file: /run/secrets/db_password\n',
      'a relative path to a key file': 'tls_private_key: ./certs/Server-Key.pem\n',
      'a semver range': '"@octokit/auth-token": "^2.4.0-beta.12"\n',
      'a k8s secret name': 'secretName: db-credentials-secret\n',
      'an enum under auth_method': 'auth_method: oauth2-client-credentials\n',
      'an author': 'author: Jonathan-Richardson\n',
      'a prose hint with spaces': 'passwordHint: "Your first pet name"\n',
      'a C++ scope': 'auth::token::generate(&cfg);\n',
      'a type annotation': 'apiKey: string;\n',
      'a camelCase variable': 'const user = { name, password: hashedPassword, role };\n',
      'a PascalCase class name': 'auth: AuthorizationService,\n',
      'a SCREAMING_SNAKE constant': 'apiKey: API_KEY_FROM_ENV,\n',
      'a Ruby instance variable': 'token: @access_token_value\n',
      'a TypeScript union type': 'export type Authentication = OAuthTokenAuthentication | AppAuthentication;\n',
      'a generic type': 'export type SecretsOperation = Operation<"/repos/{owner}/{repo}/actions/secrets">;\n',
      'a translated message after a Token word': '{"Unexpected_token_1012": "Token imprevisto."}\n',
      'a member access': 'builder.token = tokenlist->list;\n',
      'optional chaining': 'generateToken: options?.generateToken,\n',
      'a working directory': "env: { PWD: '/Users/maciej', HOME: '/Users/maciej' }\n",
      'a pure-annotated function': 'var CancelToken = /*#__PURE__*/function () {\n',
      'a parenthesised expression': "proxyAuth = (proxyUsername || '') + ':' + (proxyPassword || '');\n",
      'minified code with a method call': 'return{username:n?e.slice(0,i):e,password:n?e.slice(i+1):void 0}\n',
      'a destructured private name': 'const { regKey: scopeAuthKey, authKey: _authKey } = reg;\n',
      'an array of a property path': 'token.end = [this.sourceToken];\n',
      'a negated property path': 'this._noAuthorization = !req.headers.authorization;\n',
      'a regex literal': "const UNEXPECTED_TOKEN = /^Unexpected token '?(.)'?/;\n",
      'a parameter type with a digit': 'tokenFor(type: string, secret: Uint8Array): string;\n',
      'a symbol set': "export const PASSWORD_SYMBOLS = '!%*+-._@^~';\n",
      'a TypeScript readonly type': 'export const privateKeyRules: readonly Rule[] = [a, b];\n',
      'a JSON-escaped code reference in a source map': '"  password: urlPassword\\n  }"\n',
      'a token counter': 'max_tokens: 4096\n',
      'a non-secret key holding a random value': `checksum: ${fakes.chars(BASE64, 40)}\n`,
      'a git object id under a non-secret key': `commit: ${fakes.chars(HEX, 40)}\n`,
      'a value over 200 chars': `secret: ${fakes.chars(ALNUM, 201)}\n`,
      'a long property path in a type map': '"Storage.getPrivateVerificationTokens": Protocol.Storage.GetPrivateVerificationTokensParameters;\n',
      'an enum word under an auth-prefixed name': 'authenticatorAttachment: "platform",\n',
      'an error code under an unauthorized name': 'UnauthorizedClientError.errorCode = "unauthorized_client";\n',
      'a negated flag': 'rejectUnauthorized: !ignoreHTTPSErrors,\n',
      'a class with a digit in a conditional export': '})(Socks5Auth || (exports.Socks5Auth = Socks5Auth));\n',
      'a type named like its key': '    Authentication: Authentication;\n',
      'a CSS rule': '.codicon-gist-secret:before{content:"x"}\n',
      'a ternary of words': "socket.authorized ? 'authorized' : 'unauthorized'\n",
      'minified code assigning a call': 't.tokenize=null:t.tokenize=w(e,n)\n',
      'a quoted kebab-case default of an event type': `function note(type: Kind = '${['detokenize', 'request'].join('-')}'): Note {\n`,
      'a quoted kebab-case value of three words under a secret name': `expect(hook).to.include({ secret: '${['webhook', 'signing', 'mode'].join('-')}' });\n`,
      'a quoted camelCase name of a credential (a storage key)': `const REFRESH_TOKEN_KEY = '${['refresh', 'Token'].join('')}';\n`,
      'a quoted camelCase name holding a credential word in the middle': `const password = "${['hashed', 'Password', 'Value'].join('')}";\n`,
      'a quoted property name tested with in': "authenticator: 'authenticator' in opts.auth ? opts.auth.authenticator : undefined,\n",
      'a gateway token': `password: "[[TOKEN_generic-secret_${fakes.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 26)}]]"\n`,
    };
    for (const [name, text] of Object.entries(negatives)) {
      it(`ignores ${name}`, () => expectNone(scanner, text));
    }
  });

  /** The findings of `text` scanned as the file `path`, as `ruleId:secret` strings. */
  const foundAt = (path: string | undefined, text: string): string[] =>
    scanner.scan(Buffer.from(text), path === undefined ? undefined : { path }).map((f) => `${f.ruleId}:${text.slice(f.start, f.end)}`);

  describe('ignores values public by design, and only under their exact names', () => {
    const b64 = (): string => fakes.chars(BASE64, 86) + '==';
    const negatives: Record<string, () => string> = {
      'a CSRF meta token': () => `csrf-token=${b64()}\n`,
      'a Rails authenticity_token input': () => `<input type="hidden" name="authenticity_token" value="${fakes.chars(ALNUM + '_-', 86)}" />\n`,
      'an XSRF token': () => `XSRF_TOKEN: "${fakes.chars(ALNUM, 40)}"\n`,
      'a token named public': () => `publicToken = "${fakes.chars(ALNUM, 43)}"\n`,
      'the Authentication-Results mail header': () => `Authentication-Results: ${fakes.chars('abcdefgh', 2)}.ca.iphmx.com\n`,
      'a Maven coordinate of io.jsonwebtoken': () => 'notes = "Maven - io.jsonwebtoken:jjwt-jackson-0.11.2"\n',
      'the vault an operator stores secrets in': () => `  keyVaultToStoreSecrets: cmp2-qat-${fakes.chars('0123456789', 10)}\n`,
      'a namespace-qualified XSD type name': () => `token:"clm${fakes.chars('0123456789', 5)}:AgencyIdentificationCodeContentType"\n`,
    };
    for (const [name, make] of Object.entries(negatives)) {
      it(`ignores ${name}`, () => expectNone(scanner, make()));
    }

    it('still reports tokens whose names merely contain those words', () => {
      for (const name of ['csrf_secret', 'api_token', 'publication_token', 'AUTH_TOKEN']) {
        const v = fakes.chars(ALNUM, 32);
        expectFindings(scanner, `${name} = "${v}"\n`, [{ ruleId: RULE, secret: v }]);
      }
    });
  });

  describe('in code, takes quoted literals and never code', () => {
    const code: Record<string, [string, string]> = {
      'a keyword argument naming a variable': ['tests/test_requests.py', 'r = requests.get(url, auth=wrong_auth)\n'],
      'an attribute assigned a variable': ['tests/test_requests.py', 's.auth = wrong_auth\n'],
      'a module attribute patched with a variable': ['tests/test_requests.py', 'requests.sessions.get_netrc_auth = old_netrc\n'],
      'a header mapped to a variable': ['tests/test_requests.py', 'session.headers.update({"Proxy-Authorization": proxy_header_value})\n'],
      'a private member path': ['src/github-connector.ts', 'const auth = this.#opts.auth;\n'],
      'a non-null assertion': ['src/config.ts', 'det.webhook = { url: wh.url, secret: r.value! };\n'],
      'a type annotation': ['src/identity.ts', 'export const anonymousAuthenticator: Authenticator = { authenticate };\n'],
      'a generic type annotation': ['src/api.ts', 'function f(auth: Provider<Credentials>, token?: string | undefined) {}\n'],
      'a union type annotation': ['src/api.ts', 'let accessToken: AccessTokenValue | undefined;\n'],
      'a process.env reference': ['app.js', 'const apiKey = process.env.ACME_API_KEY;\n'],
      'an os.environ lookup': ['settings.py', 'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n'],
      'a template placeholder': ['deploy.ts', 'const url = `https://h/?token=${accessTokenFromVault}`;\n'],
      'a comparison with an identifier': ['lexer.py', 'if token == TokenKindLiteral:\n    pass\n'],
      'a docstring line': ['models.py', '    :param auth: Authentication handler or credentials tuple.\n'],
      'a tuple of status names': ['status_codes.py', "407: ('proxy_authentication_required', 'proxy_auth', 'proxy_authentication'),\n"],
      'a list of event kinds': ['audit-schema.ts', "WHERE kind IN ('detokenize-request', 'detokenize-approve', 'detokenize-deny')\n"],
      'a call with two names': ['auth.py', "return self.retry_using_http_NTLM_auth('www-authenticate', 'Authorization', r)\n"],
      'a quoted error code': ['errors.js', 'ERR_COOKIE_SECRET_REQUIRED: "ERR_COOKIE_SECRET_REQUIRED",\n'],
      'a long quoted constant': ['prop-types.js', "var ReactPropTypesSecret = 'SECRET_DO_NOT_PASS_THIS_OR_YOU_WILL_BE_FIRED';\n"],
      'a quoted action name with a version': ['actions.js', 'export const AUTHORIZE_OAUTH2 = "authorize_oauth2";\n'],
      'a prefix completed at run time': ['config.test.ts', "const token = 'metrics-' + 'x'.repeat(24);\n"],
      'a stand-in phrase': ['github-connector.test.ts', "appConnector({ auth: { app: { privateKey: 'not-a-key-xyz' } } });\n"],
    };
    for (const [name, [path, text]] of Object.entries(code)) {
      it(`ignores ${name}`, () => expect(foundAt(path, text)).to.deep.equal([]));
    }

    it('reports a quoted literal that code concatenates with more', () => {
      const v = fakes.chars(ALNUM, 14) + '3' + fakes.chars(ALNUM, 5);
      expect(foundAt('Keys.java', `String apiKey = "${v}" +\n    "${fakes.chars(ALNUM, 20)}";\n`)).to.deep.equal([`${RULE}:${v}`]);
    });

    it('reports a quoted literal in the same code', () => {
      const v = fakes.password(20);
      expect(foundAt('tests/test_requests.py', `s.auth = wrong_auth\nproxy_password = "${v}"\n`)).to.deep.equal([`${RULE}:${v}`]);
    });

    it('reports a bare value in a config file that it ignores in code', () => {
      const v = fakes.chars(ALNUM, 12) + '9' + fakes.chars(ALNUM, 7);
      expect(foundAt('settings.py', `db_password = ${v}\n`)).to.deep.equal([]);
      expect(foundAt('settings.ini', `db_password = ${v}\n`)).to.deep.equal([`${BARE}:${v}`]);
      expect(foundAt('.env.production', `DB_PASSWORD=${v}\n`)).to.deep.equal([`${BARE}:${v}`]);
      expect(foundAt(undefined, `db_password = ${v}\n`)).to.deep.equal([`${BARE}:${v}`]);
    });
  });

  it('reports a bare value inside encoded content of a code file (decoded content has no kind)', () => {
    const v = fakes.chars(ALNUM, 12) + '5' + fakes.chars(ALNUM, 7);
    const b64 = Buffer.from(`DB_HOST=db\nDB_PASSWORD=${v}\n`).toString('base64');
    const found = scanner.scan(Buffer.from(`export const envFile = "${b64}";\n`), { path: 'src/env.ts' });
    expect(found.map((f) => [f.ruleId, f.via])).to.deep.equal([[BARE, 'base64']]);
  });

  describe('in content of unknown kind (no path: commit messages), ignores the code it used to take', () => {
    const unknownKind: Array<[string, string]> = [
      ['a keyword argument naming a variable', 'r = requests.get(url, auth=wrong_auth)\n'],
      ['a variable assigned a stand-in name', 'requests.sessions.get_netrc_auth = old_auth\n'],
      ['a private member path', 'const auth = this.#opts.auth;\n'],
      ['a non-null assertion', 'secret: r.value!,\n'],
      ['a type annotation followed by an initialiser', 'export const anonymousAuthenticator: Authenticator = { a };\n'],
      ['a file: reference', 'upstream: { basic: { username: svc, password: file:/run/secrets/pw } }\n'],
      ['an env: reference', 'anchorWebhook: { url, secret: env:SINK_SECRET, intervalSeconds: 300 }\n'],
      ['a header mapped to a variable', 'session.headers.update({"Proxy-Authorization": proxy_auth_value})\n'],
      ['a comparison with an identifier', 'if token == TokenKindLiteral:\n'],
      ['an Ant filter token', '<replace token="$next-version$" value="${project.version}" />\n'],
      ['an e-mail address under a user name', 'auth_user: ops-team@billing.internal\n'],
      ['a URL-template placeholder', '[![CircleCI](https://circleci.com/gh/acme/app.svg?circle-token=:circle-token)]\n'],
      ['a SCSS variable', '$btn-authorize-border-color: $_color-post !default;\n'],
      ['a JSX expression', 'onAuthChange={this.onAuthChange}\n'],
      ['a snake_case name', 'requests.sessions.get_netrc_auth = saved_netrc_lookup\n'],
      ['an AES-GCM authentication tag', '{"encryptedText":"wdYTOw==","authTag":"pbC2HFCHVKkeAVA46GoNtg=="}\n'],
      ['a prefixed C constant', '*token = yaml_STREAM_END_TOKEN\n'],
      ['a Go composite literal', 'token := yaml_token_t{}\n'],
      ['a snake_case name with a number', 'HTTPDigestAuth:handle_401` (241:283)\n'],
      ['a docstring of prose', '    :param auth: Colon-separated username:password string for the proxy.\n'],
      ['a member of this in minified code', 'x=this._tokenizer._sectionStart-t:this._tokenizer.getAbsoluteIndex()\n'],
      ['an object literal in minified code', 'statePlugins:{auth:{reducers:o,actions:a},spec:{}}\n'],
    ];
    for (const [name, text] of unknownKind) {
      it(`ignores ${name}`, () => expect(foundAt(undefined, text)).to.deep.equal([]));
    }
  });

  describe('catches the syntaxes', () => {
    const syntaxes: Array<[string, string, (v: string) => string, string]> = [
      ['an XML element whose value is on its own line', 'settings.xml', (v) => `<server>\n  <password>\n    ${v}\n  </password>\n</server>\n`, 'generic-xml-secret'],
      ['a Go typed var', 'main.go', (v) => `var apiToken string = "${v}"\n`, RULE],
      ['a Kotlin typed val', 'App.kt', (v) => `val clientSecret: String = "${v}"\n`, RULE],
      ['a PHP .= append', 'config.php', (v) => `$db_password .= "${v}";\n`, RULE],
      ['System.setProperty', 'Main.java', (v) => `System.setProperty("X_TOKEN", "${v}");\n`, RULE],
      ['a Makefile ::= assignment', 'Makefile', (v) => `API_TOKEN ::= ${v}\n`, BARE],
      ['a Makefile :::= assignment', 'rules.mk', (v) => `API_TOKEN :::= ${v}\n`, BARE],
      ['a Makefile ?= assignment', 'Makefile', (v) => `DEPLOY_SECRET ?= ${v}\n`, BARE],
      ['a nuget.config ClearTextPassword', 'nuget.config', (v) => `<packageSourceCredentials>\n  <feed>\n    <add key="Username" value="ci" />\n    <add key="ClearTextPassword" value="${v}" />\n  </feed>\n</packageSourceCredentials>\n`, RULE],
      ['an appSettings Password entry', 'Web.config', (v) => `<appSettings>\n  <add key="Password" value="${v}"/>\n</appSettings>\n`, RULE],
      ['a Dockerfile ENV in the space form', 'Dockerfile', (v) => `FROM alpine\nENV DB_PASS ${v}\n`, BARE],
      ['YAML with the value on the line after the key', 'values.yaml', (v) => `db:\n  password:\n    ${v}\n  port: 5432\n`, BARE],
      ['an INI pass entry', 'db.ini', (v) => `[client]\nuser = app\npass = ${v}\n`, BARE],
      ['a value after hundreds of spaces', 'app.properties', (v) => `password =${' '.repeat(600)}${v}\n`, PADDED],
      ['a quoted value after hundreds of spaces', 'settings.py', (v) => `PASSWORD =${' '.repeat(600)}"${v}"\n`, PADDED],
      ['a value after a run of tabs', '.env', (v) => `API_TOKEN:${'\t'.repeat(40)}${v}\n`, PADDED],
      ['a value after 17 spaces', '.env', (v) => `API_TOKEN=${' '.repeat(17)}${v}\n`, PADDED],
      ['a value after 16 spaces', '.env', (v) => `API_TOKEN=${' '.repeat(16)}${v}\n`, BARE],
      ['a bearer credential inside quotes in code', 'client.py', (v) => `headers = {"Authorization": "Bearer ${v}"}\n`, RULE],
    ];
    for (const [name, path, make, ruleId] of syntaxes) {
      it(`in ${name}`, () => {
        const v = fakes.chars(ALNUM, 14) + '7' + fakes.chars(ALNUM, 9);
        const found = foundAt(path, make(v));
        // A provider rule may take an auth header first; the value must come out either way.
        expect(found.map((f) => f.slice(f.indexOf(':') + 1))).to.deep.equal([v]);
        if (!name.startsWith('a bearer')) expect(found).to.deep.equal([`${ruleId}:${v}`]);
      });
    }
  });

  describe('stand-in words excuse a value only when they dominate it', () => {
    for (const [name, make] of Object.entries<(r: string) => string>({
      'a password that merely contains Secret': (r) => `Prod-Secret-${r}`,
      'a password that contains example': (r) => `${r.slice(0, 6)}example${r.slice(6)}`,
      'a password that contains a keyboard run': (r) => `${r}0123456`,
      'a password that contains test and a run of one char': (r) => `test${r.slice(0, 6)}00000000${r.slice(6)}`,
    })) {
      it(`reports ${name}`, () => {
        const v = make(fakes.chars(ALNUM, 12) + '4');
        expect(foundAt('.env', `DB_PASSWORD=${v}\n`)).to.deep.equal([`${BARE}:${v}`]);
        expect(foundAt('db.py', `DB_PASSWORD = "${v}"\n`)).to.deep.equal([`${RULE}:${v}`]);
      });
    }
    it('reports a password written in another script (its letters are not separators)', () => {
      const v = '\u043f\u0430\u0440\u043e\u043b\u044c-' + fakes.chars(ALNUM, 3) + '-\u0442\u0430\u0439\u043d\u0430';
      expectFindings(scanner, `DB_PASSWORD=${v}\n`, [{ ruleId: BARE, secret: v }]);
    });
    it('ignores a Basic credential whose password is a stand-in word and two bytes of another script', () => {
      const basic = Buffer.concat([Buffer.from('\xc5\xafsername:test', 'latin1'), Buffer.from([0xc6, 0xb6])]).toString('base64');
      expectNone(scanner, `assert p.headers["Authorization"] == "Basic ${basic}"\n`);
    });
    for (const v of ['gh' + 'p_PersonalAccessToken01245678900000000', 'ghs_InstallationOrActionToken00000000', 'jwt_abc123', 'unsupported_token_type', 'wrong_auth_value', 'your-api-key-here', 'changeme2024!', 'my-super-secret-password', 'example-token-1234', 'fake_secret_xxxxxxxx', 'TestPassword123']) {
      it(`ignores the stand-in ${v}`, () => expect(foundAt('.env', `API_SECRET=${v}\nAPI_TOKEN="${v}"\n`)).to.deep.equal([]));
    }
  });

  describe('the base64 of a stand-in is a stand-in', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    it('ignores base64 of changeme and of an alphabet run', () => {
      expectNone(scanner, `// base64 text (the rule sees \`password: ${b64('change' + 'me')}\`) is overruled.\n`);
      expectNone(scanner, JSON.stringify({ kind: 'Secret', data: { token: b64('ABCDEF') } }));
    });
    it('reports base64 of a random value, and a random value that happens to be base64', () => {
      const v = b64(fakes.password(12));
      expectFindings(scanner, `password: "${v}"\n`, [{ ruleId: RULE, secret: v }]);
      const w = fakes.chars(ALNUM, 16);
      expectFindings(scanner, `password: "${w}"\n`, [{ ruleId: RULE, secret: w }]);
    });
  });

  describe('short values typed to fill a slot are stand-ins', () => {
    /** Three letters or digits in a row of the alphabet or the digits, each letter in a random case. */
    const triple = (): string => {
      const run = fakes.chars('ab', 1) === 'a' ? LOWER : DIGITS;
      const at = run.indexOf(fakes.chars(run.slice(0, -2), 1));
      return [...run.slice(at, at + 3)].map((c) => (fakes.chars('ab', 1) === 'a' ? c.toUpperCase() : c)).join('');
    };
    it('ignores a value of alphabet and digit runs in threes (as AbCeFG123 is)', () => {
      const v = triple() + triple() + triple();
      expect(foundAt('.env', `SUMO_ACCESS_KEY=${v}\nAPI_TOKEN="${v}"\n`)).to.deep.equal([]);
    });
    it('reports a random value that holds one such run', () => {
      const v = fakes.chars(ALNUM, 12) + triple();
      expect(foundAt('.env', `API_TOKEN=${v}\n`)).to.deep.equal([`${BARE}:${v}`]);
    });
    it('ignores a value cut at a bracketed redaction marker', () => {
      const v = 'ops_' + fakes.chars(ALNUM, 12) + '..[Redacted]';
      expect(foundAt('Pulumi.yaml', `login:\n  serviceAccountToken:\n    fn::secret: ${v}\n`)).to.deep.equal([]);
    });
    it('reports a value that merely holds the word redacted, or the marker before more random chars', () => {
      const v = fakes.chars(ALNUM, 8) + 'redacted' + fakes.chars(ALNUM, 8);
      expect(foundAt('.env', `API_TOKEN=${v}\n`)).to.deep.equal([`${BARE}:${v}`]);
      const w = fakes.chars(ALNUM, 12) + '-[redacted]-' + fakes.chars(ALNUM, 20);
      expect(foundAt('app.py', `API_TOKEN = "${w}"\n`)).to.deep.equal([`${RULE}:${w}`]);
    });
  });

  describe('a malformed instance of a prefixed provider format is left to the provider rule', () => {
    const settlemint = 'sm_' + 'pat_';
    const body = (n: number): string => fakes.chars(LOWER + DIGITS, n);
    it('ignores a provider prefix with a body too short for the provider and for a credential of its own', () => {
      const v = settlemint + body(10);
      expect(foundAt('main.go', `nonMatchingToken := "${v}"\n`)).to.deep.equal([]);
      expect(foundAt('.env', `SETTLEMINT_TOKEN=${v}\n`)).to.deep.equal([]);
    });
    it('reports the same prefix with a body long enough to be a credential on its own', () => {
      const v = settlemint + body(24);
      expect(foundAt('main.go', `nonMatchingToken := "${v}"\n`)).to.deep.equal([`${RULE}:${v}`]);
    });
    it('takes a well-formed token of the provider by the provider rule', () => {
      const v = settlemint + body(16);
      expect(foundAt('main.go', `nonMatchingToken := "${v}"\n`)).to.deep.equal([`settlemint-token:${v}`]);
    });
    it('reports a random 30-char literal behind a prefix glued to a word (task_test_)', () => {
      const v = 'ta' + 'sk_test_' + body(30);
      expect(foundAt('main.go', `nonMatchingToken := "${v}"\n`)).to.deep.equal([`${RULE}:${v}`]);
    });
    it('defers only for prefixes of two parts or more, which no word or password starts with by chance', () => {
      const re = malformedPrefixedToken(['acme_pat_', 'dp.pt.', 'key-', 'pat', 'ext_']);
      expect(['acme_pat_' + body(10), 'dp.pt.' + body(4)].filter((v) => re.test(v))).to.have.length(2);
      expect(['acme_pat_' + body(11), 'key-' + body(8), 'pat' + body(8), 'ext_' + body(8)].filter((v) => re.test(v))).to.deep.equal([]);
    });
  });

  describe('a near miss of Telegram\'s token structure is left to the Telegram rules', () => {
    const secret = (n = 34): string => fakes.chars(ALNUM + '_-', n);
    const ids = (n: number): string => fakes.chars(DIGITS, n);
    it('ignores <digits>:A values whose bot id or secret length no Bot API issues', () => {
      const nearMisses = [
        `${ids(4)}:A${secret()}`, // bot id too short
        `${ids(17)}:A${secret()}`, // bot id too long
        `${ids(8)}:Ahello${secret()}`, // a word before the secret
        `${ids(8)}:A${secret()}-some-other-thing`, // words after it
        `${ids(8)}:A_${secret()}_`,
      ];
      for (const v of nearMisses) expect(foundAt('bot.py', `telegram_api_token = "${v}"\n`), v).to.deep.equal([]);
    });
    it('takes a value of the exact structure by the Telegram rule, under any name', () => {
      const v = `${ids(8)}:A${secret()}`;
      expect(foundAt('bot.py', `telegram_api_token = "${v}"\n`)).to.deep.equal([`telegram-bot-token-named:${v}`]);
      const w = `${ids(10)}:AA${secret(33)}`;
      expect(foundAt('settings.py', `API_TOKEN = "${w}"\n`)).to.deep.equal([`telegram-bot-token:${w}`]);
      const x = `${ids(6)}:Ax${secret(33)}`; // the structure, outside the Telegram rules' reach: the generic rule's
      expect(foundAt('settings.py', `API_TOKEN = "${x}"\n`)).to.deep.equal([`${RULE}:${x}`]);
    });
    it('still reports a random literal under a Telegram name that is not in Telegram\'s structure', () => {
      const v = fakes.chars(ALNUM, 34);
      expect(foundAt('bot.py', `telegram_api_token = "${v}"\n`)).to.deep.equal([`${RULE}:${v}`]);
    });
  });

  describe('the search-only key of an Algolia DocSearch widget is public by design', () => {
    const widget = (key: string): string =>
      `<script src="docsearch.min.js" onload="docsearch({\n  apiKey: '${key}',\n  indexName: 'project',\n  inputSelector: '#q'\n})"></script>\n`;
    it('ignores apiKey in the object of a docsearch() call', () => expectNone(scanner, widget(fakes.chars(HEX, 32))));
    it('reports the same key outside a docsearch() call', () => {
      const key = fakes.chars(HEX, 32);
      expectFindings(scanner, `const search = { apiKey: '${key}', indexName: 'project' };\n`, [{ ruleId: RULE, secret: key }]);
    });
    it('reports another value or name in a docsearch() call', () => {
      const secret = fakes.chars(ALNUM, 24);
      expectFindings(scanner, widget(secret), [{ ruleId: RULE, secret }]);
      const key = fakes.chars(HEX, 32);
      expectFindings(scanner, `docsearch({ adminToken: '${key}', indexName: 'x' })\n`, [{ ruleId: RULE, secret: key }]);
    });
  });

  describe('pathological inputs', () => {
    const inputs: Record<string, string> = {
      "'a' repeated": repeatTo1MB('a'),
      "'=' repeated": repeatTo1MB('='),
      "'password=' repeated": repeatTo1MB('password='),
      "'password=\"' repeated": repeatTo1MB('password="'),
      "'token:' repeated": repeatTo1MB('token:'),
      "'auth' repeated": repeatTo1MB('auth'),
      'scheme prefixes repeated': repeatTo1MB('key=Bearer '),
      'JSON keys repeated': repeatTo1MB('"api_key":"'),
      'URL userinfo keys repeated': repeatTo1MB('://token'),
      'rejected values repeated': repeatTo1MB('token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa '),
      'a key and a 1 MB value': 'secret=' + repeatTo1MB('Ab1'),
      'a key and 1 MB of blanks': 'secret=' + repeatTo1MB(' \t'),
      'stand-in words repeated without an end': repeatTo1MB('passwordsecret_') + '!' + fakes.chars(ALNUM, 40),
      'Makefile operators repeated': repeatTo1MB('token ::= :::= ?= .= '),
      'padding without a value': repeatTo1MB('password =' + ' '.repeat(1100) + '\n'),
    };
    for (const [name, text] of Object.entries(inputs)) {
      it(`runs ${RULE} on ${name} quickly`, () => expectRuleFast(genericSecretAssignment, text));
      it(`runs ${BARE} on ${name} quickly`, () => expectRuleFast(genericSecretUnquoted, text));
      it(`runs ${PADDED} on ${name} quickly`, () => expectRuleFast(genericSecretPadded, text));
    }
  });
});
