/** The real git client as a child process that does not block the event loop (a test server may run in it). */
import { GIT_ENV } from './git-env.js';
import { runAsync, type ProcessRun } from './run-async.js';

/** What a git run printed, and how it exited. */
export type GitRun = ProcessRun;

/** Runs `git <args>` in `cwd` with GIT_ENV (or `env`); resolves when it exits, whatever the exit code. */
export function gitAsync(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<GitRun> {
  return runAsync('git', args, { cwd: opts.cwd, env: opts.env ?? GIT_ENV });
}
