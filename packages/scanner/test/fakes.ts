/**
 * Fake secrets for tests, built at run time from parts and a seeded generator, so the repository
 * never holds a secret-shaped literal and every run sees the same bytes.
 */
import { expect } from 'chai';
import { builtinDetectors, createScanner, defaultRules, TOKEN_PATTERN, type Finding, type Rule, type Scanner } from '../src/index.js';

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const BASE64 = ALNUM + '+/';
export const BASE32 = UPPER + '234567';
export const HEX = '0123456789abcdef';

/** mulberry32: small, fast, deterministic. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator of fake secrets; each test file makes its own with a fixed seed. */
export class Fakes {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seeded(seed);
  }

  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  /** `gh?_` + 36 base62 chars. */
  github(kind: 'p' | 'o' | 'u' | 's' | 'r'): string {
    return 'gh' + kind + '_' + this.chars(ALNUM, 36);
  }

  githubFineGrained(): string {
    return 'github' + '_pat_' + this.chars(ALNUM, 22) + '_' + this.chars(ALNUM, 59);
  }

  awsKeyId(prefix = 'AKIA'): string {
    return prefix + this.chars(BASE32, 16);
  }

  awsSecret(): string {
    return this.chars(BASE64, 40);
  }

  gitlab(): string {
    return 'gl' + 'pat-' + this.chars(ALNUM + '_-', 20);
  }

  slack(kind: 'b' | 'p' | 'a' | 'r' | 's' = 'b'): string {
    return 'xox' + kind + '-' + this.chars(DIGITS, 12) + '-' + this.chars(DIGITS, 13) + '-' + this.chars(ALNUM, 24);
  }

  stripe(prefix: 'sk' | 'rk' = 'sk'): string {
    return prefix + '_live_' + this.chars(ALNUM, 24);
  }

  /** A password-like value: mixed case, digits and a few symbols. */
  password(n = 16): string {
    return this.chars(ALNUM, n - 2) + this.chars('!@%^*-_', 1) + this.chars(DIGITS, 1);
  }

  /** Base64 lines of `lineLength`, as in a PEM body. */
  base64Lines(total: number, lineLength = 64): string[] {
    const body = this.chars(BASE64, total - 2) + '==';
    const lines: string[] = [];
    for (let i = 0; i < body.length; i += lineLength) lines.push(body.slice(i, i + lineLength));
    return lines;
  }

  /** A PEM private key block joined with `eol`; `kind` is e.g. 'RSA ' or '' (PKCS#8). */
  pem(kind = 'RSA ', eol = '\n', bodyChars = 900): string {
    const label = kind + ['PRIVATE', 'KEY'].join(' ');
    return [pemLine('BEGIN', label), ...this.base64Lines(bodyChars), pemLine('END', label)].join(eol);
  }

  /** A gateway token of `type`, shaped like the vault's. */
  token(type: string): string {
    return `[[TOKEN_${type}_${this.chars(BASE32, 26)}]]`;
  }
}

/** `-----BEGIN <label>-----`, assembled so no marker literal sits in the source. */
export function pemLine(which: 'BEGIN' | 'END', label: string): string {
  const dashes = '-'.repeat(5);
  return `${dashes}${which} ${label}${dashes}`;
}

const typeOf = new Map<string, string>([...defaultRules.map((r): [string, string] => [r.id, r.type]), ...builtinDetectors.map((d): [string, string] => [d.id, d.type])]);

/** A finding expressed by its text, for readable expectations. */
export interface Expected {
  ruleId: string;
  secret: string;
  /** The encodings peeled, for a secret found inside an encoded run. */
  via?: string;
}

/** Byte offset of `secret` (which must occur exactly once) in `text` encoded as UTF-8. */
export function byteSpan(text: string, secret: string): { start: number; end: number } {
  const i = text.indexOf(secret);
  if (i < 0 || text.indexOf(secret, i + 1) >= 0) throw new Error('expected secret must occur exactly once in the test text');
  const start = Buffer.byteLength(text.slice(0, i));
  return { start, end: start + Buffer.byteLength(secret) };
}

/** Asserts that scanning `text` yields exactly `expected`, with exact byte spans, in order. */
export function expectFindings(scanner: Scanner, text: string, expected: Expected[]): void {
  const want: Finding[] = expected.map((e) => ({
    ruleId: e.ruleId,
    type: typeOf.get(e.ruleId) ?? '(unknown rule)',
    ...byteSpan(text, e.secret),
    confidence: scanner.rules.find((r) => r.id === e.ruleId)?.confidence ?? 'high',
    ...(e.via === undefined ? {} : { via: e.via }),
  }));
  want.sort((a, b) => a.start - b.start);
  // What content of no known kind gets (every finding); the kinds a finding is limited to are checked
  // by the file-kind tests, not here.
  const got = scanner.scan(Buffer.from(text, 'utf8'), { kind: 'unknown' }).map(({ fileKinds: _kinds, ...f }) => f);
  expect(got).to.deep.equal(want);
}

/** Asserts that scanning `text` yields no finding (shows the rule ids if it does, never the text). */
export function expectNone(scanner: Scanner, text: string): void {
  expect(scanner.scan(Buffer.from(text, 'utf8')).map((f) => f.ruleId)).to.deep.equal([]);
}

/** Replaces every finding's span with a gateway token, as the rewriter does. */
export function tokenize(scanner: Scanner, content: Buffer, fakes: Fakes): Buffer {
  const findings = scanner.scan(content);
  const parts: Buffer[] = [];
  let at = 0;
  for (const f of findings) {
    parts.push(content.subarray(at, f.start), Buffer.from(fakes.token(f.type)));
    at = f.end;
  }
  parts.push(content.subarray(at));
  const out = Buffer.concat(parts);
  // Guard the helper itself: every token it wrote must be one the scanner recognises.
  expect(countTokens(out) - countTokens(content)).to.equal(findings.length);
  return out;
}

function countTokens(content: Buffer): number {
  return content.toString('latin1').match(new RegExp(TOKEN_PATTERN.source, 'g'))?.length ?? 0;
}

/** 1 MB of `unit` repeated. */
export function repeatTo1MB(unit: string): string {
  return unit.repeat(Math.ceil(1_000_000 / unit.length)).slice(0, 1_000_000);
}

/**
 * CPU milliseconds this process spends in `fn` (user + system). A guard against catastrophic
 * backtracking measures CPU, not wall time, so a machine loaded by other work does not fail it.
 */
export function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Asserts that `scanner` scans `text` well within a CPU budget (catastrophic backtracking takes orders more). */
export function expectFast(scanner: Scanner, text: string, budgetMs = 2000): void {
  const content = Buffer.from(text, 'latin1');
  expect(cpuMs(() => scanner.scan(content))).to.be.below(budgetMs);
}

/**
 * Asserts that `rule` alone finishes `text` quickly. The rule's keywords are prepended so the
 * prefilter cannot skip the regex: the point is to exercise the regex on the hostile bytes.
 */
export function expectRuleFast(rule: Rule, text: string, budgetMs = 2000): void {
  expectFast(createScanner({ rules: [rule] }), rule.keywords.join('\n') + '\n' + text, budgetMs);
}

/** Like {@link expectRuleFast} for a family of rules scanned together (keywords of all prepended). */
export function expectRulesFast(rules: readonly Rule[], text: string, budgetMs = 2000): void {
  expectFast(createScanner({ rules }), rules.flatMap((r) => r.keywords).join('\n') + '\n' + text, budgetMs);
}
