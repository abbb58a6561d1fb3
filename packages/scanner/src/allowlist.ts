/** Global allowlists: entries from the gateway config (and the built-in ones) applied across all rules. */
import { compileNameGlob } from './path-rules.js';
import type { AllowlistEntry } from './rule.js';

/** An allowlist entry ready to test: stateless regexes, rule ids as a set. */
export interface CompiledAllowlistEntry {
  readonly entry: AllowlistEntry;
  readonly regex?: RegExp;
  readonly ruleIds?: ReadonlySet<string>;
  readonly paths?: readonly RegExp[];
}

/**
 * Checks and compiles global allowlist entries.
 * @throws TypeError when an entry has neither `regex` nor `paths`, or a field has the wrong type.
 */
export function compileAllowlist(entries: readonly AllowlistEntry[]): CompiledAllowlistEntry[] {
  return entries.map((e, i) => {
    const fail = (why: string): never => {
      throw new TypeError(`scanner allowlist[${i}]: ${why}`);
    };
    if (e === null || typeof e !== 'object') fail('must be an object');
    if (e.regex !== undefined && !(e.regex instanceof RegExp)) fail('regex must be a RegExp');
    if (e.paths !== undefined && !(Array.isArray(e.paths) && e.paths.every((p) => typeof p === 'string' && p.length > 0))) fail('paths must be non-empty glob strings');
    if (e.ruleIds !== undefined && !(Array.isArray(e.ruleIds) && e.ruleIds.every((r) => typeof r === 'string'))) fail('ruleIds must be strings');
    if (e.regex === undefined && (e.paths === undefined || e.paths.length === 0)) fail('needs a regex or paths');
    let paths: RegExp[] | undefined;
    try {
      paths = e.paths?.map(compileNameGlob);
    } catch (err) {
      fail(`paths: ${(err as Error).message}`);
    }
    return {
      entry: e,
      ...(e.regex === undefined ? {} : { regex: new RegExp(e.regex.source, e.regex.flags.replace(/[gy]/g, '')) }),
      ...(e.ruleIds === undefined ? {} : { ruleIds: new Set(e.ruleIds) }),
      ...(paths === undefined ? {} : { paths }),
    };
  });
}

/**
 * Whether `entry` drops a finding of `ruleId` whose secret text is `secret`. Without a path or file
 * name, an entry that names paths never applies: what cannot be checked is tokenized.
 */
export function allowlisted(entry: CompiledAllowlistEntry, ruleId: string, secret: string, path: string | undefined): boolean {
  if (entry.ruleIds !== undefined && !entry.ruleIds.has(ruleId)) return false;
  if (entry.paths !== undefined) {
    if (path === undefined || !entry.paths.some((p) => p.test(path))) return false;
  }
  return entry.regex === undefined || entry.regex.test(secret);
}
