// Scans every blob version (with a path hint: its first path in history) and every commit and tag
// message of a bare git repository with the built scanner; prints findings by rule, and masked
// samples to judge them by. A dev tool for measuring precision on real repositories.
//
//   node scripts/lib/mirror-findings.mjs <bare-repo> [--samples N] [--rule ID] [--no-hint]
import { spawn, execFileSync } from 'node:child_process';
import { createScanner } from '../../packages/scanner/dist/src/index.js';

const args = process.argv.slice(2);
const repo = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : args[i + 1];
};
const samples = Number(opt('--samples', 8));
const onlyRule = opt('--rule', undefined);
const noHint = args.includes('--no-hint');
if (repo === undefined) {
  console.error('usage: mirror-findings.mjs <bare-repo> [--samples N] [--rule ID] [--no-hint]');
  process.exit(2);
}

/** oid -> first path it was seen at (rev-list --objects prints `oid path`). */
function pathsOf(gitDir) {
  const out = execFileSync('git', ['--git-dir', gitDir, 'rev-list', '--objects', '--all', '--missing=allow-any'], { maxBuffer: 1 << 30 }).toString();
  const paths = new Map();
  for (const line of out.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && !paths.has(line.slice(0, sp))) paths.set(line.slice(0, sp), line.slice(sp + 1));
  }
  return paths;
}

/** Streams `git cat-file --batch-all-objects --batch`, calling `onObject(oid, type, body)`. */
function eachObject(gitDir, onObject) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch', '--unordered']);
    let buf = Buffer.alloc(0);
    child.stdout.on('data', (chunk) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const nl = buf.indexOf(10);
        if (nl < 0) return;
        const [oid, type, size] = buf.toString('latin1', 0, nl).split(' ');
        const n = Number(size);
        if (buf.length < nl + 1 + n + 1) return;
        onObject(oid, type, buf.subarray(nl + 1, nl + 1 + n));
        buf = buf.subarray(nl + 1 + n + 1);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cat-file exited ${code}`))));
  });
}

/** The line around a finding, the secret masked to its first 3 chars and its length. */
function masked(body, f) {
  const text = body.toString('latin1');
  const ls = text.lastIndexOf('\n', f.start - 1) + 1;
  let le = text.indexOf('\n', f.end);
  if (le < 0) le = text.length;
  const secret = text.slice(f.start, f.end);
  const before = text.slice(Math.max(ls, f.start - 70), f.start);
  const after = text.slice(f.end, Math.min(le, f.end + 40));
  return `${before}«${secret.slice(0, 3)}…(${secret.length})»${after}`.replace(/\s+/g, ' ').trim();
}

const scanner = createScanner();
const paths = pathsOf(repo);
const byRule = new Map();
let bytes = 0;
let objects = 0;
let withFindings = 0;
await eachObject(repo, (oid, type, body) => {
  if (type !== 'blob' && type !== 'commit' && type !== 'tag') return;
  objects++;
  bytes += body.length;
  const path = type === 'blob' && !noHint ? paths.get(oid) : undefined;
  const found = scanner.scan(body, path === undefined ? undefined : { path });
  if (found.length > 0) withFindings++;
  for (const f of found) {
    if (onlyRule !== undefined && f.ruleId !== onlyRule) continue;
    const list = byRule.get(f.ruleId) ?? [];
    list.push(`${path ?? `(${type})`}: ${masked(body, f)}`);
    byRule.set(f.ruleId, list);
  }
});
const total = [...byRule.values()].reduce((n, l) => n + l.length, 0);
console.log(`${repo}: ${objects} objects, ${(bytes / 1e6).toFixed(1)} MB, ${total} findings, ${withFindings} objects with findings`);
for (const [rule, list] of [...byRule].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`  ${rule}: ${list.length}`);
  const counts = new Map();
  for (const s of list) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const [s, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, samples)) console.log(`    ${String(n).padStart(4)}x ${s.slice(0, 220)}`);
}
