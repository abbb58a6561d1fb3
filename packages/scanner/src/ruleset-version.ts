/** The rule-set version: part of every sanitized object id, so it must change whenever detection can. */
import { createHash } from 'node:crypto';
import type { Rule } from './rule.js';

/** Bumped whenever the engine's matching semantics change (prefilter, overlap policy, offsets). */
export const SCANNER_ENGINE_VERSION = 'gitgate-scanner/1';

function regexKey(re: RegExp): [string, string] {
  return [re.source, re.flags];
}

/**
 * Returns the first 16 hex chars of a sha256 over the engine version and every field of every
 * rule that can change a result. Rules are hashed sorted by id: findings do not depend on rule order.
 */
export function rulesetVersion(rules: readonly Rule[]): string {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const canonical = sorted.map((r) => ({
    id: r.id,
    type: r.type,
    pattern: regexKey(r.pattern),
    secretGroup: r.secretGroup ?? null,
    keywords: [...r.keywords],
    minEntropy: r.minEntropy ?? null,
    allow: (r.allow ?? []).map(regexKey),
    confidence: r.confidence,
    multiline: r.multiline === true,
  }));
  return createHash('sha256')
    .update(JSON.stringify({ engine: SCANNER_ENGINE_VERSION, rules: canonical }))
    .digest('hex')
    .slice(0, 16);
}
