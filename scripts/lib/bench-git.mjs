// Runs the real git client for the benchmark: clean configuration, timed with process.hrtime.bigint().
import { spawn } from 'node:child_process';
import { GIT_CLEAN_ENV } from '../../packages/testkit/dist/src/git-env.js';

/** Environment for every git the benchmark runs: no user or system config can change the figures. */
export function gitEnv(extra = {}) {
  return {
    ...GIT_CLEAN_ENV,
    GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com',
    ...extra,
  };
}

/**
 * Runs git; resolves with { code, stdout, stderr, ms } (never rejects on a non-zero exit).
 * `ms` is wall time from spawn to exit.
 */
export function git(args, { cwd, input, env } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('git', args, { cwd, env: gitEnv(env) });
    const out = [];
    let stderr = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => { if (stderr.length < 65536) stderr += c.toString('utf8'); });
    child.stdin.on('error', () => { /* git may exit before reading its input */ });
    child.stdin.end(input ?? '');
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr, ms });
    });
  });
}

/** Runs git and throws with its stderr when it fails; resolves with the result. */
export async function gitOk(args, options) {
  const r = await git(args, options);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim().slice(-500)}`);
  return r;
}

/** Trimmed stdout of a git command that must succeed. */
export async function gitText(args, options) {
  return (await gitOk(args, options)).stdout.trim();
}

/** Number of objects reachable from any ref (what a full clone transfers). */
export async function reachableObjects(gitDir) {
  const r = await gitOk(['--git-dir', gitDir, 'rev-list', '--all', '--objects', '--no-object-names']);
  return r.stdout.split('\n').filter(Boolean).length;
}

/** Whether `git filter-repo` is installed. */
export async function hasFilterRepo() {
  const r = await git(['filter-repo', '--version']);
  return r.code === 0;
}
