#!/usr/bin/env node
// Differential fuzzer of the upload-pack request parser (invariant 10: as lenient as git, no more).
// Generates v0 and v2 request bodies from a seeded PRNG, valid and malformed, sends each to a gateway
// serving a clean repository and to `git upload-pack --stateless-rpc` on that repository, and checks
// that the gateway never fails (5xx, dropped connection) and refuses only where git refuses or where a
// named rule (scripts/lib/upload-pack-fuzz.mjs, docs/architecture.md) refuses on purpose.
//
//   npm run build; node scripts/fuzz-upload-pack.mjs [--count 10000] [--seed S] [--concurrency 4] [--from I] [--check-all] [--json]
//
// --from I --count 1 regenerates request I of a run alone. Exit 1 on any unexplained disagreement.
// Benchmark-style: not in CI at this size (the suite runs 300 requests, packages/server/test/upload-pack-fuzz.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runFuzz, startFuzzTarget, REFUSAL_RULES } from './lib/upload-pack-fuzz.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const { values: opt } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string', default: 'gitgate' },
    concurrency: { type: 'string', default: '4' },
    from: { type: 'string', default: '0' },
    'check-all': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const dist = (pkg) => pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'src', 'index.js')).href;
const { startGateway } = await import(dist('gateway'));
const { SanitizedStore } = await import(dist('mirror'));

const dir = mkdtempSync(join(tmpdir(), 'gitgate-fuzz-'));
const target = await startFuzzTarget({ dir, startGateway });
const started = Date.now();
// SIGINT/SIGTERM end the run early with the figures of the requests finished so far.
const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stop.abort());
let stats;
try {
  stats = await runFuzz({
    seed: opt.seed, count: Number(opt.count), from: Number(opt.from), concurrency: Number(opt.concurrency),
    url: target.url, gitDir: target.gitDir, ctx: target.ctx, store: new SanitizedStore(target.gitDir),
    maxBodyBytes: target.maxBodyBytes, checkAll: opt['check-all'], signal: stop.signal,
    onDisagreement: (d) => process.stderr.write(`\nunexplained ${d.kind}: request ${d.index} (v${d.version}, mutations ${d.mutations.join(',') || 'none'})\n`),
    onProgress: (s) => process.stderr.write(`\r${s.total} requests, ${s.disagreements.length} unexplained, ${((Date.now() - started) / 1000).toFixed(0)} s`),
  });
} finally {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
}
process.stderr.write('\n');
const seconds = (Date.now() - started) / 1000;
if (opt.json) {
  console.log(JSON.stringify({ seed: opt.seed, seconds, ...stats }, null, 2));
} else {
  if (stop.signal.aborted) console.log(`stopped early by a signal after ${stats.total} of ${opt.count} requests`);
  console.log(`seed ${opt.seed}, requests ${opt.from}..${Number(opt.from) + stats.total - 1}: ${stats.total} in ${seconds.toFixed(1)} s (${(stats.total / seconds).toFixed(0)}/s), git run for ${stats.gitRuns}`);
  console.log('\nby class:');
  for (const [k, v] of Object.entries(stats.classes).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(40)} ${v}`);
  console.log('\nrefusals explained by rule (first matching rule):');
  for (const rule of REFUSAL_RULES) {
    const git = opt['check-all'] ? `  (git accepts ${stats.gitOnRules[`${rule.name} git-accepts`] ?? 0}, refuses ${stats.gitOnRules[`${rule.name} git-refuses`] ?? 0})` : '';
    console.log(`  ${rule.name.padEnd(40)} ${String(stats.rules[rule.name] ?? 0).padStart(6)}${git}`);
  }
  for (const d of stats.disagreements.slice(0, 20)) {
    console.log(`\nUNEXPLAINED ${d.kind}: request ${d.index} (v${d.version}, mutations ${d.mutations.join(',') || 'none'}, rules ${d.rules.join(',') || 'none'})`);
    console.log(`  reproduce: node scripts/fuzz-upload-pack.mjs --seed ${JSON.stringify(opt.seed)} --from ${d.index} --count 1`);
    console.log(`  gateway ${d.gatewayStatus}: ${JSON.stringify(d.gateway)}`);
    for (const k of ['git', 'gatewaySkeleton', 'gitSkeleton', 'gitStderr']) if (d[k] !== undefined) console.log(`  ${k}: ${JSON.stringify(d[k])}`);
    console.log(d.hex.replace(/^/gm, '    '));
  }
  if (stats.disagreements.length > 20) console.log(`\n... ${stats.disagreements.length - 20} more`);
}
process.exit(stats.disagreements.length > 0 ? 1 : 0);
