/** One running git child: stdio, a timeout and an AbortSignal that kill it, and its exit as one value. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { GitError, GIT_ERROR } from './git-error.js';
import { gitEnv } from './git-env.js';
import { feedLines } from './feed-lines.js';

/** The timeout of a command that sets none: long enough for a large local operation, short of forever. */
export const DEFAULT_TIMEOUT_MS = 360_000;
/** Between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** How much of stderr is kept (its end): enough for git's last lines, bounded for a chatty child. */
const STDERR_KEEP = 4096;

export interface GitRunOptions {
  /** The repository, passed as `--git-dir=<path>`. */
  gitDir?: string;
  cwd?: string;
  /** Added to the clean environment (gitEnv). */
  env?: Readonly<Record<string, string>>;
  /** stdin: bytes, or a stream piped in. Without it (and without inputLines) stdin is ended at once by run(). */
  input?: Buffer | string | Readable;
  /** stdin: lines fed with back-pressure (feedLines), e.g. object ids. */
  inputLines?: Iterable<string>;
  /** Milliseconds before git is killed; 0 for none. Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Kills git when it fires. */
  signal?: AbortSignal;
  /** Exit codes that are not failures (0 always is). */
  okCodes?: readonly number[];
  /** Strings never to show in an error (an upstream URL with credentials, a header); replaced by ***. */
  redact?: readonly string[];
  /** What the error message calls the command (trusted words only); default `git <subcommand>`. */
  describe?: string;
}

/** How a child ended. `error` is set when that is a failure (a code not accepted, a timeout, an abort). */
export interface GitExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last STDERR_KEEP characters of stderr, credentials redacted. */
  stderr: string;
  error?: GitError;
}

/** A started git child. Read stdout (it is not drained for you); `exit` settles once, never rejects. */
export interface GitProcess {
  /** The child's process id (undefined if it could not be started). */
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly exit: Promise<GitExit>;
  /** Stops git: SIGTERM to its process group, SIGKILL after a grace period. */
  kill(): void;
  /** Resolves when git ended well; rejects with its GitError otherwise. */
  done(): Promise<void>;
  /** Lets node exit while git runs (a long-lived helper between requests); ref() undoes it. */
  unref(): void;
  /** Keeps node running while git does (the default). */
  ref(): void;
}

/** Starts `git <args>` with the clean environment. Callers go through GitCommand. */
export function startGit(args: readonly string[], describe: string, opts: GitRunOptions): GitProcess {
  const full = opts.gitDir !== undefined ? [`--git-dir=${opts.gitDir}`, ...args] : [...args];
  return startChild('git', full, gitEnv(opts.env), describe, opts);
}

/**
 * Starts `file <args>` with exactly `env`, under the runner's timeout, kill and error rules. Product
 * code starts git through GitCommand; this is for the few other programs (shell-command.ts).
 */
export function startChild(file: string, args: readonly string[], env: NodeJS.ProcessEnv, describe: string, opts: Omit<GitRunOptions, 'gitDir' | 'env'>): GitProcess {
  // Its own process group, so a kill reaches the helpers git starts (git-remote-http holds the socket).
  const child = spawn(file, [...args], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const stderr = collectTail(child);
  let reason: 'timeout' | 'aborted' | null = null;
  const stop = (why: 'timeout' | 'aborted' | null): void => {
    reason ??= why;
    killGroup(child);
  };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = timeoutMs > 0 ? setTimeout(() => stop('timeout'), timeoutMs) : undefined;
  const onAbort = (): void => stop('aborted');
  if (opts.signal?.aborted) queueMicrotask(onAbort);
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  child.stdin!.on('error', () => { /* the child exited early; its exit says why */ });
  const exit = new Promise<GitExit>((resolve) => {
    const settle = (exitCode: number | null, signal: NodeJS.Signals | null, started?: Error): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const text = redact(stderr(), opts.redact);
      const error = failure({ exitCode, signal, stderr: text, reason, started, timeoutMs, describe, okCodes: opts.okCodes });
      resolve({ exitCode, signal, stderr: text, ...(error ? { error } : {}) });
    };
    child.once('error', (e) => settle(null, null, e));
    child.once('close', (code, signal) => settle(code, signal));
  });
  feedInput(child, opts);
  return {
    pid: child.pid, stdin: child.stdin!, stdout: child.stdout!, exit,
    kill: () => stop(null),
    done: async () => {
      const { error } = await exit;
      if (error) throw error;
    },
    unref: () => holdLoop(child, false),
    ref: () => holdLoop(child, true),
  };
}

/** Whether the child and its pipes keep node's event loop alive. */
function holdLoop(child: ChildProcess, hold: boolean): void {
  for (const h of [child, child.stdin, child.stdout, child.stderr] as ({ ref?: () => void; unref?: () => void } | null)[]) {
    if (hold) h?.ref?.();
    else h?.unref?.();
  }
}

function feedInput(child: ChildProcess, opts: Pick<GitRunOptions, 'input' | 'inputLines'>): void {
  const stdin = child.stdin!;
  if (opts.inputLines !== undefined) void feedLines(stdin, opts.inputLines).catch(() => killGroup(child));
  else if (typeof opts.input === 'string' || Buffer.isBuffer(opts.input)) stdin.end(opts.input);
  else if (opts.input !== undefined) opts.input.pipe(stdin);
}

function collectTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => {
    tail = (tail + c).slice(-STDERR_KEEP);
  });
  return () => tail;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const send = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // The group is gone already.
    }
  };
  send('SIGTERM');
  setTimeout(() => { if (child.exitCode === null && child.signalCode === null) send('SIGKILL'); }, KILL_GRACE_MS).unref();
}

interface Outcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  reason: 'timeout' | 'aborted' | null;
  started?: Error;
  timeoutMs: number;
  describe: string;
  okCodes?: readonly number[];
}

function failure(o: Outcome): GitError | undefined {
  const data = { exitCode: o.exitCode, signal: o.signal, stderr: o.stderr };
  if (o.started) return new GitError(GIT_ERROR.failed, `${o.describe} could not be started: ${o.started.message}`, { cause: o.started, data });
  if (o.reason === 'timeout') {
    return new GitError(GIT_ERROR.timeout, `${o.describe} did not finish within ${seconds(o.timeoutMs)} and was stopped`, { data });
  }
  if (o.reason === 'aborted') return new GitError(GIT_ERROR.aborted, `${o.describe} was stopped by its caller`, { data });
  if (o.exitCode === 0 || (o.exitCode !== null && o.okCodes?.includes(o.exitCode))) return undefined;
  const status = o.exitCode !== null ? `exit ${o.exitCode}` : `signal ${o.signal}`;
  const last = o.stderr.trim().split('\n').slice(-3).join(' | ');
  return new GitError(GIT_ERROR.failed, `${o.describe} failed (${status})${last ? `: ${last}` : ''}`, { data });
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Replaces each of `secrets` by ***, and any URL userinfo by ***@. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
