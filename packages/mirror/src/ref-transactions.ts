/**
 * Ref transactions of one repository through one long-lived `git update-ref --stdin` (transaction
 * commands, git-update-ref(1): after `commit` it takes `start` again). A small sync moves the refs of
 * both stores without starting git: on the 2-core VM of docs/benchmarks.md, starting a child blocks the
 * gateway's main thread 5–12 ms (fork of a large process), more than the transaction itself.
 */
import { git, redact, DEFAULT_TIMEOUT_MS, GitError, GIT_ERROR, type GitProcess } from '@gitgate/git';

/** How long an idle `update-ref` is kept before it is let go (the next transaction starts another). */
export const REF_TRANSACTIONS_IDLE_MS = 60_000;

/** One running update-ref and the transaction it is in, if any (settled by `commit: ok` or git's exit). */
interface Helper {
  proc: GitProcess;
  pending: { resolve(): void; reject(e: unknown): void } | null;
}

export class RefTransactions {
  readonly #gitDir: string;
  readonly #idleMs: number;
  readonly #timeoutMs: number;
  #helper: Helper | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #idle: NodeJS.Timeout | undefined;

  /** For the repository at `gitDir`; `idleMs` idle before git is let go, `timeoutMs` per transaction. */
  constructor(gitDir: string, opts: { idleMs?: number; timeoutMs?: number } = {}) {
    this.#gitDir = gitDir;
    this.#idleMs = opts.idleMs ?? REF_TRANSACTIONS_IDLE_MS;
    this.#timeoutMs = opts.timeoutMs || DEFAULT_TIMEOUT_MS;
  }

  /** The running git's process id, if one runs (diagnostics and tests). */
  get pid(): number | undefined {
    return this.#helper?.proc.pid;
  }

  /**
   * Applies `lines` (`update`/`delete`/`create`/`verify` commands, each ending in a newline) as one
   * transaction, after the transactions asked for before it. Throws GitError (git failed, or took longer
   * than the timeout); `redact` strings never appear in it. Git is started again for the next one then.
   */
  apply(lines: string, opts: { redact?: readonly string[] } = {}): Promise<void> {
    const run = this.#queue.then(() => this.#transact(lines, opts.redact ?? []));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Lets the running git go (it ends when its stdin does); the next transaction starts another. */
  close(): void {
    clearTimeout(this.#idle);
    const helper = this.#helper;
    this.#helper = null;
    helper?.proc.stdin.end();
  }

  async #transact(lines: string, secrets: readonly string[]): Promise<void> {
    clearTimeout(this.#idle);
    const helper = this.#helper ?? this.#start();
    // Held while a transaction runs: an awaited sync must keep node alive; idle, git must not.
    helper.proc.ref();
    const timer = setTimeout(() => this.#timedOut(helper), this.#timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        helper.pending = { resolve, reject };
        helper.proc.stdin.write(`start\n${lines}prepare\ncommit\n`);
      });
    } catch (e) {
      if (this.#helper === helper) this.close();
      throw e instanceof GitError && secrets.length > 0
        ? new GitError(e.code, redact(e.message, secrets), { data: { ...e.data, stderr: redact(String(e.data?.stderr ?? ''), secrets) } })
        : e;
    } finally {
      clearTimeout(timer);
      helper.pending = null;
    }
    helper.proc.unref();
    this.#idle = setTimeout(() => this.close(), this.#idleMs).unref();
  }

  #start(): Helper {
    // No timeout of the runner's: the process outlives transactions; each has its own (#timedOut).
    const helper: Helper = { proc: git('update-ref', '--stdin').start({ gitDir: this.#gitDir, timeoutMs: 0 }), pending: null };
    this.#helper = helper;
    let rest = '';
    helper.proc.stdout.setEncoding('utf8');
    helper.proc.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      if (lines.includes('commit: ok')) helper.pending?.resolve();
    });
    void helper.proc.exit.then((exit) => {
      if (this.#helper === helper) this.#helper = null;
      const error = exit.error ?? new GitError(GIT_ERROR.failed, 'git update-ref ended before it committed the transaction', { data: { exitCode: exit.exitCode, signal: exit.signal, stderr: exit.stderr } });
      helper.pending?.reject(error);
    });
    return helper;
  }

  #timedOut(helper: Helper): void {
    helper.pending?.reject(new GitError(GIT_ERROR.timeout, `git update-ref did not finish a ref transaction within ${this.#timeoutMs} ms and was stopped`));
    helper.pending = null;
    helper.proc.kill();
  }
}
