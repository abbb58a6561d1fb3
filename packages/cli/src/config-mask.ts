/**
 * A repository's masking policy, `repos[].mask: { leave: [...] }`: the rules it does not mask. Each
 * entry names a rule or built-in detector id (`private-key-pem`, a custom rule's id), a token type
 * (`private-key`: every rule and detector of that type) or a rule family (`private keys`, as listed by
 * the scanner's `ruleFamilies`). Resolved against the built-in rules and the configured custom ones.
 */
import { builtinDetectors, defaultRules, ruleFamilies, type Rule } from '@gitgate/scanner';
import type { ConfigProblems } from './config-problems.js';

/** What a repository leaves unmasked, as written in the config (entries validated, in order). */
export interface MaskPolicy {
  leave: string[];
}

/** The ids a policy leaves: rules (not run) and built-in detectors (their findings allowlisted). */
export interface LeftIds {
  rules: Set<string>;
  detectors: Set<string>;
}

/** Every id, type and family an entry may name, over the built-in rules plus `customRules`. */
function vocabulary(customRules: readonly Rule[]): { ids: Map<string, string[]>; types: Map<string, string[]>; families: Map<string, string[]> } {
  const ids = new Map<string, string[]>();
  const types = new Map<string, string[]>();
  const add = (id: string, type: string): void => {
    ids.set(id, [id]);
    types.set(type, [...(types.get(type) ?? []), id]);
  };
  for (const r of [...defaultRules, ...customRules]) add(r.id, r.type);
  for (const d of builtinDetectors) add(d.id, d.type);
  const families = new Map(Object.entries(ruleFamilies).map(([name, rules]) => [name, rules.map((r) => r.id)]));
  return { ids, types, families };
}

/**
 * The rule and detector ids `leave` names. Throws TypeError for an entry that names nothing (the
 * config section reports it first, with its path).
 */
export function leftIds(leave: readonly string[], customRules: readonly Rule[]): LeftIds {
  const v = vocabulary(customRules);
  const detectorIds = new Set(builtinDetectors.map((d) => d.id));
  const out: LeftIds = { rules: new Set(), detectors: new Set() };
  for (const entry of leave) {
    const named = v.ids.get(entry) ?? v.types.get(entry) ?? v.families.get(entry);
    if (named === undefined) throw new TypeError(`mask.leave: ${entry} names no rule, token type or rule family`);
    for (const id of named) (detectorIds.has(id) ? out.detectors : out.rules).add(id);
  }
  return out;
}

/** `repos[i].mask` (optional): validated against the rules in effect; undefined when absent or empty. */
export function maskEntry(v: unknown, path: string, customRules: readonly Rule[], p: ConfigProblems): MaskPolicy | undefined {
  if (v === undefined) return undefined;
  const o = p.obj(v, path);
  if (!o) return undefined;
  p.unknownKeys(o, ['leave'], path);
  if (o.leave === undefined) return undefined;
  if (!Array.isArray(o.leave) || o.leave.some((e) => typeof e !== 'string' || e === '')) {
    p.push(`${path}.leave: must be a list of rule ids, token types or rule families (e.g. [private-key])`);
    return undefined;
  }
  const voc = vocabulary(customRules);
  const unknown = (o.leave as string[]).filter((e) => !voc.ids.has(e) && !voc.types.has(e) && !voc.families.has(e));
  for (const e of unknown) {
    p.push(`${path}.leave: "${e}" is not a rule id, token type or rule family (families: ${[...voc.families.keys()].join(', ')}; types such as ${[...voc.types.keys()].slice(0, 4).join(', ')}; gitgate scan --json lists rule ids)`);
  }
  if (unknown.length > 0) return undefined;
  const leave = [...new Set(o.leave as string[])];
  return leave.length > 0 ? { leave } : undefined;
}
