/**
 * Custom rules and allowlist entries from the gateway config (`scanner.rules`,
 * `scanner.allowlist`), validated once at start. Every problem is reported together, each with
 * its config path (`scanner.rules[2].regex: invalid regular expression: …`), in the style of the
 * CLI's config validation.
 */
import { compileRule } from './compiled-rule.js';
import { defaultRules } from './default-rules.js';
import { builtinDetectors } from './detectors.js';
import { FILE_KINDS, type FileKind } from './file-kind.js';
import { directoryGlobProblem, globToRegExp, nameGlob } from './path-rules.js';
import type { AllowlistEntry, Confidence, Rule } from './rule.js';

const RULE_KEYS = ['id', 'type', 'description', 'regex', 'secretGroup', 'keywords', 'minEntropy', 'allow', 'paths', 'fileKinds', 'confidence', 'multiline'];
const ALLOW_KEYS = ['description', 'regex', 'paths', 'rules'];
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TYPE_SLUG = /^[a-z0-9-]{1,64}$/;
/** A group holding an unbounded quantifier, itself repeated without bound: `(a+)+`, `(?:\w*x)*`. */
const NESTED_UNBOUNDED = /\((?:[^()\\]|\\.)*(?:[*+]|\{\d+,\})(?:[^()\\]|\\.)*\)(?:[*+]|\{\d+,\})/;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Compiles a config regex string. A leading gitleaks-style `(?i)`, `(?s)`, `(?m)` group becomes
 * the matching JavaScript flag. Returns the regex or a problem text.
 */
function compileRegex(source: unknown, path: string, problems: string[]): RegExp | undefined {
  if (typeof source !== 'string' || source.length === 0) {
    problems.push(`${path}: must be a non-empty string`);
    return undefined;
  }
  const inline = /^\(\?([ims]+)\)/.exec(source);
  const body = inline ? source.slice(inline[0].length) : source;
  const flags = inline ? [...new Set(inline[1])].join('') : '';
  try {
    const re = new RegExp(body, flags);
    if (NESTED_UNBOUNDED.test(body)) {
      problems.push(`${path}: nested unbounded quantifiers (like (a+)+) can backtrack catastrophically; bound the inner or outer repetition`);
      return undefined;
    }
    return re;
  } catch (e) {
    problems.push(`${path}: invalid regular expression: ${(e as Error).message}`);
    return undefined;
  }
}

function stringList(v: unknown, path: string, problems: string[], what: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x.length > 0)) {
    problems.push(`${path}: must be a non-empty list of non-empty ${what}`);
    return undefined;
  }
  return v as string[];
}

function globList(v: unknown, path: string, problems: string[]): string[] | undefined {
  const globs = stringList(v, path, problems, 'glob strings');
  if (globs === undefined) return undefined;
  for (const [i, g] of globs.entries()) {
    try {
      globToRegExp(g);
      if (nameGlob(g) === undefined) problems.push(`${path}[${i}]: ${directoryGlobProblem(g)}`);
    } catch (e) {
      problems.push(`${path}[${i}]: ${(e as Error).message}`);
    }
  }
  return globs;
}

/** A rule's `fileKinds`: a non-empty list of file kinds (file-kind.ts). */
function kindList(v: unknown, path: string, problems: string[]): FileKind[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || !v.every((k) => FILE_KINDS.includes(k as FileKind))) {
    problems.push(`${path}: must be a non-empty list of file kinds (${FILE_KINDS.join(', ')})`);
    return undefined;
  }
  return v as FileKind[];
}

/**
 * Validates and compiles custom rules given as config data (a list of
 * `{ id, type, description?, regex, secretGroup?, keywords, minEntropy?, allow?, paths?,
 * fileKinds?, confidence?, multiline? }`). `paths` are file-name globs (a glob naming a directory is
 * a problem); `fileKinds` limits the rule to files of those kinds (file-kind.ts). Keywords are folded to lower case; `confidence` defaults to
 * `high`. `where` is the config path of the list (e.g. `scanner.rules`). Never throws: rules that
 * have a problem are left out and the problems say why.
 */
export function compileCustomRules(raw: unknown, where: string): { rules: Rule[]; problems: string[] } {
  const problems: string[] = [];
  const rules: Rule[] = [];
  if (raw === undefined || raw === null) return { rules, problems };
  if (!Array.isArray(raw)) return { rules, problems: [`${where}: must be a list of rules`] };
  const taken = new Set<string>([...defaultRules.map((r) => r.id), ...builtinDetectors.map((d) => d.id)]);
  raw.forEach((item, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(item)) {
      problems.push(`${at}: must be a mapping`);
      return;
    }
    const before = problems.length;
    for (const k of Object.keys(item)) if (!RULE_KEYS.includes(k)) problems.push(`${at}.${k}: unknown key (allowed: ${RULE_KEYS.join(', ')})`);
    const { id, type, description } = item;
    if (typeof id !== 'string' || !ID.test(id)) problems.push(`${at}.id: must match ${ID} (lower-case letters, digits, . _ -)`);
    else if (taken.has(id)) problems.push(`${at}.id: ${id} is already used by ${defaultRules.some((r) => r.id === id) || builtinDetectors.some((d) => d.id === id) ? 'a built-in rule' : 'another custom rule'}`);
    if (typeof type !== 'string' || !TYPE_SLUG.test(type)) problems.push(`${at}.type: must match ${TYPE_SLUG} (it is part of the token)`);
    if (description !== undefined && typeof description !== 'string') problems.push(`${at}.description: must be a string`);
    const pattern = compileRegex(item.regex, `${at}.regex`, problems);
    const keywords = stringList(item.keywords, `${at}.keywords`, problems, 'strings');
    if (item.keywords === undefined) problems.push(`${at}.keywords: required (the rule runs only where one of them occurs)`);
    if (keywords !== undefined && keywords.some((k) => /[^\x00-\xff]/.test(k))) problems.push(`${at}.keywords: must be ASCII or latin1 text`);
    if (item.minEntropy !== undefined && !(typeof item.minEntropy === 'number' && item.minEntropy >= 0 && item.minEntropy <= 8)) {
      problems.push(`${at}.minEntropy: must be a number from 0 to 8 (bits per char)`);
    }
    if (item.secretGroup !== undefined && !(typeof item.secretGroup === 'string' || (Number.isInteger(item.secretGroup) && (item.secretGroup as number) >= 0))) {
      problems.push(`${at}.secretGroup: must be a group number or name`);
    }
    const confidence = item.confidence ?? 'high';
    if (confidence !== 'high' && confidence !== 'medium' && confidence !== 'low') problems.push(`${at}.confidence: must be high, medium or low`);
    if (item.multiline !== undefined && typeof item.multiline !== 'boolean') problems.push(`${at}.multiline: must be true or false`);
    let allow: RegExp[] | undefined;
    if (item.allow !== undefined) {
      if (!Array.isArray(item.allow)) problems.push(`${at}.allow: must be a list of regular expressions`);
      else allow = item.allow.map((a, j) => compileRegex(a, `${at}.allow[${j}]`, problems)).filter((r): r is RegExp => r !== undefined);
    }
    const paths = globList(item.paths, `${at}.paths`, problems);
    const fileKinds = kindList(item.fileKinds, `${at}.fileKinds`, problems);
    if (problems.length > before || pattern === undefined || keywords === undefined) return;
    const rule: Rule = {
      id: id as string,
      type: type as string,
      description: (description as string | undefined) ?? `custom rule ${id as string}`,
      keywords: keywords.map((k) => k.toLowerCase()),
      pattern,
      confidence: confidence as Confidence,
      ...(item.secretGroup === undefined ? {} : { secretGroup: item.secretGroup as number | string }),
      ...(item.minEntropy === undefined ? {} : { minEntropy: item.minEntropy as number }),
      ...(allow === undefined ? {} : { allow }),
      ...(paths === undefined ? {} : { paths }),
      ...(fileKinds === undefined ? {} : { fileKinds }),
      ...(item.multiline === true ? { multiline: true } : {}),
    };
    try {
      compileRule(rule);
    } catch (e) {
      // compileRule names the rule; the config path is what the operator needs.
      problems.push(`${at}: ${(e as Error).message.replace(/^scanner rule [^:]*: /, '')}`);
      return;
    }
    taken.add(rule.id);
    rules.push(rule);
  });
  return { rules, problems };
}

/**
 * Validates global allowlist entries given as config data (a list of
 * `{ description?, regex?, paths?, rules? }`; each needs `regex` or `paths`). `knownRuleIds`
 * checks `rules` (default: the built-in rule and detector ids). Never throws.
 */
export function compileAllowlistConfig(raw: unknown, where: string, knownRuleIds?: ReadonlySet<string>): { allowlist: AllowlistEntry[]; problems: string[] } {
  const problems: string[] = [];
  const allowlist: AllowlistEntry[] = [];
  if (raw === undefined || raw === null) return { allowlist, problems };
  if (!Array.isArray(raw)) return { allowlist, problems: [`${where}: must be a list of allowlist entries`] };
  const known = knownRuleIds ?? new Set([...defaultRules.map((r) => r.id), ...builtinDetectors.map((d) => d.id)]);
  raw.forEach((item, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(item)) {
      problems.push(`${at}: must be a mapping`);
      return;
    }
    const before = problems.length;
    for (const k of Object.keys(item)) if (!ALLOW_KEYS.includes(k)) problems.push(`${at}.${k}: unknown key (allowed: ${ALLOW_KEYS.join(', ')})`);
    if (item.description !== undefined && typeof item.description !== 'string') problems.push(`${at}.description: must be a string`);
    const regex = item.regex === undefined ? undefined : compileRegex(item.regex, `${at}.regex`, problems);
    const paths = globList(item.paths, `${at}.paths`, problems);
    const ruleIds = stringList(item.rules, `${at}.rules`, problems, 'rule ids');
    for (const r of ruleIds ?? []) if (!known.has(r)) problems.push(`${at}.rules: unknown rule id ${r}`);
    if (item.regex === undefined && item.paths === undefined) problems.push(`${at}: needs a regex or paths`);
    if (problems.length > before) return;
    allowlist.push({
      ...(item.description === undefined ? {} : { description: item.description as string }),
      ...(regex === undefined ? {} : { regex }),
      ...(paths === undefined ? {} : { paths }),
      ...(ruleIds === undefined ? {} : { ruleIds }),
    });
  });
  return { allowlist, problems };
}

/**
 * Validates the `scanner` section of the gateway config, `{ rules?, allowlist? }`, reporting
 * problems under `where` (e.g. `scanner`). Allowlist entries may name custom rules. Never throws;
 * pass the results to `createScanner({ extraRules: rules, allowlist })` when `problems` is empty.
 */
export function compileScannerConfig(raw: unknown, where: string): { rules: Rule[]; allowlist: AllowlistEntry[]; problems: string[] } {
  if (raw === undefined || raw === null) return { rules: [], allowlist: [], problems: [] };
  if (!isObject(raw)) return { rules: [], allowlist: [], problems: [`${where}: must be a mapping`] };
  const problems: string[] = [];
  for (const k of Object.keys(raw)) if (k !== 'rules' && k !== 'allowlist') problems.push(`${where}.${k}: unknown key (allowed: rules, allowlist)`);
  const custom = compileCustomRules(raw.rules, `${where}.rules`);
  const known = new Set([...defaultRules.map((r) => r.id), ...builtinDetectors.map((d) => d.id), ...custom.rules.map((r) => r.id)]);
  const allow = compileAllowlistConfig(raw.allowlist, `${where}.allowlist`, known);
  return { rules: custom.rules, allowlist: allow.allowlist, problems: [...problems, ...custom.problems, ...allow.problems] };
}
