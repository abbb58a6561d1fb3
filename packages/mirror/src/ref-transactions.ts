/**
 * Ref transactions of one repository through one long-lived `git update-ref --stdin` (transaction
 * commands, git-update-ref(1): after `commit` it takes `start` again), so a small sync moves the refs
 * of its stores without starting git (see long-lived-git.ts).
 */
import { git, redact, GitError } from '@gitgate/git';
import { LongLivedGit } from './long-lived-git.js';

export class RefTransactions {
  readonly #git: LongLivedGit;

  /** For the repository at `gitDir`; `idleMs` idle before git is let go, `timeoutMs` per transaction. */
  constructor(gitDir: string, opts: { idleMs?: number; timeoutMs?: number } = {}) {
    this.#git = new LongLivedGit(() => git('update-ref', '--stdin').start({ gitDir, timeoutMs: 0 }), 'git update-ref', opts);
  }

  /** The running git's process id, if one runs (diagnostics and tests). */
  get pid(): number | undefined {
    return this.#git.pid;
  }

  /**
   * Applies `lines` (`update`/`delete`/`create`/`verify` commands, each ending in a newline) as one
   * transaction, after the transactions asked for before it. Throws GitError (git failed, or took longer
   * than the timeout); `redact` strings never appear in it. Git is started again for the next one then.
   */
  async apply(lines: string, opts: { redact?: readonly string[] } = {}): Promise<void> {
    let rest = '';
    try {
      await this.#git.request({
        write: (stdin) => stdin.write(`start\n${lines}prepare\ncommit\n`),
        read: (chunk) => {
          const answers = (rest + chunk.toString('utf8')).split('\n');
          rest = answers.pop()!;
          return answers.includes('commit: ok') ? { value: undefined } : undefined;
        },
      });
    } catch (e) {
      const secrets = opts.redact ?? [];
      throw e instanceof GitError && secrets.length > 0
        ? new GitError(e.code, redact(e.message, secrets), { data: { ...e.data, stderr: redact(String(e.data?.stderr ?? ''), secrets) } })
        : e;
    }
  }

  /** Lets the running git go; the next transaction starts another. */
  close(): void {
    this.#git.close();
  }
}
