/** Validates a rule and compiles it into the form the engine runs: fresh stateful regexes, resolved group. */
import { FILE_KINDS } from './file-kind.js';
import { compileNameGlob, nameGlob, directoryGlobProblem } from './path-rules.js';
import type { Rule } from './rule.js';

/** A rule ready to run. The regexes are private copies: no state is shared with the caller's Rule. */
export interface CompiledRule {
  readonly rule: Rule;
  /** The rule's pattern with `g` and `d` (match indices) added and `y` removed. */
  readonly regex: RegExp;
  readonly group: number | string;
  /** The allowlist without `g`/`y`, so `test` has no `lastIndex` state. */
  readonly allow: readonly RegExp[];
  /** The decoded-value check with stateless regexes, when the rule has one. */
  readonly decoded?: { readonly pattern: RegExp; readonly allow: readonly RegExp[]; readonly minEntropy?: number };
  /** The rule's file-name globs as regexes (empty: every name). */
  readonly paths: readonly RegExp[];
}

const TYPE_SLUG = /^[a-z0-9-]+$/;
const CONFIDENCES = new Set(['high', 'medium', 'low']);

function withFlags(re: RegExp, add: string, remove: string): RegExp {
  const flags = [...new Set(re.flags + add)].filter((f) => !remove.includes(f)).sort().join('');
  return new RegExp(re.source, flags);
}

/** Capture groups of `re`, found by matching the empty alternative `(?:re)|` against ''. */
function groupsOf(re: RegExp): { count: number; names: Set<string> } {
  const probe = new RegExp(`(?:${re.source})|`, re.flags.replace(/[gy]/g, '')).exec('')!;
  return { count: probe.length - 1, names: new Set(Object.keys(probe.groups ?? {})) };
}

/**
 * Checks a rule and compiles it.
 * @throws TypeError when the rule is malformed (the message names the rule id, never content).
 */
export function compileRule(rule: Rule): CompiledRule {
  const id = typeof rule?.id === 'string' && rule.id.length > 0 ? rule.id : undefined;
  const fail = (why: string): never => {
    throw new TypeError(`scanner rule ${id ?? '(without id)'}: ${why}`);
  };
  if (id === undefined) fail('id must be a non-empty string');
  if (typeof rule.type !== 'string' || !TYPE_SLUG.test(rule.type)) fail('type must match /^[a-z0-9-]+$/ (it is part of the token)');
  if (!(rule.pattern instanceof RegExp)) fail('pattern must be a RegExp');
  if (!Array.isArray(rule.keywords) || rule.keywords.length === 0) fail('keywords must list at least one literal');
  for (const k of rule.keywords) {
    // The content is folded to lower case before the keyword search, so an upper-case keyword never matches.
    if (typeof k !== 'string' || k.length === 0 || /[A-Z]/.test(k)) fail('keywords must be non-empty lower-case strings');
  }
  if (!CONFIDENCES.has(rule.confidence)) fail("confidence must be 'high', 'medium' or 'low'");
  if (rule.minEntropy !== undefined && !(typeof rule.minEntropy === 'number' && rule.minEntropy >= 0)) {
    fail('minEntropy must be a number >= 0');
  }
  if (rule.allow !== undefined && !(Array.isArray(rule.allow) && rule.allow.every((a) => a instanceof RegExp))) {
    fail('allow must be an array of RegExp');
  }
  if (rule.reach !== undefined && !(Number.isSafeInteger(rule.reach) && rule.reach > 0)) fail('reach must be a positive integer');
  if (rule.reachBack !== undefined && !(Number.isSafeInteger(rule.reachBack) && rule.reachBack >= 0)) fail('reachBack must be an integer >= 0');
  if (rule.reachBack !== undefined && rule.reach === undefined) fail('reachBack needs reach');
  if (rule.decoded !== undefined) {
    const d = rule.decoded;
    if (d.encoding !== 'base64') fail("decoded.encoding must be 'base64'");
    if (!(d.pattern instanceof RegExp)) fail('decoded.pattern must be a RegExp');
    if (d.allow !== undefined && !(Array.isArray(d.allow) && d.allow.every((a) => a instanceof RegExp))) fail('decoded.allow must be an array of RegExp');
    if (d.minEntropy !== undefined && !(typeof d.minEntropy === 'number' && d.minEntropy >= 0)) fail('decoded.minEntropy must be a number >= 0');
  }
  if (rule.paths !== undefined && !(Array.isArray(rule.paths) && rule.paths.every((p) => typeof p === 'string' && p.length > 0))) {
    fail('paths must be an array of non-empty glob strings');
  }
  for (const p of rule.paths ?? []) if (nameGlob(p) === undefined) fail(`paths: ${directoryGlobProblem(p)}`);
  if (rule.fileKinds !== undefined && !(Array.isArray(rule.fileKinds) && rule.fileKinds.length > 0 && rule.fileKinds.every((k) => FILE_KINDS.includes(k)))) {
    fail(`fileKinds must be a non-empty list of ${FILE_KINDS.join(', ')}`);
  }

  const { count, names } = groupsOf(rule.pattern);
  let group: number | string;
  if (rule.secretGroup === undefined) {
    group = names.has('secret') ? 'secret' : 0;
  } else if (typeof rule.secretGroup === 'string') {
    if (!names.has(rule.secretGroup)) fail(`pattern has no group named ${rule.secretGroup}`);
    group = rule.secretGroup;
  } else {
    if (!Number.isInteger(rule.secretGroup) || rule.secretGroup < 0 || rule.secretGroup > count) {
      fail(`pattern has no capture group ${String(rule.secretGroup)}`);
    }
    group = rule.secretGroup;
  }

  return {
    rule,
    regex: withFlags(rule.pattern, 'gd', 'y'),
    group,
    allow: (rule.allow ?? []).map((a) => withFlags(a, '', 'gy')),
    ...(rule.decoded === undefined
      ? {}
      : {
          decoded: {
            pattern: withFlags(rule.decoded.pattern, '', 'gy'),
            allow: (rule.decoded.allow ?? []).map((a) => withFlags(a, '', 'gy')),
            ...(rule.decoded.minEntropy === undefined ? {} : { minEntropy: rule.decoded.minEntropy }),
          },
        }),
    paths: (rule.paths ?? []).map(compileNameGlob),
  };
}
