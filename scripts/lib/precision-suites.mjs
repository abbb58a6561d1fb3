// The sanitized checkouts' own test suites (scripts/bench-precision.mjs --tests): the same commit
// checked out from upstream and from the clone through the gateway, the same command on both.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './precision-git.mjs';

/**
 * psf/requests's whole tests/ directory: the tests that need the `httpbin` fixture (pytest-httpbin,
 * not installable here: PyPI is unreachable) error on both sides alike, the others run.
 */
const REQUESTS_TESTS = ['tests/'];

/** Per repository: the install steps and the test command, run in the checkout, and their output's parser. */
export const SUITES = {
  express: {
    install: [['npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error']]],
    test: ['npm', ['test']],
    parse: parseMocha,
  },
  requests: {
    install: [],
    test: ['python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...REQUESTS_TESTS]],
    parse: parsePytest,
  },
};

/** Counts of a mocha run's summary lines ("N passing", "N failing", "N pending"). */
export function parseMocha(out) {
  const n = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(out)?.[1] ?? 0);
  // Mocha numbers each failure "  1) suite" then its title on the next lines; the first line names it.
  const failedNames = [...out.matchAll(/^ {2}\d+\) (.+)$/gm)].map((m) => m[1].trim());
  return { passed: n('passing'), failed: n('failing'), skipped: n('pending'), errors: 0, failedNames: [...new Set(failedNames)] };
}

/** Counts of a pytest run's last line ("3 failed, 410 passed, 15 skipped, 2 errors in 4.1s"). */
export function parsePytest(out) {
  const last = out.trim().split('\n').reverse().find((l) => / in [\d.]+s/.test(l)) ?? '';
  const n = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(last)?.[1] ?? 0);
  const failedNames = [...out.matchAll(/^FAILED (.+?)(?: - .*)?$/gm)].map((m) => m[1]);
  return { passed: n('passed'), failed: n('failed'), skipped: n('skipped'), errors: n('errors?'), failedNames };
}

/** The command line of a suite as a reader would type it (for the report and docs). */
export function commandLine(suite) {
  return [...suite.install, suite.test].map(([cmd, args]) => [cmd, ...args].join(' ')).join(' && ');
}

/** Runs one command in `cwd`, its output appended to `log`; returns { code, out }. */
function run(cmd, args, cwd, log) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, CI: '1', NO_COLOR: '1' }, maxBuffer: 1 << 28, timeout: 1_800_000 });
  const out = `${r.stdout?.toString('utf8') ?? ''}${r.stderr?.toString('utf8') ?? ''}`;
  writeFileSync(log, `$ ${cmd} ${args.join(' ')} (exit ${r.status ?? r.signal})\n${out}\n`, { flag: 'a' });
  return { code: r.status, out };
}

/** Checks out the HEAD of `gitDir` into `dest` (a plain clone; the objects stay where they are). */
function checkout(gitDir, dest) {
  git(['clone', '--quiet', '--shared', gitDir, dest]);
  return git(['-C', dest, 'rev-parse', 'HEAD']).toString('utf8').trim();
}

/**
 * Runs repository `name`'s suite on the upstream checkout and on the sanitized one (the gateway
 * clone's HEAD, which `idMap` maps from upstream's HEAD). Returns
 * `{ command, upstream: { commit, passed, failed, … }, sanitized: { … }, sameCommit, failingOnlySanitized }`; logs in `dir`.
 */
export function runSuites({ name, upstreamGitDir, cloneGitDir, dir, map }) {
  const suite = SUITES[name];
  const sides = {};
  for (const [side, gitDir] of [['upstream', upstreamGitDir], ['sanitized', cloneGitDir]]) {
    const cwd = join(dir, `${name}-${side}`);
    const log = join(dir, `${name}-${side}.log`);
    const commit = checkout(gitDir, cwd);
    const install = suite.install.map(([cmd, args]) => run(cmd, args, cwd, log).code);
    const { code, out } = run(suite.test[0], suite.test[1], cwd, log);
    sides[side] = { commit, installOk: install.every((c) => c === 0), exit: code, ...suite.parse(out), log };
  }
  const mapped = map.get(sides.upstream.commit)?.sanitized ?? sides.upstream.commit;
  // Only the sanitized side's names are kept: upstream's test ids may spell a fixture's value.
  const before = new Set(sides.upstream.failedNames);
  const failingOnlySanitized = sides.sanitized.failedNames.filter((t) => !before.has(t));
  for (const side of Object.values(sides)) delete side.failedNames;
  return { command: commandLine(suite), ...sides, sameCommit: mapped === sides.sanitized.commit, failingOnlySanitized };
}
