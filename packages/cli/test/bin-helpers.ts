/** Shared by the tests that run the real `gitgate` binary many times at once. */
import { spawn, type ChildProcess } from 'node:child_process';
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

/** A running `gitgate serve`: its process, the clone URL it printed, its log so far, its exit. */
export interface ServeProcess { proc: ChildProcess; url: string; logs: () => string; exited: Promise<unknown> }

/** Starts `gitgate serve --config FILE`; resolves once it prints the clone line of repository `repo`. */
export function serveProcess(config: string, cwd: string, repo: string): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--config', config], { cwd, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const line = new RegExp(`^ {2}git clone (http://127\\.0\\.0\\.1:\\d+/${repo.replace('/', '\\/')}\\.git)`, 'm');
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = line.exec(out);
      if (m) resolve({ proc, url: m[1]!, logs: () => err, exited });
    });
    void exited.then((code) => reject(new Error(`serve exited early (${String(code)}): ${out}${err}`)));
  });
}
