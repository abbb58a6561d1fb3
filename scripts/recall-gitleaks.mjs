// Recall on gitleaks's own rule test samples: reads gitleaks's rule definitions at run time
// (cmd/generate/config/rules/*.go of a checkout or bare repository), evaluates each rule's true- and
// false-positive sample expressions with a small Go-subset interpreter (scripts/lib/go-subset.mjs),
// runs our built scanner (default rules) over every sample, and prints per rule what we catch. On the
// negatives it also counts what gitleaks itself flags, with its rules ported from config/gitleaks.toml
// of the same checkout (scripts/lib/gitleaks-port.mjs). Nothing of gitleaks is stored in this repo.
//
//   npm run bench:recall
//   node scripts/recall-gitleaks.mjs --gitleaks PATH   # a gitleaks checkout or bare repository
//   node scripts/recall-gitleaks.mjs --write-docs      # also rewrite the table in docs/scanner.md
//   node scripts/recall-gitleaks.mjs --misses          # also print each missed positive
//
// Without --gitleaks it uses /work/.mirror/gitleaks+gitleaks/repo if present, else a shallow clone
// of https://github.com/gitleaks/gitleaks into a temp dir. Samples are generated with a seeded
// generator, so runs repeat.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { compileGitleaks, gitleaksFlags } from './lib/gitleaks-port.mjs';
import { Evaluator, NotEvaluable, functions, headedLiterals, runBody, splitTop, tokenize } from './lib/go-subset.mjs';
import { MISLABELED_HEADING, countByKind, kindsLine, negativeKind, ruleOwners } from './lib/recall-negatives.mjs';
import { sampleRegex } from './lib/regex-sample.mjs';
import { createCorpusRng } from '../fixtures/secrets-corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { createScanner } = await import(path.join(root, 'packages/scanner/dist/src/index.js'));

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const RULES_DIR = 'cmd/generate/config/rules';
const UTILS_DIR = 'cmd/generate/config/utils';
/** gitleaks's rules that match any secret-named assignment rather than a real format. */
const GENERIC = /^generic/;

// ---------------------------------------------------------------------------------------------
// Source: a checkout or bare repository, read through git so both work alike.

function gitleaksSource() {
  const given = opt('--gitleaks', undefined);
  const mirror = '/work/.mirror/gitleaks+gitleaks/repo';
  if (given !== undefined) return given;
  if (fs.existsSync(mirror)) return mirror;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitleaks-'));
  try {
    execFileSync('git', ['clone', '--quiet', '--depth', '1', 'https://github.com/gitleaks/gitleaks', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    console.error(`recall-gitleaks: cannot clone https://github.com/gitleaks/gitleaks (${String(e.stderr ?? e.message).trim()}); pass --gitleaks PATH to a local checkout`);
    process.exit(2);
  }
  return dir;
}

const source = gitleaksSource();
const git = (...a) => execFileSync('git', ['-C', source, ...a], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
let commit;
try {
  commit = git('rev-parse', '--verify', `HEAD:${RULES_DIR}`) && git('rev-parse', 'HEAD').trim();
} catch {
  console.error(`recall-gitleaks: ${source} is not a gitleaks checkout or repository (no ${RULES_DIR} at HEAD)`);
  process.exit(2);
}
const read = (p) => git('show', `${commit}:${p}`);
const list = (dir) => git('ls-tree', '--name-only', commit, `${dir}/`).split('\n').filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));

// ---------------------------------------------------------------------------------------------
// The interpreter's world: gitleaks's helper functions (interpreted from their own source), the
// package-level values of the rule files, and our own random-string generator for secrets.NewSecret.

/** Loads the Go files of a directory: each function with its evaluator, by name. */
function loadPackage(dir, hooks) {
  const funcs = new Map();
  const envs = [];
  for (const file of list(dir)) {
    const toks = tokenize(read(file));
    const ev = new Evaluator(toks, hooks);
    const env = {};
    envs.push([ev, toks, env]);
    for (const f of functions(toks)) funcs.set(f.name, { ...f, ev, env, file });
  }
  return { funcs, envs };
}

/** Package-level `var`/`const` declarations (outside functions), evaluated in file order. */
function packageValues(ev, toks, env) {
  for (const [a, b] of splitTop(toks, 0, toks.length, ';')) {
    if (toks[a].v !== 'var' && toks[a].v !== 'const') continue;
    if (toks[a + 1].v === '(') runBody(ev, a + 2, b - 1, env);
    else runBody(ev, a, b, env);
  }
}

/** A seeded generator (the labelled corpus's), so every run yields the same samples. */
const seededRandom = (seed) => {
  const rng = createCorpusRng(seed);
  return () => rng.next();
};
let rand = seededRandom(1);
let utils;
let rules;

/** `GenerateSampleSecrets(identifier, secret)`: the `samples` map of gitleaks's own source, filled in, by key order. */
function sampleSecrets(fn, identifier, secret) {
  const env = Object.create(fn.env);
  runBody(fn.ev, fn.body[0], fn.body[1], env);
  const samples = env['samples'];
  if (!Array.isArray(samples) || samples.keys === undefined) throw new NotEvaluable('GenerateSampleSecrets: no samples map');
  const order = samples.keys.map((k, i) => [k, i]).sort((x, y) => (x[0] < y[0] ? -1 : 1));
  return order.map(([, i]) => samples[i].replaceAll('{i}', identifier).replaceAll('{I}', identifier.toUpperCase()).replaceAll('{s}', secret));
}

/** Calls a Go function of a loaded package by interpreting its body with the arguments bound. */
function callGo(fn, values) {
  const env = Object.create(fn.env);
  fn.params.forEach((p, i) => (env[p] = values[i]));
  const ret = runBody(fn.ev, fn.body[0], fn.body[1], env);
  if (ret === undefined) throw new NotEvaluable(`${fn.name}: no return`);
  return fn.ev.expr(ret[0], ret[1], env);
}

function hooks(name, values) {
  if (name === 'secrets.NewSecret') {
    try {
      return sampleRegex(values[0], rand);
    } catch (e) {
      throw new NotEvaluable(`secrets.NewSecret: ${e.message}`);
    }
  }
  if (name === 'regexp.MustCompile') return values[0];
  if (name === 'utils.GenerateSampleSecrets') return sampleSecrets(utils.funcs.get('GenerateSampleSecrets'), values[0], values[1]);
  const fn = name.startsWith('utils.') ? utils.funcs.get(name.slice(6)) : name.includes('.') ? undefined : rules?.funcs.get(name);
  return fn === undefined ? undefined : callGo(fn, values);
}

utils = loadPackage(UTILS_DIR, hooks);
rules = loadPackage(RULES_DIR, hooks);
for (const pkg of [utils, rules]) for (const [ev, toks, env] of pkg.envs) packageValues(ev, toks, env);

/** A stable seed per rule function, so one rule's samples do not depend on the others. */
function seedOf(name) {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Flattens evaluated sample lists: strings are samples, NotEvaluable entries are counted with their reason. */
function flatten(value, out) {
  if (value instanceof NotEvaluable) out.skipped.push(value.message);
  else if (typeof value === 'string') out.samples.push({ text: value });
  else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (typeof v === 'string' && value.keys !== undefined) out.samples.push({ text: v, path: value.keys[i] });
      else flatten(v, out);
    });
  } else out.skipped.push(`unexpected ${typeof value}`);
  return out;
}

/** The rule id a function declares (`RuleID: "…"` or `r.RuleID = "…"`). */
function ruleIdOf(toks, [from, to]) {
  for (let i = from; i < to - 2; i++) {
    if (toks[i].v === 'RuleID' && (toks[i + 1].v === ':' || toks[i + 1].v === '=') && toks[i + 2].k === 'str') return toks[i + 2].v;
  }
  return undefined;
}

/** Marks the negatives that the rule's file heads "False Negative" (keys gitleaks's regex misses). */
function markMislabeled(samples, toks) {
  const headed = headedLiterals(toks);
  for (const s of samples) if (MISLABELED_HEADING.test(headed.get(s.text) ?? '')) s.mislabeled = true;
}

/** Each rule function with its evaluated positives and negatives. */
function ruleSamples() {
  const out = [];
  for (const fn of rules.funcs.values()) {
    const toks = fn.ev.toks;
    const id = ruleIdOf(toks, fn.body);
    if (id === undefined) continue;
    rand = seededRandom(seedOf(fn.name));
    const env = Object.create(fn.env);
    const ret = runBody(fn.ev, fn.body[0], fn.body[1], env);
    const call = ret === undefined ? undefined : toks[ret[0] + 2]?.v;
    const entry = { id, fn: fn.name, file: fn.file, tps: { samples: [], skipped: [] }, fps: { samples: [], skipped: [] } };
    if (call !== 'Validate' && call !== 'ValidateWithPaths') {
      entry.tps.skipped.push('rule is not validated with samples');
      out.push(entry);
      continue;
    }
    const [, tpsAt, fpsAt] = splitTop(toks, ret[0] + 4, ret[1] - 1, ',');
    for (const [key, at] of [['tps', tpsAt], ['fps', fpsAt]]) {
      if (at === undefined) continue;
      try {
        flatten(fn.ev.expr(at[0], at[1], env), entry[key]);
      } catch (e) {
        if (!(e instanceof NotEvaluable)) throw e;
        entry[key].skipped.push(e.message);
      }
    }
    markMislabeled(entry.fps.samples, toks);
    out.push(entry);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Scoring.

const scanner = createScanner();
const gitleaks = compileGitleaks(parseToml(read('config/gitleaks.toml')));

function ours(sample) {
  const findings = scanner.scan(Buffer.from(sample.text, 'utf8'), sample.path === undefined ? undefined : { path: sample.path });
  return [...new Set(findings.map((f) => f.ruleId))];
}

function score(entry) {
  const by = new Map();
  let caught = 0;
  const misses = [];
  for (const s of entry.tps.samples) {
    const ids = ours(s);
    if (ids.length > 0) caught++;
    else misses.push(s.text);
    for (const id of ids) by.set(id, (by.get(id) ?? 0) + 1);
  }
  const negatives = entry.fps.samples.map((s) => ({ ruleId: entry.id, text: s.text, mislabeled: s.mislabeled === true, ours: ours(s), gitleaks: [...gitleaksFlags(gitleaks, s.text)] }));
  const flagged = negatives.filter((s) => s.ours.length > 0).length;
  const glFlagged = negatives.filter((s) => s.gitleaks.length > 0).length;
  return { ...entry, caught, misses, flagged, glFlagged, negatives, by };
}

const results = ruleSamples().map(score);
const owners = ruleOwners(results);
for (const r of results) for (const s of r.negatives) s.kind = negativeKind(s, owners, (id) => !GENERIC.test(id));

function totals(rows) {
  const sum = (f) => rows.reduce((n, r) => n + f(r), 0);
  return {
    rules: rows.length,
    positives: sum((r) => r.tps.samples.length),
    caught: sum((r) => r.caught),
    negatives: sum((r) => r.fps.samples.length),
    flagged: sum((r) => r.flagged),
    glFlagged: sum((r) => r.glFlagged),
    skipped: sum((r) => r.tps.skipped.length + r.fps.skipped.length),
    kinds: countByKind(rows.flatMap((r) => r.negatives)),
  };
}

const real = totals(results.filter((r) => !GENERIC.test(r.id)));
const all = totals(results);
const share = (a, b) => (b === 0 ? '–' : (a / b).toFixed(3));
const byText = (r) => [...r.by].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id} ${n}`).join(', ');

// ---------------------------------------------------------------------------------------------
// Report.

const header = `gitleaks ${commit.slice(0, 12)} (${source}); ${results.length} rules, ${gitleaks.rules.length} ported for negatives${gitleaks.unported.length ? `, not ported: ${gitleaks.unported.map((u) => u.id).join(', ')}` : ''}`;
console.log(header);
for (const r of results) {
  const skipped = r.tps.skipped.length + r.fps.skipped.length;
  console.log(`${r.id.padEnd(40)} pos ${r.caught}/${r.tps.samples.length}  neg ${r.flagged}/${r.fps.samples.length} (gitleaks ${r.glFlagged})${skipped ? `  not evaluated ${skipped}: ${[...new Set([...r.tps.skipped, ...r.fps.skipped])].join('; ')}` : ''}  by: ${byText(r)}`);
  if (args.includes('--misses')) for (const m of r.misses) console.log(`    miss: ${JSON.stringify(m.slice(0, 160))}`);
  if (args.includes('--misses')) {
    for (const s of r.negatives.filter((n) => n.ours.length > 0 || n.gitleaks.length > 0)) {
      console.log(`    ${s.kind}: ${JSON.stringify(s.text.slice(0, 80))} (ours: ${s.ours.join(', ') || '-'}; gitleaks: ${s.gitleaks.join(', ') || '-'})`);
    }
  }
}
const line = (name, t) => `${name}: positives caught ${t.caught}/${t.positives} = ${share(t.caught, t.positives)}; negatives flagged ${t.flagged}/${t.negatives} (gitleaks flags ${t.glFlagged}); samples not evaluated ${t.skipped}; rules ${t.rules}`;
console.log(line('real formats', real));
console.log(kindsLine('real formats, negatives by kind', real.kinds));
console.log(line('all rules', all));
console.log(kindsLine('all rules, negatives by kind', all.kinds));

if (args.includes('--write-docs')) writeDocs();

/** Rewrites the generated section of docs/scanner.md between its markers. */
function writeDocs() {
  const file = path.join(root, 'docs/scanner.md');
  const begin = '<!-- recall-gitleaks:begin -->';
  const end = '<!-- recall-gitleaks:end -->';
  const rows = results.map((r) => {
    const skipped = r.tps.skipped.length + r.fps.skipped.length;
    return `| ${r.id} | ${r.caught}/${r.tps.samples.length} | ${r.flagged}/${r.fps.samples.length} | ${r.glFlagged} | ${skipped || ''} | ${byText(r)} |`;
  });
  const section = [
    begin,
    `Generated by \`npm run bench:recall -- --write-docs\` against gitleaks ${commit.slice(0, 12)}; do not edit by hand.`,
    '',
    `- ${line('Real formats (every rule but generic-*)', real)}`,
    `- ${kindsLine('Real formats, negatives by kind', real.kinds)}`,
    `- ${line('All rules', all)}`,
    `- ${kindsLine('All rules, negatives by kind', all.kinds)}`,
    '',
    '| gitleaks rule | positives caught | negatives we flag | negatives gitleaks flags | not evaluated | caught by (our rule: samples) |',
    '|---|---|---|---|---|---|',
    ...rows,
    end,
  ].join('\n');
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(begin);
  const next = at >= 0 ? text.slice(0, at) + section + text.slice(text.indexOf(end) + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}
