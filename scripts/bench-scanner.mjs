// Scanner benchmark: throughput on real clean source and on the labelled corpus, recall and
// precision on the corpus, and the same runs through secretlint's recommended preset, side by side.
//
//   npm run bench:scanner                       # source: the files under node_modules (≥100 MB)
//   node scripts/bench-scanner.mjs --source DIR  # any directory's files
//   node scripts/bench-scanner.mjs --git GITDIR  # every blob of a repository (git cat-file --batch-all-objects)
//   node scripts/bench-scanner.mjs --mb 100 --passes 3 --json
//   node scripts/bench-scanner.mjs --git GITDIR --learn  # gitgate also learns every finding's value, as a cold sync's minter does
//   node scripts/bench-scanner.mjs --learn --seed-corpus  # ... starting each pass from the corpus findings' values (~1000)
//   node scripts/bench-scanner.mjs --no-secretlint       # gitgate alone (secretlint takes minutes on hundreds of MB)
//
// Throughput is single-threaded: "per core" is MB per CPU-second of this process (user + system,
// which GC threads inflate, so it is conservative); wall-clock MB/s is printed next to it because
// the machine may be shared. Each tool gets a warm-up pass on the corpus and the best of --passes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { createScanner, defaultRules, builtinDetectors, KnownSecrets, withKnownSecrets } = await import(path.join(root, 'packages/scanner/dist/src/index.js'));
const { buildSecretsCorpus, scoreSample } = await import(path.join(root, 'fixtures/secrets-corpus.mjs'));

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const targetMb = Number(opt('--mb', '100'));
const passes = Number(opt('--passes', '3'));
const asJson = args.includes('--json');
// --learn: gitgate's known values start empty on each pass and grow with every finding (the mirror's
// learningMinter), so the known-secret matcher is exercised as in a cold sync's scan threads.
const learn = args.includes('--learn');
const seedCorpus = args.includes('--seed-corpus');
const log = (s = '') => {
  if (!asJson) process.stdout.write(s + '\n');
};

// ---------------------------------------------------------------------------------------------
// Clean source.

function sourceFromDir(dir) {
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(dir);
  const out = [];
  let bytes = 0;
  for (const f of files) {
    const st = fs.statSync(f);
    if (st.size > 16 * 1024 * 1024) continue; // a few huge bundles would dominate; they scan in chunks anyway
    out.push({ name: path.relative(dir, f), content: fs.readFileSync(f) });
    bytes += st.size;
    if (bytes >= targetMb * 1e6) break;
  }
  return { label: `files under ${path.relative(root, dir) || dir}`, items: out, bytes };
}

function sourceFromGit(gitDir) {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  const list = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], { env, maxBuffer: 1 << 30 })
    .toString('utf8')
    .split('\n')
    .filter((l) => l.endsWith(' ') === false && l.split(' ')[1] === 'blob');
  // Blobs in object-id order (a spread over the whole history), only as many as --mb asks for.
  const ids = [];
  let want = 0;
  for (const l of list) {
    if (want >= targetMb * 1e6) break;
    const [id, , size] = l.split(' ');
    ids.push(id);
    want += Number(size);
  }
  const batch = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { env, input: ids.join('\n') + '\n', maxBuffer: want + ids.length * 64 + 1024 }).stdout;
  const out = [];
  let at = 0;
  let bytes = 0;
  while (at < batch.length && bytes < targetMb * 1e6) {
    const nl = batch.indexOf(0x0a, at);
    const [id, , size] = batch.toString('latin1', at, nl).split(' ');
    const n = Number(size);
    out.push({ name: id, content: batch.subarray(nl + 1, nl + 1 + n) });
    bytes += n;
    at = nl + 1 + n + 1;
  }
  return { label: `blobs of ${gitDir}`, items: out, bytes };
}

const source = opt('--git') ? sourceFromGit(opt('--git')) : sourceFromDir(opt('--source', path.join(root, 'node_modules')));

// ---------------------------------------------------------------------------------------------
// The tools, behind one interface: scan(name, content) → [{ start, end, ruleId }] byte spans.

const gitgate = createScanner();
const { positives, negatives, ruleIds } = buildSecretsCorpus();
/**
 * With --learn, a scanner over a KnownSecrets that learns what it finds. `fresh` restarts it empty, as a
 * cold sync's scan thread starts, or with --seed-corpus from the values of the corpus's findings
 * (about a thousand, learned one by one, as a thread's copy holds after a long sync).
 */
const learning = {
  known: undefined,
  scanner: undefined,
  seed: undefined,
  fresh() {
    this.seed ??= !seedCorpus ? [] : [...positives, ...negatives].flatMap((p) => gitgate.scan(p.content).map((f) => ({ type: f.type, secret: p.content.subarray(f.start, f.end) })));
    this.known = new KnownSecrets();
    for (const e of this.seed) this.known.learn(e.type, e.secret);
    this.scanner = withKnownSecrets(gitgate, this.known);
  },
  scan(content) {
    const found = this.scanner.scan(content, {});
    for (const f of found) this.known.learn(f.type, content.subarray(f.start, f.end));
    return found;
  },
};
const tools = [
  {
    name: 'gitgate',
    version: `ruleset ${gitgate.rulesetVersion}, ${defaultRules.length} rules + ${builtinDetectors.length} detectors${learn ? `, learning${seedCorpus ? ' from corpus values' : ''}` : ''}`,
    fresh: learn ? () => learning.fresh() : undefined,
    scan: learn ? async (_name, content) => learning.scan(content) : async (_name, content) => gitgate.scan(content),
    // Recall and precision are the rules' own, without values learned from other samples.
    plain: async (_name, content) => gitgate.scan(content),
  },
];

let secretlintError;
if (args.includes('--no-secretlint')) secretlintError = 'left out (--no-secretlint)';
else try {
  const { lintSource } = await import('@secretlint/core');
  const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@secretlint/secretlint-rule-preset-recommend/package.json'), 'utf8'));
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  // secretlint's profiler marks every rule and file unless disabled (its CLI enables it only with
  // --profile); disabling it gives secretlint its best speed.
  try {
    const { secretLintProfiler } = await import('@secretlint/profiler');
    secretLintProfiler.setEnabled(false);
  } catch {
    /* an older secretlint without a profiler */
  }
  tools.push({
    name: 'secretlint',
    version: `preset-recommend ${pkg.version}`,
    // latin1 keeps one char per byte, so secretlint's string ranges are byte offsets.
    scan: async (name, content) => {
      const r = await lintSource({ source: { filePath: `/bench/${name}`, content: content.toString('latin1'), ext: path.extname(name), contentType: 'text' }, options: { config } });
      return r.messages.filter((m) => Array.isArray(m.range)).map((m) => ({ start: m.range[0], end: m.range[1], ruleId: m.ruleId }));
    },
  });
} catch (e) {
  secretlintError = e.message;
}

// ---------------------------------------------------------------------------------------------

/** A file name per corpus syntax, so path-aware tools see a realistic name. */
const fileName = (s) =>
  ({ json: 'config.json', yaml: 'config.yaml', env: '.env', 'ini-crlf': 'credentials.ini', code: 'client.js', minified: 'bundle.min.js', toml: 'config.toml', properties: 'app.properties', python: 'settings.py', 'yaml-quoted': 'deployment.yaml', binary: 'keystore.bin' })[s.syntax] ?? `sample.${s.syntax}`;
const corpusItems = [...positives, ...negatives].map((s) => ({ name: fileName(s), content: s.content }));
const corpusBytes = corpusItems.reduce((n, s) => n + s.content.length, 0);

async function timed(items, tool, reps) {
  let bestCpu = Infinity;
  let bestWall = Infinity;
  let findings = 0;
  let digest = '';
  for (let i = 0; i < reps; i++) {
    // A digest of every finding (item, span, rule, type) of the pass: equal digests, identical findings.
    const hash = createHash('sha256');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    findings = 0;
    tool.fresh?.();
    for (const it of items) {
      const found = await tool.scan(it.name, it.content);
      findings += found.length;
      for (const f of found) hash.update(`${it.name} ${f.start} ${f.end} ${f.ruleId} ${f.type}\n`);
    }
    digest = hash.digest('hex').slice(0, 16);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
    bestWall = Math.min(bestWall, wall);
  }
  return { cpuMs: bestCpu, wallMs: bestWall, findings, digest };
}

async function quality(tool) {
  let secrets = 0;
  let caught = 0;
  let overlapped = 0;
  let exact = 0;
  let findings = 0;
  let falsePositives = 0;
  let negativesFlagged = 0;
  const missedRules = new Set();
  for (const p of positives) {
    const f = await (tool.plain ?? tool.scan)(fileName(p), p.content);
    const score = scoreSample(p, f);
    secrets += score.secrets;
    caught += score.caught;
    exact += score.exact;
    findings += score.findings;
    falsePositives += score.falsePositives;
    for (const s of p.secrets) {
      if (f.some((x) => x.start < s.end && s.start < x.end)) overlapped++;
      else missedRules.add(s.ruleId);
    }
  }
  for (const n of negatives) {
    const f = await (tool.plain ?? tool.scan)(fileName(n), n.content);
    findings += f.length;
    falsePositives += f.length;
    if (f.length > 0) negativesFlagged++;
  }
  return {
    recall: caught / secrets,
    recallOverlap: overlapped / secrets,
    exactSpans: exact / secrets,
    precision: findings === 0 ? 1 : (findings - falsePositives) / findings,
    negativesFlagged,
    rulesWithMisses: missedRules.size,
    secrets,
  };
}

const results = [];
for (const tool of tools) {
  await timed(corpusItems, tool, 3); // warm-up (JIT), not counted
  // The corpus is small (~175 kB), so it is timed over more passes.
  const corpusTime = await timed(corpusItems, tool, Math.max(10, passes));
  const sourceTime = await timed(source.items, tool, passes);
  const q = await quality(tool);
  results.push({
    tool: tool.name,
    version: tool.version,
    source: { mb: source.bytes / 1e6, mbPerCpuSecond: source.bytes / 1e3 / sourceTime.cpuMs, mbPerWallSecond: source.bytes / 1e3 / sourceTime.wallMs, findings: sourceTime.findings, digest: sourceTime.digest },
    corpus: { mbPerCpuSecond: corpusBytes / 1e3 / corpusTime.cpuMs, mbPerWallSecond: corpusBytes / 1e3 / corpusTime.wallMs },
    ...q,
  });
}

const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : 'n/a';
const summary = {
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  loadAverage: load,
  source: { label: source.label, items: source.items.length, mb: +(source.bytes / 1e6).toFixed(1) },
  ...(learn ? { knownValuesLearned: learning.known.size } : {}),
  corpus: { rules: ruleIds.length, positives: positives.length, negatives: negatives.length, kb: +(corpusBytes / 1e3).toFixed(1) },
  passes,
  results,
  ...(secretlintError ? { secretlintError } : {}),
};

if (asJson) {
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
} else {
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const num = (x) => x.toFixed(1);
  log(`scanner benchmark — node ${summary.node}, ${summary.cpus} cpus, load ${load}, best of ${passes}`);
  log(`source: ${summary.source.label}, ${summary.source.items} files, ${summary.source.mb} MB${learn ? `, ${summary.knownValuesLearned} values known at the end of the last pass` : ''}`);
  log(`corpus: ${summary.corpus.rules} rule types, ${summary.corpus.positives} positives, ${summary.corpus.negatives} hard negatives, ${summary.corpus.kb} kB`);
  if (secretlintError) log(`secretlint unavailable: ${secretlintError}`);
  log();
  const rows = [
    ['', ...results.map((r) => r.tool)],
    ['version', ...results.map((r) => r.version)],
    ['source MB/s per core (CPU)', ...results.map((r) => num(r.source.mbPerCpuSecond))],
    ['source MB/s (wall)', ...results.map((r) => num(r.source.mbPerWallSecond))],
    ['findings on clean source', ...results.map((r) => String(r.source.findings))],
    ['findings digest', ...results.map((r) => r.source.digest)],
    ['corpus MB/s per core (CPU)', ...results.map((r) => num(r.corpus.mbPerCpuSecond))],
    ['recall (span covered)', ...results.map((r) => pct(r.recall))],
    ['recall (any overlap)', ...results.map((r) => pct(r.recallOverlap))],
    ['exact spans', ...results.map((r) => pct(r.exactSpans))],
    ['precision', ...results.map((r) => pct(r.precision))],
    [`hard negatives flagged (of ${negatives.length})`, ...results.map((r) => String(r.negativesFlagged))],
    ['rule types with a miss', ...results.map((r) => String(r.rulesWithMisses))],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
  const g = results[0];
  log();
  log(`targets: ≥100 MB/s per core on clean source: ${g.source.mbPerCpuSecond >= 100 ? 'met' : 'NOT met'}; recall ≥ 97%: ${g.recall >= 0.97 ? 'met' : 'NOT met'}; no hard negative flagged: ${g.negativesFlagged === 0 ? 'met' : 'NOT met'}`);
  const other = results[1];
  if (other) {
    const ahead = [g.source.mbPerCpuSecond > other.source.mbPerCpuSecond, g.corpus.mbPerCpuSecond > other.corpus.mbPerCpuSecond, g.recall > other.recall, g.precision >= other.precision, g.negativesFlagged <= other.negativesFlagged];
    log(`ahead of secretlint on every figure: ${ahead.every(Boolean) ? 'yes' : 'no'} (throughput source/corpus, recall, precision, negatives: ${ahead.map((a) => (a ? 'ahead' : 'behind')).join(', ')})`);
  }
}
