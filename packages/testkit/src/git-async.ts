/** The real git client as a child process that does not block the event loop (a test server may run in it). */
import { spawn } from 'node:child_process';
import { GIT_ENV } from './git-env.js';

/** What a git run printed, and how it exited. */
export interface GitRun { code: number | null; stdout: string; stderr: string }

/** Runs `git <args>` in `cwd` with GIT_ENV (or `env`); resolves when it exits, whatever the exit code. */
export function gitAsync(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const p = spawn('git', args, { cwd: opts.cwd, env: opts.env ?? GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    p.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
