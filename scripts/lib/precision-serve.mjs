// The real gateway for scripts/bench-precision.mjs: `gitgate serve` on a temp data dir with each
// repository as a local upstream path, and a mirror clone through it with the real git client.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GIT_ENV } from './precision-git.mjs';

const BIN = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'packages', 'cli', 'bin', 'gitgate.js');

/**
 * Writes the configuration (JSON, which is YAML) and starts `gitgate serve` on it. `repos` is
 * `[{ name, upstream }]`; `scanner` an optional scanner section (custom rules, for the test).
 * Resolves `{ url, dataDir, stop() }` once it prints the address; rejects if it exits first.
 */
export function startServe({ dir, repos, scanner }) {
  const dataDir = join(dir, 'data');
  const config = {
    listen: '127.0.0.1:0', dataDir, auth: { mode: 'none' }, log: { level: 'error' },
    sync: { onStart: false, coalesceMs: 0, upstreamTimeoutSeconds: 7200 },
    ...(scanner ? { scanner } : {}),
    repos: repos.map((r) => ({ name: r.name, upstream: r.upstream, ...(r.leave?.length ? { mask: { leave: r.leave } } : {}) })),
  };
  const file = join(dir, 'gitgate.yaml');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, [BIN, 'serve', '--config', file], { cwd: dir, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => { err = (err + c.toString('utf8')).slice(-4000); });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 30_000).unref())]);
    if (!done) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c.toString('utf8');
      const m = /gitgate listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ url: m[1], dataDir, stop, stderr: () => err });
    });
    exited.then((code) => reject(new Error(`gitgate serve exited early (${code}): ${out}${err}`)));
  });
}

/** `git clone --mirror` of `url` into `dest` with the real git client (protocol v2), without blocking. */
export function cloneThrough(url, dest) {
  return new Promise((resolve, reject) => {
    const p = spawn('git', ['-c', 'protocol.version=2', 'clone', '--quiet', '--mirror', url, dest], { env: GIT_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c) => { err = (err + c.toString('utf8')).slice(-2000); });
    p.on('close', (code) => (code === 0 ? resolve(dest) : reject(new Error(`git clone ${url} failed (${code}): ${err.trim()}`))));
  });
}

/**
 * The cross-check: `gitgate scan <upstream> --history --json` (the dry run over the same history),
 * its findings counted by rule. It counts every span in every blob version, so its totals can exceed
 * the vault's rows (one per token, path and commit) where a value repeats within a blob.
 */
export function scanHistoryByRule(upstreamGitDir) {
  const r = spawnSync(process.execPath, [BIN, 'scan', upstreamGitDir, '--history', '--json'], { env: { PATH: process.env.PATH }, maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`gitgate scan failed (${r.status}): ${r.stderr.toString().trim().slice(-400)}`);
  const byRule = {};
  for (const f of JSON.parse(r.stdout.toString('utf8')).findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  return byRule;
}
