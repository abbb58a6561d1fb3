/**
 * Scanners that also find known secrets (known-secrets.ts): a scanner's findings merged with the known
 * values' occurrences, so every caller of `scan` — plain content and each decoded layer of
 * `replaceSecrets` (UTF-16, gzip, zip, tar) — sees both.
 */
import type { Finding } from './rule.js';
import type { Scanner } from './scanner.js';
import { KNOWN_SECRET_RULE_ID, type KnownSecrets } from './known-secrets.js';

/**
 * One finding for a cluster of overlapping ones. A finding that spans the whole cluster speaks for it (a
 * known value before a rule finding of the same span, so a value keeps the vault's token everywhere);
 * otherwise the union of the spans is taken, under the longest finding's type: a secret partly covered
 * by another is never left half in the clear.
 */
function settleCluster(cluster: readonly Finding[]): Finding {
  if (cluster.length === 1) return cluster[0]!;
  let start = Infinity;
  let end = -Infinity;
  for (const f of cluster) {
    start = Math.min(start, f.start);
    end = Math.max(end, f.end);
  }
  const whole = cluster.filter((f) => f.start === start && f.end === end);
  if (whole.length > 0) {
    const known = whole.find((f) => f.via === undefined && isKnown(f));
    // A rule finding of the known value's type gives the same token and names the rule that saw it.
    return (known && whole.find((f) => !isKnown(f) && f.via === undefined && f.type === known.type)) ?? known ?? whole[0]!;
  }
  const longest = cluster.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
  return { ...longest, start, end };
}

function isKnown(f: Finding): boolean {
  return f.ruleId === KNOWN_SECRET_RULE_ID;
}

/**
 * Merges sorted, disjoint rule findings with sorted, disjoint known-value findings into one sorted,
 * disjoint list (see settleCluster). Deterministic: depends only on the two lists.
 */
export function mergeKnownFindings(found: readonly Finding[], known: readonly Finding[]): Finding[] {
  if (known.length === 0) return [...found];
  if (found.length === 0) return [...known];
  const all = [...found, ...known].sort((a, b) => a.start - b.start || b.end - a.end || (isKnown(a) ? -1 : isKnown(b) ? 1 : 0));
  const out: Finding[] = [];
  let cluster: Finding[] = [];
  let end = -1;
  for (const f of all) {
    if (f.start >= end && cluster.length > 0) {
      out.push(settleCluster(cluster));
      cluster = [];
    }
    cluster.push(f);
    end = Math.max(end, f.end);
  }
  out.push(settleCluster(cluster));
  return out;
}

/**
 * `scanner` plus the known values of `known` (as they are at each call: values learned later count
 * from then on). The rule-set version is `scanner`'s: known values are data, not rules. Known values
 * apply in every kind of file. An unhinted scan returns every kind's candidates (they may overlap) with
 * the known occurrences beside them; `select` merges the known ones into what a kind keeps, so a
 * finding that only some kinds keep is never merged into a span the other kinds then tokenize.
 */
export function withKnownSecrets(scanner: Scanner, known: KnownSecrets): Scanner {
  const occurrences = (content: Uint8Array): Finding[] => known.find(Buffer.from(content.buffer, content.byteOffset, content.length));
  return {
    ...scanner,
    scan(content, hint) {
      const found = scanner.scan(content, hint);
      if (hint !== undefined) return mergeKnownFindings(found, occurrences(content));
      return [...found, ...occurrences(content)].sort((a, b) => a.start - b.start || a.end - b.end);
    },
    select(content, findings, hint) {
      const selected = scanner.select(content, findings.filter((f) => !isKnown(f)), hint);
      return mergeKnownFindings(selected, findings.filter(isKnown));
    },
  };
}

/**
 * A scanner that finds only the known values with index ≥ `fromIndex`, decoding containers within
 * `scanner`'s bounds: the cheap re-check of content read before those values were known.
 */
export function knownSecretsOnly(scanner: Scanner, known: KnownSecrets, fromIndex: number): Scanner {
  return {
    ...scanner,
    scan(content) {
      return known.find(Buffer.from(content.buffer, content.byteOffset, content.length), fromIndex);
    },
  };
}
