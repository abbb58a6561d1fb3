// Printing of scripts/bench-precision.mjs: one block per repository, the totals with the targets,
// the test-suite counts, and the list of unjudged findings (masked) for a person to judge.

const pct = (x) => `${(100 * x).toFixed(2)} %`;
const sortByCount = (o) => Object.entries(o).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

/**
 * Unjudged findings of one repository, one line per distinct (rule, path, masked line) with its
 * count and first line number: `  ×3 generic-secret-assignment lib/x.js:12  [kind] const a = […(9 bytes)]`.
 */
export function unjudgedList(row, limit) {
  const groups = new Map();
  for (const f of row.findingsList) {
    if (f.verdict !== 'unjudged') continue;
    const key = `${f.rule}\0${f.path}\0${f.masked}`;
    const g = groups.get(key) ?? { f, n: 0 };
    g.n++;
    groups.set(key, g);
  }
  const lines = [...groups.values()].sort((a, b) => b.n - a.n).map(({ f, n }) => `  ${row.name} ×${n} ${f.rule} ${f.path}:${f.line} [${f.kind}] ${f.masked}`);
  const shown = lines.slice(0, limit);
  if (lines.length > shown.length) shown.push(`  … ${lines.length - shown.length} more distinct lines (see unjudged.txt)`);
  return shown;
}

/** One repository's block. */
export function printRepository(log, r, limit) {
  log(`\n== ${r.name} (${r.language}) ==`);
  if (r.droppedBlobs > 0) log(`  note: ${r.droppedBlobs} blob(s) missing from the source snapshot; served history replayed without their paths`);
  log(`  MB of blob versions       ${r.mb.toFixed(2)} (${r.blobs} blobs, ${r.objects} objects)`);
  log(`  findings                  ${r.findings} (${r.tokens} distinct tokens, ${r.sites} distinct rule/path/line sites)`);
  for (const [rule, n] of sortByCount(r.byRule)) log(`    ${rule.padEnd(36)} ${String(n).padStart(6)}  false ${r.falseByRule[rule] ?? 0}`);
  if (r.scanByRule) log(`  cross-check, gitgate scan --history: ${sortByCount(r.scanByRule).map(([rule, n]) => `${rule} ${n}`).join(', ') || 'no findings'}`);
  log(`  judged true / false       ${r.judgedTrue} / ${r.judgedFalse}; unjudged (count as false) ${r.unjudged}`);
  log(`  false findings            ${r.falseFindings}  (${r.falsePerMb.toFixed(3)} per MB)`);
  const k = r.kinds;
  log(`  in code or references     ${r.inCode}  (identifier ${k.identifier}, member ${k.member}, call ${k.call}, reference ${k.reference}; literal ${k.literal}, not located ${k.unlocated})`);
  log(`  objects rewritten         ${r.rewritten} of ${r.objects} = ${pct(r.rewrittenShare)}  ${sortByCount(r.rewrittenByType).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  log(`    of which signed upstream ${r.signed} commits and tags (the signature is dropped, so they change whatever the scanner finds)`);
  const judged = r.findingsList.filter((f) => f.verdict !== 'unjudged');
  if (judged.length > 0) {
    log('  judged:');
    const reasons = new Map();
    for (const f of judged) reasons.set(`${f.verdict}\0${f.rule}\0${f.reason}`, (reasons.get(`${f.verdict}\0${f.rule}\0${f.reason}`) ?? 0) + 1);
    for (const [key, n] of reasons) {
      const [verdict, rule, reason] = key.split('\0');
      log(`    ${verdict.padEnd(5)} ×${n} ${rule}: ${reason}`);
    }
  }
  const list = unjudgedList(r, limit);
  if (list.length > 0) log('  unjudged (rule, path:line, [kind], masked line):');
  for (const l of list) log(l);
}

/** The table over the set and the two targets. */
export function printTotals(log, rows, t) {
  log('\n== precision over the set ==');
  log('| repository | MB of blob versions | findings | false | false / MB | in code or references | objects rewritten |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) log(`| ${r.name} (${r.language}) | ${r.mb.toFixed(1)} | ${r.findings} | ${r.falseFindings} | ${r.falsePerMb.toFixed(3)} | ${r.inCode} | ${pct(r.rewrittenShare)} |`);
  log(`| **total** | ${t.mb.toFixed(1)} | ${t.findings} | ${t.falseFindings} | ${t.falsePerMb.toFixed(3)} | ${t.inCode} | ${pct(t.rewrittenShare)} |`);
  for (const { target, met } of Object.values(t.targets)) log(`target ${target}: ${met ? 'met' : 'missed'}`);
}

/** Passed / failed of each suite on the upstream and the sanitized checkout. */
export function printSuites(log, suites) {
  log('\n== the sanitized checkouts\' own test suites ==');
  for (const [name, s] of Object.entries(suites)) {
    log(`${name}: ${s.command}`);
    for (const side of ['upstream', 'sanitized']) {
      const x = s[side];
      log(`  ${side.padEnd(9)} ${x.commit.slice(0, 12)}  passed ${x.passed}, failed ${x.failed}, errors ${x.errors}, skipped ${x.skipped}${x.installOk ? '' : ' (install failed)'}  exit ${x.exit}`);
    }
    log(`  same commit (upstream HEAD maps to the sanitized HEAD): ${s.sameCommit ? 'yes' : 'NO'}`);
    const broken = s.failingOnlySanitized;
    log(`  failing only on the sanitized checkout: ${broken.length === 0 ? 'none' : ''}`);
    for (const t of broken) log(`    ${t}`);
  }
}
