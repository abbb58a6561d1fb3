/** Spawning the git binary: one place that sets a clean environment and collects errors. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { MirrorError, codes } from './errors.js';

/** Environment for every git child: no user or system config, no prompts, no pager, C locale. */
export function gitEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    ...extra,
  };
  return env;
}

/** Git configuration for one command through GIT_CONFIG_COUNT/KEY_n/VALUE_n (git ≥ 2.31). */
export function gitConfigEnv(pairs: readonly [string, string][]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

export interface RunGitOptions {
  /** The repository (passed as --git-dir). */
  gitDir?: string;
  cwd?: string;
  input?: Buffer | string;
  env?: Record<string, string>;
  /** Arguments safe to show in an error (defaults to the first two); credentials must never be in here. */
  describe?: string;
  /** Exit codes that are not failures. */
  okCodes?: number[];
}

/** Spawns git with the clean environment; the caller wires stdio. */
export function spawnGit(args: string[], opts: { gitDir?: string; cwd?: string; env?: Record<string, string> } & Pick<SpawnOptions, 'stdio'> = {}): ChildProcess {
  const full = opts.gitDir ? ['--git-dir', opts.gitDir, ...args] : args;
  return spawn('git', full, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: opts.stdio ?? ['pipe', 'pipe', 'pipe'] });
}

/** Runs git to completion and returns stdout; throws MirrorError GITGATE_GIT_FAILED with stderr's last lines. */
export function runGit(args: string[], opts: RunGitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, opts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new MirrorError(codes.gitFailed, `git could not be started: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) {
        resolve(Buffer.concat(out));
        return;
      }
      const what = opts.describe ?? args.slice(0, 2).join(' ');
      const tail = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' | ');
      reject(new MirrorError(codes.gitFailed, `git ${what} failed (exit ${code}): ${tail}`, { data: { exitCode: code } }));
    });
    child.stdin!.on('error', () => { /* child exited early; the close handler reports */ });
    child.stdin!.end(opts.input ?? '');
  });
}

/** Runs git and returns stdout as trimmed lines (empty output gives []). */
export async function gitLines(args: string[], opts: RunGitOptions = {}): Promise<string[]> {
  const out = (await runGit(args, opts)).toString('utf8');
  return out.split('\n').filter((l) => l.length > 0);
}

/**
 * Runs git and hands each line of its stdout to `onLine` as it arrives, without holding the whole output
 * (a `rev-list --objects` over a large history prints megabytes). Throws like runGit.
 */
export function forEachGitLine(args: string[], opts: RunGitOptions, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, opts);
    let rest = '';
    const err: Buffer[] = [];
    child.stdout!.setEncoding('latin1');
    child.stdout!.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line.length > 0) onLine(line);
    });
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new MirrorError(codes.gitFailed, `git could not be started: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code !== 0) {
        const tail = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' | ');
        reject(new MirrorError(codes.gitFailed, `git ${opts.describe ?? args.slice(0, 2).join(' ')} failed (exit ${code}): ${tail}`, { data: { exitCode: code } }));
        return;
      }
      if (rest.length > 0) onLine(rest);
      resolve();
    });
    child.stdin!.on('error', () => { /* child exited early; the close handler reports */ });
    child.stdin!.end(opts.input ?? '');
  });
}

