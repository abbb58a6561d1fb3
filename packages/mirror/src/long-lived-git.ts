/**
 * A git child kept between requests and asked one request at a time (`update-ref --stdin`,
 * `cat-file --batch`). On the 2-core VM of docs/benchmarks.md, starting a child blocks the gateway's
 * main thread 5–12 ms (the fork of a large process), more than a small sync's request itself costs.
 * Idle, the child neither keeps node running nor outlives `idleMs`; the next request starts another.
 */
import { DEFAULT_TIMEOUT_MS, GitError, GIT_ERROR, type GitProcess } from '@gitgate/git';

/** How long an idle child is kept before it is let go. */
export const LONG_LIVED_IDLE_MS = 60_000;

/** One request: what it writes to git's stdin, and what it makes of each stdout chunk (done: `finished`). */
export interface GitRequest<T> {
  write(stdin: NodeJS.WritableStream): void;
  /**
   * Takes one chunk of the answer; returns `{ value }` once the answer is complete, else undefined. What
   * it throws rejects the request (the child, mid-answer, is stopped).
   */
  read(chunk: Buffer): { value: T } | undefined;
}

/** One running child and the request it is answering, if any. */
interface Helper {
  proc: GitProcess;
  pending: { read(chunk: Buffer): void; reject(e: unknown): void } | null;
}

export class LongLivedGit {
  readonly #start: () => GitProcess;
  readonly #describe: string;
  readonly #idleMs: number;
  readonly #timeoutMs: number;
  #helper: Helper | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #idle: NodeJS.Timeout | undefined;

  /** `start` starts the child (through GitCommand, with no runner timeout); `describe` names it in errors. */
  constructor(start: () => GitProcess, describe: string, opts: { idleMs?: number; timeoutMs?: number } = {}) {
    this.#start = start;
    this.#describe = describe;
    this.#idleMs = opts.idleMs ?? LONG_LIVED_IDLE_MS;
    this.#timeoutMs = opts.timeoutMs || DEFAULT_TIMEOUT_MS;
  }

  /** The running child's process id, if one runs (diagnostics and tests). */
  get pid(): number | undefined {
    return this.#helper?.proc.pid;
  }

  /**
   * Asks `req` after the requests asked before it. Rejects with GitError when git ends before the answer
   * is complete (its exit and stderr) or takes longer than the timeout (git is stopped); the child is let
   * go then, and the next request starts another.
   */
  request<T>(req: GitRequest<T>): Promise<T> {
    const run = this.#queue.then(() => this.#ask(req));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Lets the running child go (it ends when its stdin does); the next request starts another. */
  close(): void {
    clearTimeout(this.#idle);
    const helper = this.#helper;
    this.#helper = null;
    helper?.proc.stdin.end();
  }

  async #ask<T>(req: GitRequest<T>): Promise<T> {
    clearTimeout(this.#idle);
    const helper = this.#helper ?? this.#launch();
    // Held while a request runs: an awaited sync must keep node alive; idle, the child must not.
    helper.proc.ref();
    const timer = setTimeout(() => this.#timedOut(helper), this.#timeoutMs);
    let value: T;
    try {
      value = await new Promise<T>((resolve, reject) => {
        helper.pending = {
          read: (chunk) => {
            try {
              const done = req.read(chunk);
              if (done !== undefined) resolve(done.value);
            } catch (e) {
              reject(e);
            }
          },
          reject,
        };
        req.write(helper.proc.stdin);
      });
    } catch (e) {
      // Whatever it was in the middle of must not answer the next request.
      if (this.#helper === helper) this.#helper = null;
      helper.proc.kill();
      throw e;
    } finally {
      clearTimeout(timer);
      helper.pending = null;
    }
    helper.proc.unref();
    this.#idle = setTimeout(() => this.close(), this.#idleMs).unref();
    return value;
  }

  #launch(): Helper {
    const helper: Helper = { proc: this.#start(), pending: null };
    this.#helper = helper;
    helper.proc.stdout.on('data', (chunk: Buffer) => helper.pending?.read(chunk));
    void helper.proc.exit.then((exit) => {
      if (this.#helper === helper) this.#helper = null;
      const error = exit.error ?? new GitError(GIT_ERROR.failed, `${this.#describe} ended before it answered`, { data: { exitCode: exit.exitCode, signal: exit.signal, stderr: exit.stderr } });
      helper.pending?.reject(error);
    });
    return helper;
  }

  #timedOut(helper: Helper): void {
    helper.pending?.reject(new GitError(GIT_ERROR.timeout, `${this.#describe} did not answer within ${this.#timeoutMs} ms and was stopped`));
    helper.pending = null;
    helper.proc.kill();
  }
}
