// How recall-gitleaks.mjs counts gitleaks's negative samples, like with like. A negative of rule A is
// one of three kinds: a sample gitleaks's own source heads "False Negative" (a key its regex misses:
// a positive mislabeled), another rule's real format (gitleaks flags it with its rule B for that
// format, and whatever of ours flags it is our rule for B), or a true negative. Only true negatives
// measure false positives; the other two are counted and printed on their own.

/** The heading gitleaks's rule files put over negatives that are real keys its regex misses. */
export const MISLABELED_HEADING = /\bfalse negative\b/i;

/**
 * Our rules for each gitleaks rule: those that catch its positive samples. `results` are scored
 * rules (`{ id, by: Map<our rule id, samples> }`).
 */
export function ruleOwners(results) {
  return new Map(results.map((r) => [r.id, new Set(r.by.keys())]));
}

/**
 * The kind of one negative sample of gitleaks rule `ruleId`: 'mislabeled', 'other-format' or
 * 'negative'. `ours` and `gitleaks` are the rule ids that flag it; `isReal(id)` says whether a
 * gitleaks rule is a real format (not generic); `owners` comes from {@link ruleOwners}.
 */
export function negativeKind({ ruleId, ours, gitleaks, mislabeled }, owners, isReal) {
  if (mislabeled) return 'mislabeled';
  const formats = [...gitleaks].filter((b) => b !== ruleId && isReal(b));
  const ownedBy = (b) => ours.every((id) => owners.get(b)?.has(id) === true);
  return formats.some(ownedBy) ? 'other-format' : 'negative';
}

/** Per kind: samples, flagged by us, flagged by gitleaks. `samples` carry `kind`, `ours`, `gitleaks`. */
export function countByKind(samples) {
  const out = {};
  for (const kind of ['negative', 'other-format', 'mislabeled']) {
    const of = samples.filter((s) => s.kind === kind);
    out[kind] = { samples: of.length, ours: of.filter((s) => s.ours.length > 0).length, gitleaks: of.filter((s) => s.gitleaks.length > 0).length };
  }
  return out;
}

/** One line of the per-kind counts, beside the count of all negatives as gitleaks labels them. */
export function kindsLine(name, c) {
  const n = c['negative'];
  const o = c['other-format'];
  const m = c['mislabeled'];
  return (
    `${name}: true negatives flagged ${n.ours}/${n.samples} (gitleaks flags ${n.gitleaks}); ` +
    `another rule's real format ${o.samples} (we flag ${o.ours} by our rule for it, gitleaks ${o.gitleaks} by its rule for it); ` +
    `labelled "False Negative" in gitleaks's source ${m.samples} (we flag ${m.ours}, gitleaks ${m.gitleaks})`
  );
}
