/**
 * Generic secrets: a value assigned to a name that says it is secret (`password`, `api_key`,
 * `client_secret`, `auth_token`, …) in the assignment syntaxes of config files and code:
 * `key = value`, `key: value`, `"key": "value"`, `KEY=value` (.env), `'key' => 'value'`,
 * `key := "value"`, and XML elements (`<password>…</password>`). Quoted literals and bare values
 * are two rules: a bare value is a literal only outside code (see `Rule.fileKinds`).
 */
import type { Rule } from '../rule.js';
import { escapeLiteral } from './define.js';
import { placeholders } from './placeholders.js';

/**
 * Makes the letters of a regex fragment match either case. The pattern cannot use the `i` flag:
 * BARE_IDENTIFIER below must tell `hashedPassword` from `hashedpassword`. Only for fragments
 * whose letters are all literals (no `\w`-style escapes).
 */
function anyCase(fragment: string): string {
  return fragment.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/**
 * The part of the name that marks it secret. `auth` excludes author/authority but keeps
 * authorization; `pass` counts only as a whole name part (`DB_PASS`, `dbPass`, INI `pass`), not
 * inside `passed` or `bypass`. The name may have any prefix (`DB_PASSWORD`, `dbPassword`), but not
 * sit in the userinfo of a URL (`https://x-access-token:…@`, `https://oauth2:…@`: the url-password rule's).
 */
const SECRET_WORD =
  '(?:' +
  anyCase('(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth(?!or(?!iz)))') +
  String.raw`|(?:(?<![A-Za-z])[pP]|(?<=[a-z])P)(?:ass|ASS)(?![A-Za-z0-9]))` +
  // `unauthorized` names an error, not a credential.
  String.raw`(?<![uU][nN][aA][uU][tT][hH])` +
  // Checked after the word, not before: a lookbehind at every position of the text would cost 80x.
  String.raw`(?<!://[^\s/?#@]{0,80})`;
/** The rest of the name, up to where the separator starts. */
const NAME_REST = String.raw`[\w.-]{0,40}`;
/** Names that hold something about a secret, not the secret: `token_url`, `secretName`, `password_file`, `authTag` (AES-GCM). */
const NOT_A_VALUE_NAME = anyCase(
  '(?<!name|names|ref|url|uri|file|path|dir|type|method|mode|length|len|format|provider|endpoint|policy|expiry|expires|ttl|count|env|var|hint|prompt|label|field|header|param|host|issuer|scope|reason|attachment|user|username|email|tag)',
);
/**
 * Names of values that are public by design, not credentials: anti-forgery tokens that a server
 * sends to every client in its pages (`csrf-token`, Rails `authenticity_token`), tokens and keys
 * named public (`publicToken`, `public_api_key`: publishable, as Mapbox's or Plaid's), the e-mail
 * header `Authentication-Results`, the Maven group `io.jsonwebtoken` (`io.jsonwebtoken:jjwt`), and
 * Azure Service Operator's `keyVaultToStoreSecrets` (the name of the vault that will hold them).
 */
const NOT_A_CREDENTIAL_NAME = anyCase(
  String.raw`(?<!(?:csrf|xsrf|authenticity)[_.-]?token|public[_.-]?(?:token|api[_.-]?key)|authentication-results|io\.jsonwebtoken|key[_.-]?vault[_.-]?to[_.-]?store[_.-]?secrets)`,
);
/** The blanks a padded value may follow (`password =` and hundreds of spaces): the padded-value rule's. */
const MAX_BLANKS = 1024;
/** Assignment operators: `=`, `:`, `:=`, Make's `::=` `:::=` `?=` `+=`, PHP's `.=`, `=>`; `::` is a scope, not an assignment. */
function operator(compare: boolean): string {
  return String.raw`(?::{1,3}=|=>|[?.+]?=${compare ? '{1,3}' : '(?!=)'}|:(?!:))`;
}
/**
 * The closing quote of the key (maybe JSON-escaped), an operator and blanks. `compare` adds
 * `==`/`===`: a literal compared with a secret name is a hard-coded secret, a bare word compared
 * with it is code.
 */
function inlineSeparator(compare: boolean): string {
  return String.raw`\\?["'\x60]?[ \t]{0,16}${operator(compare)}[ \t]{0,16}\\?["'\x60]?`;
}
/** A Kubernetes / Compose env entry: `- name: DB_PASSWORD` then `value: "…"` on the next line. */
const ENV_ENTRY_SEPARATOR = String.raw`["']?[ \t]{0,16}\r?\n[ \t]{0,32}value[ \t]{0,4}:[ \t]{0,16}["']?`;
/** YAML with the value on the line after `password:` (indented, not a list item, comment or key). */
const NEXT_LINE_SEPARATOR = String.raw`["']?:[ \t]{0,16}\r?\n[ \t]{1,32}(?![-#\s]|[\w.-]{1,64}[ \t]*:)["']?`;
/**
 * Separators of quoted values only: call arguments (`System.setProperty("X_TOKEN", "…")`,
 * `put("password", "…")`), .NET / nuget `<add key="Password" value="…"/>`, and a typed declaration
 * (Go `var token string = "…"`, Kotlin / TypeScript `val token: String = "…"`, Rust `&str`).
 */
const QUOTED_ONLY_SEPARATORS = [
  // Only in a setter's call: `'proxy_auth', 'network_auth'` in a list is two strings, not a pair.
  String.raw`(?<=(?:[sS]et|[pP]ut|[aA]dd|[aA]ppend|[hH]eader)\w{0,24}\([ \t]{0,4}\\?["'][^"'\n]{1,80})\\?["'][ \t]{0,4},[ \t]{0,4}\\?["']`,
  String.raw`\\?["'][ \t]{1,4}value[ \t]{0,4}=[ \t]{0,4}\\?["']`,
  String.raw`(?:[ \t]{0,4}:)?[ \t]{1,4}(?:string|String|str|&str|&'static str)[ \t]{0,4}=[ \t]{0,16}\\?["'\x60]`,
];
/** Dockerfile's legacy `ENV DB_PASS value` (blanks between name and value, no operator). */
const DOCKERFILE_ENV_SEPARATOR = String.raw`(?<=(?:^|\n)[ \t]{0,16}ENV[ \t]{1,16}[^\s=]{1,80})[ \t]{1,16}`;
/**
 * An HTTP auth scheme before the credential (`Authorization: Bearer …`). Only before 16+ chars:
 * credentials are that long, while "Token expired." in a message catalogue is not.
 */
// `Basic` is not here: its value is base64 of user:password, judged by the http-basic-auth rule after decoding.
const SCHEME = anyCase('(?:bearer|token)') + String.raw`[ \t]{1,4}(?=[^\s"'\x60]{16})`;
/** Where a bare value ends: a delimiter of the surrounding syntax, or the end of the text. */
const BARE_END = String.raw`(?=[\s"'\x60,;&>)\]}\\]|$)`;
/**
 * Bare identifiers are code, not literals: `password: hashedPassword`, `auth: OAuthService`,
 * `apiKey: API_KEY_FROM_ENV`, `token: @token`. Only bare values are excused: a quoted
 * "hashedPassword" is a literal. The cost: a bare random value of only letters in camelCase
 * shape is missed. Measured on 20,000 random alphanumerics per length that pass the entropy floor
 * (`secret=<value>` at a line end): 2.1% at 8 chars, 0.6% at 12, 0.1% at 16, none at 20 or 32
 * (line-end humps need two lower-case letters to keep it low).
 */
const BARE_IDENTIFIER =
  // In code punctuation (`withXSRFToken: defaultToConfig2,`) later humps may be one letter long
  // (`authIsObject`, `readNxCloudToken`, `CancelToken$1`); a value ending a line keeps the strict shape.
  String.raw`(?:[_$]{0,2}[A-Z]{0,4}[a-z][a-z0-9]{1,}(?:[A-Z]{1,4}[a-z0-9]{1,}){0,8}(?:\$[0-9]{1,2})?(?=[,;)\]}])` +
  String.raw`|[_$]{0,2}[A-Z]{0,4}[a-z]{2,}(?:[A-Z]{1,4}[a-z]{2,}){1,8}[0-9]{0,3}` + // camelCase / PascalCase: hashedPassword, OAuthToken
  String.raw`|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){1,8}` + // a SCREAMING_SNAKE constant
  // A snake_case name (`get_netrc_auth`, `_core_token_compound`, `handle_401`): lower-case words joined by `_`
  // are a Python / Ruby / C identifier; the cost is a passphrase written that way.
  String.raw`|_{0,2}[a-z]{2,}(?:_(?:[a-z]{2,}|[0-9]{1,4})){1,6}` +
  String.raw`|[a-z]{2,}(?:_[A-Z][A-Z0-9]*){1,6}` + // a prefixed C constant: yaml_BLOCK_END_TOKEN
  String.raw`|@{1,2}[a-z_][a-z0-9_]{0,64})` + // a Ruby instance or class variable
  BARE_END +
  // A member access (`list->head`): `>` ends a bare value, so this is checked before the value is cut.
  String.raw`|[A-Za-z_$][\w$]{0,64}->`;
/** A quoted value, 8..200 chars without whitespace, up to the same quote (the lookbehind checks which opened it). */
const QUOTED_BODY =
  String.raw`(?<=")[^"\s\\]{8,200}(?=\\?")` +
  // After an auth scheme inside the quotes: `"Authorization": "Bearer …"`.
  String.raw`|(?<=["'\x60]${anyCase('(?:bearer|token)')}[ \t]{1,4})[^\s"'\x60\\]{16,200}(?=\\?["'\x60])` +
  String.raw`|(?<=')[^'\s\\]{8,200}(?=\\?')` +
  String.raw`|(?<=\x60)[^\x60\s\\]{8,200}(?=\x60)`;
/** Not a prefix that code completes at run time (`'metrics-' + suffix`, how tests build fake secrets). */
const NOT_CONCATENATED = String.raw`(?!(?<=[-_:./])\\?["'\x60][ \t]{0,4}\+)`;
/** Not a property name tested with JavaScript's `in` (`auth: 'authenticator' in opts.auth ? …`): a key, not a value. */
const NOT_IN_OPERAND = String.raw`(?!\\?["'\x60][ \t]{1,4}in[ \t])`;
/**
 * Not the search-only key of an Algolia DocSearch widget (`docsearch({ apiKey: '<32 hex>', indexName: … })`):
 * the page hands it to every visitor's browser, so it is public by design and tokenizing it in git hides
 * nothing. Only `apiKey` directly in the call's object (no nested braces between), only 32 hex chars.
 */
const NOT_DOCSEARCH_KEY = String.raw`(?!(?<=\bdocsearch\(\{[^{}]{0,400}\bapiKey[ \t]{0,16}:[ \t]{0,16}["'])[0-9a-f]{32}["'])`;
const QUOTED_VALUE = `${NOT_DOCSEARCH_KEY}(?<secret>${QUOTED_BODY})${NOT_CONCATENATED}${NOT_IN_OPERAND}`;
/**
 * A bare value, 8..200 chars up to a delimiter of the surrounding syntax. A bare value running
 * into `<` (`Operation<T>`) or followed by ` = …`, ` | …`, ` & …` is a type, not a value.
 */
const BARE_BODY = String.raw`(?<!["'\x60])(?!${BARE_IDENTIFIER})[^\s"'\x60,;&<>)\]}\\]{8,200}${BARE_END}`;
const NOT_CODE_OR_PROSE =
  String.raw`(?![ \t]{1,4}(?:=(?![=>])|[|&][ \t]))` +
  // Prose: a word (maybe hyphenated) followed by more words, as in a docstring's `auth: Colon-separated username…`.
  String.raw`(?<![ \t:=][A-Za-z-]{8,200}(?=[ \t]{1,4}[a-z]))`;
const BARE_VALUE = `(?<secret>${BARE_BODY})${NOT_CODE_OR_PROSE}`;
/** The name part every generic pattern starts with; the one-char lookahead rejects most backtracking positions of NAME_REST early. */
const NAME = SECRET_WORD + NAME_REST + String.raw`(?=[\\"'\x60 \t:=\r\n])` + NOT_A_VALUE_NAME + NOT_A_CREDENTIAL_NAME;

/** A hump of a camelCase name that names a credential: Password, Secret, Token, Key, Credentials, Auth. */
const CREDENTIAL_WORD = '(?:Pass(?:word|wd|phrase)?|Secret|Token|Key|Credentials?|Auth)';

/** Values that are code, not literals: `process.env.X`, `os.environ[…]`, `getenv(…)`, `config.db.password`, `foo(`. */
const codeReferences: RegExp[] = [
  /^process\.env\b/,
  /^(?:os\.)?environ\b/,
  /getenv\b/i,
  /^ENV\[/,
  /^[A-Za-z_$][\w$]{0,64}(?:\.[A-Za-z_$][\w$]{0,64}){0,8}[([]/, // a call or an index: foo(, a.b(, cfg[
  // A property path, a?.b, this.#private and a TypeScript non-null r.value! too (segments short: JWT parts are not).
  /^(?:#?[A-Za-z_$][\w$]{0,31}[?!]?\.){1,8}#?[A-Za-z_$][\w$]{0,31}!?$/,
  /^(?!eyJ)(?:[A-Za-z_$][\w$]{0,63}\.){1,8}[A-Za-z_$][\w$]{0,63}$/, // a long property path that is no JWT: Protocol.Storage.GetTokensParameters
  /[A-Za-z_$][\w$]{0,64}\.[A-Za-z_$][\w$]{0,64}\(/, // a method call anywhere: n?e.slice(i+1
  /^[([][A-Za-z_$]/, // a parenthesised or array expression: (a || b), [this.x]
  /^!!/, // a boolean coercion: !!(x)
  /^(?:Big)?(?:Ui|I)nt(?:8|16|32|64)(?:Clamped)?Array$|^Float(?:32|64)Array$/, // typed-array type names
  /^!(?:[A-Za-z_$][\w$]{0,31}\??\.){1,8}[A-Za-z_$][\w$]{0,31}$/, // a negated property path: !req.headers.authorization
  /^!{1,2}[A-Za-z_$][\w$]{0,63}$/, // a negated identifier: !ignoreHTTPSErrors
  /[=:][A-Za-z_$][\w$.]{0,64}\(/, // an assignment or ternary into a call in minified code: null:t.x=w(
  /^[a-z-]{1,32}\{/, // a CSS selector and block: before{content:
  /^(?:this|self)\./, // a member of the current object: this._tokenizer._sectionStart-t
  /^[A-Za-z_][\w.]{0,64}\{/, // a composite literal or constructor block: yaml_token_t{, Config{
  /^\{[A-Za-z_$][\w$]{0,64}:/, // an object literal: {reducers:a,actions:i}
  /^\{[A-Za-z_$][\w$.]{0,64}$/, // a JSX or template expression cut at its brace: {this.onAuthChange}
  /^[A-Z]{2,}[0-9]{0,2}(?:_[A-Z]{2,}[0-9]{0,2}){1,12}$/, // an error code or enum name, quoted too: ERR_COOKIE_SECRET_REQUIRED
  /^[a-z]{2,}[0-9]{0,2}(?:_[a-z]{2,}[0-9]{0,2}){1,6}$/, // a snake_case code or enum value, quoted too: unsupported_token_type, pre_authorize_oauth2
  // A kebab-case value of two or three words, quoted too: an event type, mode or id (`detokenize-request`,
  // `signing-value`, `client-credentials`). Costs a passphrase of at most three lower-case words joined
  // by `-`; a diceware passphrase of four words or more is still a finding.
  /^[a-z]{2,}[0-9]{0,2}(?:-[a-z]{2,}[0-9]{0,2}){1,2}$/,
  // The camelCase name of a credential, quoted too: a storage key or field name (`refreshToken`, `hashedPassword`,
  // `clientSecretValue`), letters only with one hump a secret word. Costs a letters-only camelCase password
  // holding such a word (`BlueSecretHorse`); one without (`BlueHorseStaple`) is still a finding.
  new RegExp(`^(?=${CREDENTIAL_WORD.toLowerCase()}(?=[A-Z])|[A-Za-z][a-z]*(?:[A-Z][a-z]+)*?${CREDENTIAL_WORD}(?![a-z]))(?:[a-z]{2,}|[A-Z][a-z]+)(?:[A-Z][a-z]+){1,6}$`),
  // One lower-case word (`platform`, `credentials`, `unauthorized`) under a secret-ish name in
  // code is prose or an enum value. Costs the all-lower-case-letter passwords of up to 12 chars
  // in name-keyed assignments (URL passwords and Kubernetes Secrets still catch them).
  /^[a-z]{1,12}$/,
  // A namespace-qualified XML type or element name (XSD, WSDL): `clm89576:AgencyIdentificationCodeContentType`.
  // Costs a passphrase of three or more capitalised words behind a `word:` prefix.
  /^[A-Za-z_][\w.-]{0,31}:(?:[A-Z][a-z]{2,}){3,12}$/,
  /^\/\^/, // a regex literal: /^Unexpected token/
  /^\/[*/]/, // a comment: /*#__PURE__*/
  /^eyJ[\w-]*\.eyJ[\w-]*\.$/, // an unsigned JWT (alg none): claims, no credential
  /^[A-Za-z_$][\w$.]*(?:\|\||&&|\?\?)/, // a fallback expression: o.apiKey||i.apiKey
  /\bfunction\b|=>|\/\*/, // a function or a comment inside minified code
  /\(\?[=!:<]|\[A-Z\]|\[a-z\]|\[0-9\]|\[A-Za-z|\\d[+*{]|\.\*/, // a regular expression: ^(?=.*[A-Z]).{12,}$
];

/** Values that are locations or versions: URLs (the url-password rule owns their credentials), paths, semver ranges. */
const nonSecretShapes: RegExp[] = [
  /^[A-Za-z][A-Za-z0-9+.-]{1,31}:\/\//,
  // A path of word-like segments (/etc/app, /Users/maciej); random base64 segments are mixed-case.
  /^(?:~|\.{1,2})?(?:\/[A-Za-z0-9_][a-z0-9._-]{0,63}){1,32}\/?$/,
  /^(?:~|\.{1,2})?(?:\/[\w.-]{1,64}){1,32}\.[A-Za-z0-9]{1,8}$/, // a path to a file: ./certs/Client.pem
  /^[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[a-z]{2,24}$/, // an e-mail address: a name, not a credential
  /^[^A-Za-z0-9]*$/, // only symbols: a character set, not a password
  /^[\^~<>=v]{0,3}\d{1,6}\.\d{1,6}(?:\.\d{1,6})?(?:[-+][\w.-]{0,40})?$/, // a version or range: ^4.0.0-beta.1
];

/** What both assignment rules share: name keywords, confidence, reach. */
const assignmentBase = {
  type: 'generic-secret',
  // Every name SECRET_WORD accepts contains one of these (a bare 'key' would select nearly every file).
  keywords: [
    'passw', 'passphrase', 'pwd', 'secret', 'token', 'auth', ...['api', 'access', 'private'].flatMap((w) => ['', '_', '-'].map((sep) => `${w}${sep}key`)),
    // `pass` as a whole name part ends the name: `DB_PASS=`, `pass = `, `"pass":`, Dockerfile `ENV DB_PASS x`.
    // A bare `pass` would wake the rule on every `passed`, `bypass` and Python `pass`; `pass ` alone on
    // every "pass the …" and "bypass " of prose (7 % of the scanner's time on clean source, measured).
    ...['=', ':', '"', "'", '\\', ' =', ' :', '\t'].map((c) => `pass${c}`),
    ...['_', '-', '.'].map((c) => `${c}pass `),
  ],
  minEntropy: 3.0,
  confidence: 'medium',
  // Name word, up to 40 more name chars, the operator, quotes and blanks, a scheme, then up to 200 value chars.
  reach: 330,
  // Each keyword starts the secret word, which starts the match.
  reachBack: 16,
} as const;

/** An assignment rule of `separators` then `value`, with the shared name part, allowlist and reach. */
function assignmentRule(id: string, description: string, separators: readonly string[], value: string): Rule {
  return {
    ...assignmentBase,
    keywords: [...assignmentBase.keywords],
    id,
    description,
    pattern: new RegExp(NAME + `(?:${separators.join('|')})(?:${SCHEME})?` + value),
    allow: [...placeholders, ...codeReferences, ...nonSecretShapes],
  };
}

/** A quoted literal assigned to a secret-named key: a candidate in every kind of file, code included. */
export const genericSecretAssignment: Rule = assignmentRule(
  'generic-secret-assignment',
  'Quoted literal assigned to a secret-named key (password, token, api_key, client_secret, …)',
  [inlineSeparator(true), ENV_ENTRY_SEPARATOR, NEXT_LINE_SEPARATOR, ...QUOTED_ONLY_SEPARATORS],
  QUOTED_VALUE,
);

/**
 * An unquoted value assigned to a secret-named key: a literal only in config formats (.env, YAML,
 * INI, properties, TOML, shell, Dockerfile, Makefile), docs and content of unknown kind; in code a
 * bare value is an identifier, member expression, call, type annotation or template placeholder.
 */
export const genericSecretUnquoted: Rule = {
  ...assignmentRule(
    'generic-secret-unquoted',
    'Unquoted value assigned to a secret-named key in a config file (.env, YAML, INI, properties, …)',
    [inlineSeparator(false), ENV_ENTRY_SEPARATOR, NEXT_LINE_SEPARATOR, DOCKERFILE_ENV_SEPARATOR],
    BARE_VALUE,
  ),
  fileKinds: ['config', 'docs'],
};

/**
 * A value after an operator padded with 32 to 1024 blanks (`password =` and hundreds of spaces, a
 * way to push a value out of a line-based view). A rule of its own: its keyword is the padding,
 * so the long reach costs nothing where there is none.
 */
export const genericSecretPadded: Rule = {
  ...assignmentBase,
  id: 'generic-secret-padded',
  description: 'Value assigned to a secret-named key after an operator padded with many blanks',
  keywords: ['=', ':'].flatMap((op) => [op + ' '.repeat(17), op + '\t'.repeat(8)]),
  // 17+ blanks: up to 16 are the other rules' (one finding per span, whichever rule).
  pattern: new RegExp(
    NAME + String.raw`\\?["'\x60]?[ \t]{0,16}${operator(false)}[ \t]{17,${MAX_BLANKS}}\\?["'\x60]?(?:${SCHEME})?` +
      `(?<secret>${QUOTED_BODY}|${BARE_BODY})${NOT_CONCATENATED}${NOT_CODE_OR_PROSE}`,
  ),
  allow: [...placeholders, ...codeReferences, ...nonSecretShapes],
  // The keyword is the operator and its padding; the name (up to 56 chars and 16 blanks) is before it.
  reach: MAX_BLANKS + 220,
  reachBack: 80,
};

/**
 * An XML element named like a secret (`<password>…</password>`, `<apiKey>…</apiKey>`,
 * Maven `settings.xml`, .NET config); the element's text is the secret, inline or on its own line.
 */
export const genericXmlSecret: Rule = {
  id: 'generic-xml-secret',
  type: 'generic-secret',
  description: 'Text of an XML element named password, secret, token, api key, access key or credentials',
  keywords: ['passw', 'secret', 'token', 'apikey', 'api_key', 'api-key', 'accesskey', 'access_key', 'access-key', 'credential'],
  pattern: /<(?<name>(?:[A-Za-z][\w.:-]{0,30}?)?(?:passw(?:or)?d|secret|token|api[_-]?key|access[_-]?key|credentials?))>[ \t\r\n]{0,64}(?<secret>[^<>\s]{8,200})[ \t\r\n]{0,64}<\/\k<name>>/i,
  minEntropy: 3.0,
  allow: [...placeholders, ...nonSecretShapes],
  confidence: 'medium',
  reach: 300,
  reachBack: 40,
};

/** The generic family. */
export const genericRules: readonly Rule[] = [genericSecretAssignment, genericSecretUnquoted, genericSecretPadded, genericXmlSecret];

/** Bits a value must be able to carry to be a credential on its own, whatever prefix it wears. */
const CREDENTIAL_BITS = 64;
/** The longest body that stays under CREDENTIAL_BITS even when random over A–Z, a–z, 0–9: 10 chars. */
const WEAK_BODY_CHARS = Math.floor(CREDENTIAL_BITS / Math.log2(62));
/** A prefix of two parts or more ending in a separator (`sm_pat_`, `sk_test_`, `dop_v1_`): no word or password starts so by chance. */
const DISTINCTIVE_PREFIX = /^[A-Za-z0-9]+[_.$-][A-Za-z0-9_.$-]*[_.$-]$/;

/**
 * A malformed instance of a provider format: a value wearing one of `prefixes` (a provider's
 * documented token prefix; see `documentedPrefixes`) with a body of at most WEAK_BODY_CHARS chars
 * (`sm_pat_` and 10 chars, where SettleMint issues 16). A real token of that provider is the
 * provider rule's finding; this is a truncated or made-up example, and its body is too short to be
 * a credential on its own. A longer body is still the generic rules' (`task_test_` and 30 random
 * chars, a random literal under a token name: what the adversary would plant).
 */
export function malformedPrefixedToken(prefixes: readonly string[]): RegExp {
  const distinctive = prefixes.filter((p) => DISTINCTIVE_PREFIX.test(p)).map(escapeLiteral);
  return new RegExp(`^(?:${distinctive.join('|')})\\S{0,${WEAK_BODY_CHARS}}$`);
}

/**
 * The generic family, deferring to the provider formats of `prefixes` (see {@link malformedPrefixedToken})
 * and to `nearMisses`: whole-value shapes of a provider's structure with its counts broken (a
 * Telegram `<digits>:A…` with a bot id no Bot API issues), which the provider's own rule judges.
 */
export function genericRulesDeferringTo(prefixes: readonly string[], nearMisses: readonly RegExp[] = []): Rule[] {
  const malformed = malformedPrefixedToken(prefixes);
  return genericRules.map((r) => ({ ...r, allow: [...(r.allow ?? []), malformed, ...nearMisses] }));
}
