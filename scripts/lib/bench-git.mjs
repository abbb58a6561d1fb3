// Runs the real git client for the benchmark: clean configuration, timed with process.hrtime.bigint().
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/**
 * When a client traced with GIT_TRACE_PACKET=`traceFile` got its first bytes, in ms after `startedAt`
 * (epoch ms of its spawn): the first advertised ref (ls-refs), the first packet answering its fetch
 * (progress or the `packfile` section) and the first pack byte (git traces `PACK ...`, then stops
 * tracing). git stamps each line with local wall-clock time to the microsecond. Null when not seen.
 */
export function packetTimes(traceFile, startedAt) {
  const lines = readFileSync(traceFile, 'utf8').split('\n');
  const d = new Date(startedAt);
  const startOfDay = startedAt - (((d.getHours() * 60 + d.getMinutes()) * 60 + d.getSeconds()) * 1000 + d.getMilliseconds());
  const at = (line) => {
    const m = /^(\d\d):(\d\d):(\d\d\.\d+) /.exec(line);
    if (!m) return null;
    let t = startOfDay + ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
    if (t < startedAt - 60_000) t += 86_400_000; // the clone ran past midnight
    return t - startedAt;
  };
  // Only the clone's own packets (`clone<`), not remote-curl's copies of them (`git<`).
  const received = lines.filter((l) => / clone< | sideband< /.test(l));
  const fetchSent = lines.findIndex((l) => / clone> command=fetch$/.test(l));
  const firstRef = received.find((l) => / clone< [0-9a-f]{40} /.test(l));
  const answer = fetchSent < 0 ? undefined : lines.slice(fetchSent).find((l) => / clone< (?!0000|0001|0002)|sideband< /.test(l) && !/ clone< (want|have) /.test(l));
  const pack = received.find((l) => / sideband< PACK \.\.\.| clone< PACK \.\.\./.test(l));
  return { firstRefMs: firstRef ? at(firstRef) : null, fetchAnswerMs: answer ? at(answer) : null, firstPackByteMs: pack ? at(pack) : null };
}
