#!/usr/bin/env node
// Precision on real repositories (issue 12): clones five repositories that hold no real secrets
// through the real gateway (`gitgate serve`, each a local upstream path, `git clone --mirror` over
// HTTP) and prints per repository the MB of blob versions, findings by rule, findings judged false,
// false findings per MB, findings in identifiers / member expressions / calls / references, and the
// share of objects rewritten; then totals against the targets. A benchmark prints; it never fails CI.
//
//   npm run bench:precision                         # builds, then node scripts/bench-precision.mjs
//   node scripts/bench-precision.mjs --repo express --repo gitgate --tests --keep
//
// Options: --repos-dir DIR (mirrors as <owner>+<name>/repo; default /work/.mirror; a missing one is
// cloned from GitHub), --repo NAME (repeatable), --self-ref REF (gitgate's history; default HEAD),
// --judgements FILE, --list N (unjudged findings shown per repository; default 40), --out DIR
// (report.json and unjudged.txt; default .bench/precision), --tests, --cross-check (`gitgate scan
// --history` on each upstream, by rule, next to the vault's counts), --separate (a gateway and data
// dir per repository instead of one for all), --json, --keep, --leave REPO=RULE (repeatable: that
// repository's masking policy, `mask: { leave }`, e.g. requests=private-key for its test TLS keys).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloneFromGitHub, cloneSelf, idMap, prepareUpstream } from './lib/precision-git.mjs';
import { validateJudgements } from './lib/precision-judge.mjs';
import { locateFindings, rewrittenObjects, summarize, totals, upstreamSize } from './lib/precision-measure.mjs';
import { cloneThrough, scanHistoryByRule, startServe } from './lib/precision-serve.mjs';
import { runSuites, SUITES } from './lib/precision-suites.mjs';
import { printRepository, printSuites, printTotals, unjudgedList } from './lib/precision-report.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const REPOS = [
  { name: 'express', slug: 'expressjs/express', language: 'JavaScript' },
  { name: 'gitgate', self: true, language: 'TypeScript' },
  { name: 'requests', slug: 'psf/requests', language: 'Python' },
  { name: 'cobra', slug: 'spf13/cobra', language: 'Go' },
  { name: 'gson', slug: 'google/gson', language: 'Java' },
];

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const many = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const options = {
  reposDir: opt('--repos-dir', '/work/.mirror'),
  only: many('--repo'),
  selfRef: opt('--self-ref', 'HEAD'),
  judgements: opt('--judgements', join(root, 'scripts', 'precision', 'judgements.json')),
  list: Number(opt('--list', '40')),
  out: resolve(opt('--out', join(root, '.bench', 'precision'))),
  tests: args.includes('--tests'),
  crossCheck: args.includes('--cross-check'),
  separate: args.includes('--separate'),
  json: args.includes('--json'),
  keep: args.includes('--keep'),
  // `--leave requests=private-key`: that repository's masking policy (repos[].mask.leave), as its owners may set it.
  leave: many('--leave').map((v) => v.split('=')),
};
const log = (s = '') => { if (!options.json) process.stdout.write(s + '\n'); };
const progress = (s) => process.stderr.write(`[bench:precision] ${s}\n`);

/** The bare repository to serve as `repo`'s upstream, made under `tmp` (gitgate: its own history). */
function upstreamOf(repo, tmp) {
  let source;
  if (repo.self) source = cloneSelf(root, options.selfRef, join(tmp, 'src', 'gitgate.git'));
  else {
    const [owner, name] = repo.slug.split('/');
    source = join(options.reposDir, `${owner}+${name}`, 'repo');
    if (!existsSync(source)) source = cloneFromGitHub(owner, name, join(tmp, 'src', `${name}.git`));
  }
  const upstream = join(tmp, 'up', `${repo.name}.git`);
  const dropped = prepareUpstream(source, upstream);
  if (dropped.length > 0) progress(`${repo.name}: the source lacks ${dropped.length} blob(s) (a partial snapshot); history replayed without their paths`);
  return { ...repo, source, upstream, dropped: dropped.length };
}

/**
 * Clones the repositories through one gateway (a deployment serving them all, so a value the vault
 * knows from one may be tokenized in another), or with `--separate` each through its own gateway and
 * data dir; stops each gateway before its data dir is read. Sets `r.clone` and `r.dataDir`.
 */
async function cloneAll(repos, tmp) {
  const groups = options.separate ? repos.map((r) => [r]) : [repos];
  for (const group of groups) {
    const dir = options.separate ? join(tmp, `gateway-${group[0].name}`) : tmp;
    mkdirSync(dir, { recursive: true });
    const leaveOf = (name) => options.leave.filter(([repo]) => repo === name).map(([, rule]) => rule);
    const gw = await startServe({ dir, repos: group.map((r) => ({ name: `bench/${r.name}`, upstream: r.upstream, leave: leaveOf(r.name) })) });
    try {
      for (const r of group) {
        const t0 = Date.now();
        r.clone = await cloneThrough(`${gw.url}/bench/${r.name}.git`, join(tmp, 'clone', `${r.name}.git`));
        r.dataDir = gw.dataDir;
        progress(`${r.name}: cloned through the gateway in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    } finally {
      await gw.stop();
    }
  }
}

async function measure(r, judgements) {
  const dataDir = r.dataDir;
  const repo = `bench/${r.name}`;
  const findings = await locateFindings({ dataDir, repo, upstreamGitDir: r.upstream, cloneGitDir: r.clone, judgements: judgements[r.name] ?? [] });
  const row = summarize({ name: r.name, size: upstreamSize(r.upstream), rewrite: await rewrittenObjects(dataDir, repo), findings });
  const scanByRule = options.crossCheck ? scanHistoryByRule(r.upstream) : undefined;
  return { ...row, language: r.language, droppedBlobs: r.dropped, scanByRule, findingsList: findings };
}

async function main() {
  const judgements = validateJudgements(JSON.parse(readFileSync(options.judgements, 'utf8')));
  const selected = REPOS.filter((r) => options.only.length === 0 || options.only.includes(r.name));
  if (selected.length === 0) throw new Error(`no repository named ${options.only.join(', ')} (known: ${REPOS.map((r) => r.name).join(', ')})`);
  const tmp = mkdtempSync(join(tmpdir(), 'gitgate-precision-'));
  try {
    const repos = selected.map((r) => upstreamOf(r, tmp));
    await cloneAll(repos, tmp);
    const rows = [];
    for (const r of repos) rows.push(await measure(r, judgements));
    for (const row of rows) printRepository(log, row, options.list);
    const total = totals(rows);
    printTotals(log, rows, total);
    const suites = {};
    if (options.tests) {
      for (const r of repos.filter((x) => SUITES[x.name])) {
        progress(`${r.name}: running its test suite on the upstream and the sanitized checkout`);
        suites[r.name] = runSuites({ name: r.name, upstreamGitDir: r.upstream, cloneGitDir: r.clone, dir: join(tmp, 'suites'), map: await idMap(r.dataDir, `bench/${r.name}`) });
      }
      printSuites(log, suites);
    }
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, 'unjudged.txt'), rows.map((row) => unjudgedList(row, Infinity).join('\n')).join('\n'));
    const report = { repos: rows.map(({ findingsList, ...row }) => ({ ...row, list: findingsList.map(({ token, ...f }) => f) })), total, suites };
    writeFileSync(join(options.out, 'report.json'), JSON.stringify(report, null, 2));
    if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    log(`\nreport: ${join(options.out, 'report.json')}; every unjudged finding: ${join(options.out, 'unjudged.txt')}`);
  } finally {
    if (options.keep) progress(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

main().catch((e) => {
  process.stderr.write(`bench:precision: ${e.message}\n`);
  process.exitCode = 1;
});
