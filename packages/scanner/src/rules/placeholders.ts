/**
 * Shared allowlists: values that sit where a secret goes but are templates, references or
 * stand-ins (`${DB_PASSWORD}`, `<password>`, `changeme`, `****`). Used by the rules that key on
 * a name or a URL rather than on a provider's own token format.
 */

/** Template and variable references: the real value is injected elsewhere. */
export const templateReferences: RegExp[] = [
  /\$\{/, // ${VAR}, ${VAR:-x}, ${{ secrets.X }}
  /\{\{/, // {{ .Values.x }}, {{password}}
  /^\{[^{}]{0,64}\}$/, // {password} (Python format, URI templates)
  /^\$[A-Za-z_][\w-]{0,64}$/, // $VAR, $scss-variable
  /^:[A-Za-z_][\w-]{0,64}$/, // :param (route and URL-template placeholders: ?circle-token=:circle-token)
  /^\$\(/, // $(command)
  /^%[A-Za-z_][A-Za-z0-9_]{0,64}%$/, // %VAR% (Windows)
  /^%(?:\([A-Za-z_][A-Za-z0-9_]{0,64}\))?[sdv]$/, // %s, %(password)s (printf templates)
  /^</, // <password>, <your-token-here>
  /^\[\[TOKEN_/, // the gateway's own token
  /^\$[A-Za-z_][\w.-]{0,64}\$$/, // $next-version$ (Ant and Maven filter tokens, Visual Studio templates)
  /^@[A-Za-z_][\w.-]{0,64}@$/, // @DB_PASSWORD@ (autoconf, Maven resource filtering)
  /^env:[A-Za-z_][\w.]{0,127}$/, // env:UPSTREAM_TOKEN (a config reference to the environment)
  /^file:(?:\/\/)?[\w./~-]{1,255}$/, // file:/run/secrets/pw (a config reference to a mounted file)
];

/**
 * Words of stand-in values (gitleaks calls them stopwords). No word here is two others joined
 * (`user`+`name`, `change`+`me`): a text that splits two ways makes the matcher backtrack.
 */
const STOPWORDS = [
  'password', 'passwd', 'passphrase', 'pass', 'pwd', 'pw', 'secret', 'token', 'key', 'api', 'access', 'auth', 'credential', 'client',
  'private', 'public', 'change', 'me', 'my', 'your', 'here', 'goes', 'insert', 'replace', 'placeholder', 'example', 'sample', 'dummy',
  'fake', 'mock', 'test', 'testing', 'foo', 'bar', 'baz', 'qux', 'quux', 'wrong', 'bad', 'invalid', 'old', 'new', 'default',
  'value', 'string', 'required', 'optional', 'none', 'null', 'nil', 'empty', 'todo', 'tbd', 'redacted', 'hidden', 'masked', 'demo',
  'local', 'dev', 'personal', 'user', 'admin', 'root', 'login', 'super', 'some', 'please', 'not', 'abc', 'xyz', 'real', 'proxy',
  'session', 'bearer',
];
/** Keyboard and alphabet runs: abcdefgh, 12345678. Common weak passwords (`hunter2`) are not stand-ins: they are real. */
const RUNS = [
  'abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnop', '1234567890', '0123456789', '123456789', '12345678', '1234567', '123456', '12345',
  'abcdefgh', 'abcdefg', 'abcdef', 'qwerty', 'asdf', '01234', '23456', '34567', '45678', '56789', '67890',
];
/** Every three letters or digits in a row of the alphabet or the digits: abc … xyz, 012 … 789. */
const TRIPLES = [...'abcdefghijklmnopqrstuvwxyz', ...'0123456789'].flatMap((_, i, all) => {
  const run = all.slice(i, i + 3).join('');
  return /^(?:[a-z]{3}|[0-9]{3})$/.test(run) ? [run] : [];
});
/**
 * A value made of nothing but runs in threes and separators (`AbCeFG123`, `abc-xyz-789`): typed to
 * fill a slot, as `abcdefgh` is. Every piece is three chars and separators are not letters or
 * digits, so a text parses one way only (no backtracking). A random base62 value is three triples
 * with probability (32/62³)³, about 1e-12.
 */
const runsInThrees = new RegExp(`^(?:${TRIPLES.join('|')}|[\\x20-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e])+$`, 'i');

/** One piece of a stand-in: a stopword, a run, a separator, or a mask (one char four times or more: xxxx, 0000, ****). */
function standInPiece(group: number): string {
  // Separators are ASCII punctuation and blanks only: letters of other scripts are content (a password in Cyrillic).
  return `(?:${[...STOPWORDS, ...RUNS].join('|')}|[\\x20-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e]|([A-Za-z0-9*])\\${group}{3,})`;
}
/**
 * A value that stand-in pieces dominate: all of it is stopwords, runs, separators and masks but
 * at most 4 chars of its own, letters, digits or chars of other scripts (`wrong_auth`,
 * `your-api-key-here`, `changeme2024!`, `ghp_PersonalAccessToken00000000`). A stand-in word inside
 * a long random value does not excuse it (`Prod-Secret-<random>`, `<random>example<random>`): a
 * real password may contain a word. A short provider-style prefix may lead (`ghp_`, `sk-`, `jwt_`).
 * Also used by the URL, HTTP auth and Kubernetes Secret checks.
 */
export const dominatedByStandIns = new RegExp(`^(?:[a-z]{2,5}[-_])?${standInPiece(1)}*(?:[^\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]{1,4}${standInPiece(2)}*)?$`, 'i');

/**
 * The word "password" in other languages, as tests of non-ASCII credentials write it (a user
 * `имя` with the password `пароль`): a stand-in in any language. Rules match the bytes of a blob
 * as latin1, so each word is also matched as its UTF-8 bytes read as latin1.
 */
const PASSWORD_WORDS = [
  'пароль', 'passwort', 'kennwort', 'contraseña', 'senha', 'motdepasse', 'mot de passe', 'wachtwoord', 'lösenord', 'passord',
  'adgangskode', 'salasana', 'hasło', 'heslo', 'jelszó', 'parola', 'şifre', 'κωδικός', 'סיסמה', 'كلمة المرور', 'पासवर्ड',
  '密码', '密碼', 'パスワード', '비밀번호', 'mật khẩu', 'kata sandi',
];
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** One of PASSWORD_WORDS, as text or as latin1-read UTF-8, maybe with up to 4 digits: the whole value. */
export const passwordInOtherLanguages = new RegExp(
  `^(?:${PASSWORD_WORDS.flatMap((w) => [w, Buffer.from(w, 'utf8').toString('latin1')]).map(escapeRegex).join('|')})[0-9]{0,4}$`,
  'i',
);

/** Stand-in words and masks, each matching the whole value or dominating it. */
export const standIns: RegExp[] = [
  /^(.)\1*$/s, // one repeated char: aaaaaaaa, ********
  dominatedByStandIns,
  /\*{3,}|\.{3,}/, // an elided or masked value: sk_live_***, abc...
  // A value that ends marked as cut where it was copied from: ops_eyJzaW..[Redacted]. Only at the end:
  // a marker inside a long random value does not excuse the rest of it.
  /[[(<{](?:redacted|masked|elided|truncated)[\])>}]?$/i,
  runsInThrees,
  /\u2026|\xe2\x80\xa6/, // elided with an ellipsis (as text, or its UTF-8 bytes read as latin1): pass%23…
  /(.)\1{7,}$/, // padded to length with one char: ghs_InstallationOrActionToken00000000
  /(?:^|[^A-Za-z])[yY]our(?:[-_]|[A-Z])/, // a fill-in hint: sk-your-openai-key-here, yourApiKey
  /^(?:replace|insert|enter|change|fill|put|paste)[-_ ]?(?:me|with|this|in|here)(?:[-_ ]|$)/i, // an instruction: REPLACE-WITH-openssl-rand-hex-32
  /^[spr]k_test_/, // a Stripe test-mode key: no money moves with it (the provider rules say the same)
  /EXAMPLE(?:KEY)?$/, // the suffix that marks documentation sample keys (AWS: …EXAMPLE, …EXAMPLEKEY)
  /^(?:null|nil|none|true|false|undefined|empty|default|string|required|optional|todo|tbd|n\/a|pass|pw|pwd|passw(?:or)?d|secret|token|key)$/i,
  passwordInOtherLanguages,
  // Language keywords and type names that land after `name:` in typed code (`apiKey: readonly string[]`).
  /^(?:readonly|function|unknown|boolean|number|object|private|public|protected|internal|override|abstract|volatile|explicit|nullable)$/,
  // The jwt.io documentation token (payload sub 1234567890, name John Doe), built at run time.
  new RegExp(Buffer.from(JSON.stringify({ sub: '1234567890', name: 'John Doe', iat: 1516239022 })).toString('base64url')),
];

/** Everything a credential slot can hold that is not a credential. */
export const placeholders: RegExp[] = [...templateReferences, ...standIns];

/** Base64 of 6 to 48 bytes, in whole quads. */
const BASE64_QUADS = /^(?:[A-Za-z0-9+/]{4}){2,16}$|^(?:[A-Za-z0-9+/]{4}){1,15}[A-Za-z0-9+/]{2}(?:==|[A-Za-z0-9+/]=)$/;
/** Printable ASCII with a run of three letters: decoded text, not random bytes. */
const DECODED_TEXT = /^(?=[\x20-\x7e]*[A-Za-z]{3})[\x20-\x7e]{6,48}$/;

/**
 * Whether `s` is the base64 of a stand-in (`password: <base64 of changeme>` in an example of a
 * Kubernetes Secret, `token: <base64 of ABCDEF>`): the value it encodes is no secret, so neither is
 * its encoding. The decoded bytes must be printable text with a run of letters, which random base64
 * of a real secret almost never is.
 */
export function base64OfStandIn(s: string): boolean {
  if (s.length < 8 || s.length > 64 || !BASE64_QUADS.test(s)) return false;
  const text = Buffer.from(s, 'base64').toString('latin1');
  return DECODED_TEXT.test(text) && standIns.some((p) => p.test(text));
}
