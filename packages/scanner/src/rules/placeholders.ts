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
  /^\$[A-Za-z_][A-Za-z0-9_]{0,64}$/, // $VAR
  /^\$\(/, // $(command)
  /^%[A-Za-z_][A-Za-z0-9_]{0,64}%$/, // %VAR% (Windows)
  /^%(?:\([A-Za-z_][A-Za-z0-9_]{0,64}\))?[sdv]$/, // %s, %(password)s (printf templates)
  /^</, // <password>, <your-token-here>
  /^\[\[TOKEN_/, // the gateway's own token
];

/** Stand-in words and masks. */
export const standIns: RegExp[] = [
  /^(.)\1*$/s, // one repeated char: aaaaaaaa, ********
  /x{4,}|\*{3,}|\.{3,}|#{4,}/i, // masks: xxxx-xxxx, ab***, ...
  /changeme|change[-_]me|example|dummy|placeholder|redacted|replace[-_]?me|^your|your[-_]|insert[-_]|goes[-_]?here/i,
  /(?:^|[^a-z])(?:test|fake|mock|sample|secret|password|passwd|token|key)(?:[^a-z]|$)/i,
  /^(?:null|nil|none|true|false|undefined|empty|default|string|required|optional|todo|tbd|n\/a|pass|pw|pwd|passw(?:or)?d|secret|token|key)$/i,
  // Language keywords and type names that land after `name:` in typed code (`apiKey: readonly string[]`).
  /^(?:readonly|function|unknown|boolean|number|object|private|public|protected|internal|override|abstract|volatile|explicit|nullable)$/,
  /^(?:foo|bar|baz|qux|quux)$/i, // metasyntactic stand-ins of documentation
  /0123456|1234567|2345678|3456789|abcdefg|ABCDEFG/, // keyboard runs: abcdefgh12345678
  // The jwt.io documentation token (payload sub 1234567890, name John Doe), built at run time.
  new RegExp(Buffer.from(JSON.stringify({ sub: '1234567890', name: 'John Doe', iat: 1516239022 })).toString('base64url')),
];

/** Everything a credential slot can hold that is not a credential. */
export const placeholders: RegExp[] = [...templateReferences, ...standIns];
