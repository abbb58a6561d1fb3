/**
 * Builders for the two shapes most provider rules take: a token with a documented literal prefix
 * (`tokenRule`), and a value that is recognisable only by the provider named in its key
 * (`namedRule`). Both produce plain {@link Rule} data with bounded quantifiers and a `reach`.
 */
import type { Confidence, Rule } from '../rule.js';

/** Escapes regex metacharacters of a literal. */
export function escapeLiteral(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Makes the letters of a regex fragment match either case (for names: `DATADOG_API_KEY`,
 * `datadogApiKey`). Only for fragments whose letters are all literals (no `\w`-style escapes).
 */
export function anyCase(fragment: string): string {
  return fragment.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/**
 * Stand-ins inside a token-shaped value: masks, repeated or sequential characters and words
 * that no random body contains (`ghp_PersonalAccessToken000…`, `sk-…your-key-here`). A random
 * 36-char base62 body contains one of these with probability below 1e-6.
 */
export const tokenPlaceholders: RegExp[] = [
  /x{5,}|X{5,}|\*{3,}|\.{3,}|#{4,}|_{5,}/,
  /(.)\1{7,}/,
  /0123456|1234567|2345678|3456789|abcdefg|ABCDEFG/,
  /EXAMPLE|[Ee]xample|SAMPLE|[Ss]ample|[Pp]laceholder|PLACEHOLDER|[Rr]edacted|REDACTED|[Dd]ummy|DUMMY|[Yy]our[-_]?|YOUR[-_]|[Cc]hange[-_]?[Mm]e|[Ii]nsert|[Hh]ere\b|HERE\b/,
  /Personal|Access|Token|Secret|Fake|FAKE|Test[-_A-Z]|TEST[-_]|Mock|MOCK/,
  /^\$\{|\{\{|\$\(|^<|^%[A-Za-z_]/,
];

/**
 * {@link tokenPlaceholders} for a provider's test-mode keys (`sk_test_…`, `FLWSECK_TEST-…`), whose
 * literal prefix itself says `test`: the same stand-ins except the word test.
 */
export const testModePlaceholders: RegExp[] = [
  ...tokenPlaceholders.filter((r) => !r.test('Test_')),
  /Personal|Access|Token|Secret|Fake|FAKE|Mock|MOCK/,
];

/** What a token looks like from outside: the characters that may not touch it on either side. */
const DEFAULT_BOUNDARY = 'A-Za-z0-9_';

/** A token with a literal prefix, e.g. `npm_` + 36 base62. */
export interface TokenSpec {
  id: string;
  /** Token type slug; default the id. */
  type?: string;
  description: string;
  /** Literal prefixes (one must start the token); assemble well-known ones from parts. */
  prefix: string | string[];
  /** Regex source of what follows the prefix; bound every quantifier. */
  body: string;
  /** Longest match in chars (prefix included): the rule's reach. */
  maxLength: number;
  /** Characters that may not touch the token (a char-class body); default `A-Za-z0-9_`. */
  boundary?: string;
  /** Default: the prefixes in lower case. */
  keywords?: string[];
  /** Default 3.0 bits per char. */
  minEntropy?: number;
  /** Added to {@link tokenPlaceholders}. */
  allow?: RegExp[];
  /** Replaces {@link tokenPlaceholders} (for bodies that legitimately repeat, such as DER in base64). */
  allowOnly?: RegExp[];
  confidence?: Confidence;
  /** Report only this named group of `body` (must be named `secret`); default the whole token. */
  secretInBody?: boolean;
}

/** The literal prefixes of each rule {@link tokenRule} built (see {@link documentedPrefixes}). */
const prefixesOf = new WeakMap<Rule, readonly string[]>();

/** The literal prefixes that start the tokens of those of `rules` that {@link tokenRule} built. */
export function documentedPrefixes(rules: readonly Rule[]): string[] {
  return [...new Set(rules.flatMap((r) => prefixesOf.get(r) ?? []))];
}

/** Builds a prefixed-token rule. */
export function tokenRule(spec: TokenSpec): Rule {
  const prefixes = Array.isArray(spec.prefix) ? spec.prefix : [spec.prefix];
  const b = spec.boundary ?? DEFAULT_BOUNDARY;
  // `=` is padding or an assignment: it may end a token but never touches its start.
  const before = b.replace('=', '');
  // The boundary is checked behind each literal prefix rather than before it, so the match starts
  // with the literal and the regex engine can search for it (about twice as fast in windows).
  const start = prefixes.length === 0 ? `(?<![${before}])` : `(?:${prefixes.map((p) => `${escapeLiteral(p)}(?<![${before}]${escapeLiteral(p)})`).join('|')})`;
  const pattern = new RegExp(`${start}${spec.body}(?![${b}])`);
  const rule: Rule = {
    id: spec.id,
    type: spec.type ?? spec.id,
    description: spec.description,
    keywords: spec.keywords ?? [...new Set(prefixes.map((p) => p.toLowerCase()))],
    pattern,
    minEntropy: spec.minEntropy ?? 3.0,
    allow: spec.allowOnly ?? [...tokenPlaceholders, ...(spec.allow ?? [])],
    confidence: spec.confidence ?? 'high',
    reach: spec.maxLength,
    // A prefix keyword starts every match; a keyword inside the body can sit up to maxLength in.
    reachBack: spec.keywords === undefined ? 0 : spec.maxLength,
  };
  prefixesOf.set(rule, prefixes);
  return rule;
}

/**
 * The operator between a key and its value in the syntaxes of config and code: `=`, `:`, `:=`,
 * `=>`, `==`, with blanks and the quotes around both (maybe JSON-escaped) — `KEY=v`, `key: v`,
 * `"key": "v"`, `'key' => 'v'`, `key := "v"`, `<key>=v` is not covered (XML: generic-xml-secret).
 */
export const ASSIGNMENT = String.raw`\\?["'\x60]?[ \t]{0,16}(?::=|=>|={1,3}|:(?!:))[ \t]{0,16}\\?["'\x60]?`;

/** A value recognisable only by the provider named in its key: `DATADOG_API_KEY=<32 hex>`. */
export interface NamedSpec {
  id: string;
  type?: string;
  description: string;
  /** Regex fragment (literal letters; matched in any case) that the key name must contain. */
  names: string;
  /**
   * `as-written`: `names` is matched as written, for a short name that hides inside other words in
   * any case (`[Ss]umo|SUMO`, not `sumObj`; `[Ee]tsy|ETSY`, not `SetSysctl`). Default `any`.
   */
  nameCase?: 'any' | 'as-written';
  /** Lower-case literals, one of which occurs in every name `names` matches. */
  keywords: string[];
  /** Regex source of the value (case-sensitive); bound every quantifier. */
  value: string;
  /** Longest value in chars. */
  valueMax: number;
  /** Characters that may not follow the value; default `A-Za-z0-9_`. */
  boundary?: string;
  /** Default 3.0. */
  minEntropy?: number;
  /** Added to {@link tokenPlaceholders}. */
  allow?: RegExp[];
  /** Replaces {@link tokenPlaceholders}. */
  allowOnly?: RegExp[];
  confidence?: Confidence;
}

/**
 * A Kubernetes / Compose env entry: the name on one line, its value on the next
 * (`- name: DATADOG_API_KEY` then `value: "…"`).
 */
export const ENV_ENTRY = String.raw`["']?[ \t]{0,16}\r?\n[ \t]{0,32}value[ \t]{0,4}:[ \t]{0,16}["']?`;

/**
 * The ways a provider-named key meets its value, beyond {@link ASSIGNMENT}: a declared type
 * (`var xToken string = "…"`), Makefile `::=`/`:::=`/`?=`, PHP `.=`, a key/value call pair
 * (`System.setProperty("X_TOKEN", "…")`) and an XML element whose text is the value, on its own
 * line or not (`<xToken>\n  …\n</xToken>`). Only provider rules use these: their value shapes
 * are specific enough that a looser separator does not let code through.
 */
export const NAMED_ASSIGNMENT =
  String.raw`(?:(?:[ \t]{1,4}(?:string|String|str|&str))?\\?["'\x60]?[ \t]{0,16}(?::{1,3}=|[.?]=|=>|={1,3}|:(?!:))[ \t]{0,16}\\?["'\x60]?` +
  String.raw`|\\?["'][ \t]{0,4},[ \t]{0,16}\\?["']|>[ \t]{0,16}(?:\r?\n[ \t]{0,32})?)`;

/** `a_b` also as `a-b`, `a.b` and `ab`: keys are written in every case style. */
function separatorVariants(keywords: readonly string[]): string[] {
  const out = new Set<string>();
  for (const k of keywords) {
    out.add(k);
    if (/[a-z0-9][_.-][a-z0-9]/.test(k)) for (const sep of ['_', '-', '.', '']) out.add(k.replace(/(?<=[a-z0-9])[_.-](?=[a-z0-9])/g, sep));
  }
  return [...out];
}

/** Builds a named-value rule: provider word somewhere in the key, then an assignment, then the value. */
export function namedRule(spec: NamedSpec): Rule {
  const b = spec.boundary ?? DEFAULT_BOUNDARY;
  // Word separators in a name are optional and may be `_`, `-` or `.` (DD_API_KEY, ddApiKey, dd.api.key).
  const names = spec.names.replace(/\[_-\]\??/g, '[_.-]?');
  const pattern = new RegExp(
    `(?:${spec.nameCase === 'as-written' ? names : anyCase(names)})[\\w.-]{0,40}(?:${NAMED_ASSIGNMENT}|${ENV_ENTRY})(?<secret>${spec.value})(?![${b}])`,
  );
  return {
    id: spec.id,
    type: spec.type ?? spec.id,
    description: spec.description,
    keywords: separatorVariants(spec.keywords),
    pattern,
    minEntropy: spec.minEntropy ?? 3.0,
    allow: spec.allowOnly ?? [...tokenPlaceholders, ...(spec.allow ?? [])],
    confidence: spec.confidence ?? 'high',
    // The name (up to 40 chars of the word plus 40 more), the operator (up to 40), then the value.
    reach: 140 + spec.valueMax,
    // Keywords sit inside the name fragment, which starts the match.
    reachBack: 48,
  };
}

/** Regex source of a UUID (RFC 9562 text form), case-insensitive hex. */
export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
