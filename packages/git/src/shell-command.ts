/**
 * A command line a user configured (a command that prints an OIDC token, as `git credential` helpers
 * and kubectl exec plugins take), run through /bin/sh by the one runner: its timeout, process-group
 * kill and bounded, redacted error. It gets the caller's environment, not git's clean one.
 */
import { startChild } from './git-process.js';
import { GitError, GIT_ERROR } from './git-error.js';

/** Options of `runShellCommand`. */
export interface ShellCommandOptions {
  /** The environment the command sees (the CLI passes its own). */
  env: NodeJS.ProcessEnv;
  /** What errors call the command, e.g. 'the token command'. */
  describe: string;
  /** Milliseconds before it is killed; default 30 s. */
  timeoutMs?: number;
  /** Largest stdout kept; more fails the command. Default 64 KiB. */
  maxOutputBytes?: number;
}

/**
 * Runs `line` with `/bin/sh -c` and resolves with its stdout. Throws GitError (GITGATE_GIT_FAILED on a
 * non-zero exit or too much output, GITGATE_GIT_TIMEOUT) whose message names `describe`, never `line`.
 */
export async function runShellCommand(line: string, opts: ShellCommandOptions): Promise<string> {
  if (typeof line !== 'string' || line.trim() === '') throw new TypeError('the command line must be a non-empty string');
  const max = opts.maxOutputBytes ?? 64 * 1024;
  const child = startChild('/bin/sh', ['-c', line], opts.env, opts.describe, { timeoutMs: opts.timeoutMs ?? 30_000, input: '' });
  const chunks: Buffer[] = [];
  let size = 0;
  child.stdout.on('data', (c: Buffer) => {
    size += c.length;
    if (size > max) child.kill();
    else chunks.push(c);
  });
  const { error } = await child.exit;
  if (size > max) throw new GitError(GIT_ERROR.failed, `${opts.describe} printed more than ${max} bytes`);
  if (error) throw error;
  return Buffer.concat(chunks).toString('utf8');
}
