/**
 * Each repository's scanner, built from the config's scanner section and the repository's masking
 * policy (config-mask.ts). The gateway and `gitgate scan --config` both take their scanners from here,
 * so a dry run applies exactly the rules a sync applies. Left rules are not run; left built-in
 * detectors are allowlisted (a detector is code, not a rule that can be dropped). Both change the
 * scanner's rule-set version, and with it the repository's sync key.
 */
import { createScanner, defaultRules, type AllowlistEntry, type Rule, type Scanner } from '@gitgate/scanner';
import { leftIds, type MaskPolicy } from './config-mask.js';

/** Returns a scanner per masking policy (one per distinct policy: repositories share them). */
export function repoScanners(config: { rules: readonly Rule[]; allowlist: readonly AllowlistEntry[] }): (mask?: MaskPolicy) => Scanner {
  const cache = new Map<string, Scanner>();
  return (mask) => {
    const leave = [...new Set(mask?.leave ?? [])].sort();
    const key = JSON.stringify(leave);
    let scanner = cache.get(key);
    if (scanner === undefined) {
      const left = leftIds(leave, config.rules);
      const kept = (r: Rule): boolean => !left.rules.has(r.id);
      const detectors: AllowlistEntry[] = left.detectors.size === 0 ? [] : [{
        description: `left unmasked by the repository's policy: ${[...left.detectors].sort().join(', ')}`,
        regex: /(?:)/,
        ruleIds: [...left.detectors].sort(),
      }];
      scanner = createScanner({
        rules: defaultRules.filter(kept), extraRules: config.rules.filter(kept), allowlist: [...config.allowlist, ...detectors],
      });
      cache.set(key, scanner);
    }
    return scanner;
  };
}
