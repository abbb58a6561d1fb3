/** A child process that does not block the event loop (a test server may run in it), to its end. */
import { spawn } from 'node:child_process';

/** What a process printed, and how it exited. */
export interface ProcessRun { code: number | null; stdout: string; stderr: string }

/** Runs `file <args>` with `env`, `input` on stdin (none: stdin closed); resolves when it exits, whatever the code. */
export function runAsync(file: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    p.stderr!.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.input !== undefined) p.stdin!.end(opts.input);
  });
}
