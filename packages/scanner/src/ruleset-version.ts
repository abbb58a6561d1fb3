/** The rule-set version: part of every sanitized object id, so it must change whenever detection can. */
import { createHash } from 'node:crypto';
import type { DecodeLimits } from './decode-limits.js';
import type { AllowlistEntry, Rule } from './rule.js';
import { PUBLISHED_EXAMPLE_FINGERPRINTS } from './rules/published-examples.js';

/**
 * Bumped whenever the engine's matching semantics change (prefilter, windows, overlap policy,
 * offsets, decoders, built-in detectors).
 */
export const SCANNER_ENGINE_VERSION = 'gitgate-scanner/4';

/** Engine settings that can change a result, hashed with the rules. */
export interface EngineSettings {
  chunkBytes: number;
  chunkOverlap: number;
  maxDecodeDepth: number;
  /** Container decoding bounds (gzip, zip), absent for callers that hash rules only. */
  decode?: DecodeLimits;
}

function regexKey(re: RegExp): [string, string] {
  return [re.source, re.flags];
}

/**
 * Returns the first 16 hex chars of a sha256 over the engine version, the engine settings, every
 * field of every rule that can change a result, the global allowlist and the published examples. Rules are hashed
 * sorted by id (findings do not depend on rule order); allowlist entries in order.
 */
export function rulesetVersion(rules: readonly Rule[], allowlist: readonly AllowlistEntry[] = [], settings?: EngineSettings): string {
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
    reach: r.reach ?? null,
    reachBack: r.reachBack ?? null,
    decoded:
      r.decoded === undefined
        ? null
        : {
            encoding: r.decoded.encoding,
            pattern: regexKey(r.decoded.pattern),
            allow: (r.decoded.allow ?? []).map(regexKey),
            // Only when set, so the versions of rule sets without it stay what they were.
            ...(r.decoded.minEntropy === undefined ? {} : { minEntropy: r.decoded.minEntropy }),
          },
    paths: r.paths ?? null,
    // Only when set, so the versions of rule sets without kinds stay what they were.
    ...(r.fileKinds === undefined ? {} : { fileKinds: [...new Set(r.fileKinds)].sort() }),
  }));
  const allow = allowlist.map((e) => ({
    regex: e.regex === undefined ? null : regexKey(e.regex),
    ruleIds: e.ruleIds === undefined ? null : [...e.ruleIds].sort(),
    paths: e.paths ?? null,
  }));
  return createHash('sha256')
    .update(JSON.stringify({ engine: SCANNER_ENGINE_VERSION, settings: settings ?? null, rules: canonical, allowlist: allow, published: PUBLISHED_EXAMPLE_FINGERPRINTS }))
    .digest('hex')
    .slice(0, 16);
}
