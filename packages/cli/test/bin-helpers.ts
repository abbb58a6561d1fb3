/** Shared by the tests that run the real `gitgate` binary many times at once. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/cli/bin/gitgate.js, from packages/cli/dist/test. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'gitgate.js');

/** Runs the binary without blocking this process (so runs can overlap), with only PATH in its environment. */
export function gitgateAsync(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    p.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
