/**
 * The objects of a small sync read through one long-lived `git cat-file --batch` (without `--buffer`:
 * git answers each object as it is asked), so a 1-commit sync reads its few objects without starting
 * git (see long-lived-git.ts). A read that outgrows its byte budget is stopped and streamed through
 * readObjectBatches instead, as every read was before.
 */
import { git } from '@gitgate/git';
import { readObjectBatches, type RawObject } from './cat-file-batch.js';
import { CatFileParser } from './cat-file-parser.js';
import { MirrorError, codes } from './errors.js';
import { LongLivedGit } from './long-lived-git.js';
import type { ObjectSource } from './rewriter.js';

/** The most object bytes one read holds before it gives way to a streamed read. */
export const OBJECT_READER_MAX_BYTES = 32 * 1024 * 1024;

/** Thrown inside a read that outgrew its budget. */
class OverBudget extends Error {}

export class ObjectReader implements ObjectSource {
  readonly #gitDir: string;
  readonly #git: LongLivedGit;
  readonly #maxBytes: number;

  /** For the repository at `gitDir`; `idleMs` idle before git is let go, `timeoutMs` per read, `maxBytes` per read. */
  constructor(gitDir: string, opts: { idleMs?: number; timeoutMs?: number; maxBytes?: number } = {}) {
    this.#gitDir = gitDir;
    this.#maxBytes = opts.maxBytes ?? OBJECT_READER_MAX_BYTES;
    this.#git = new LongLivedGit(() => git('cat-file', '--batch').start({ gitDir, timeoutMs: 0 }), 'git cat-file', opts);
  }

  /** The running git's process id, if one runs (diagnostics and tests). */
  get pid(): number | undefined {
    return this.#git.pid;
  }

  /**
   * The objects `ids` in that order, each in a buffer of its own (all held at once), or null when they
   * hold more than the byte budget. Throws MirrorError GITGATE_BAD_OBJECT when one is missing, GitError
   * when git fails.
   */
  async read(ids: readonly string[]): Promise<RawObject[] | null> {
    const got: RawObject[] = [];
    if (ids.length === 0) return got;
    let missing: string | null = null;
    let [answered, bytes] = [0, 0];
    const parser = new CatFileParser({
      object: (obj) => {
        answered++;
        bytes += obj.content.length;
        if (bytes > this.#maxBytes) throw new OverBudget();
        got.push(obj);
      },
      missing: (id, what) => { answered++; missing ??= `object ${id} could not be read (${what})`; },
    });
    try {
      await this.#git.request({
        write: (stdin) => stdin.write(`${ids.join('\n')}\n`),
        read: (chunk) => {
          parser.push(chunk);
          return answered === ids.length && parser.idle ? { value: undefined } : undefined;
        },
      });
    } catch (e) {
      if (e instanceof OverBudget) return null;
      throw e;
    }
    if (missing !== null) throw new MirrorError(codes.badObject, missing);
    return got;
  }

  /**
   * ObjectSource: the objects `ids` in one batch of owned buffers, or, past the byte budget, streamed as
   * readObjectBatches streams them (views as asked). Throws as read() does.
   */
  async *readBatches(ids: Iterable<string>, opts: { views: boolean } = { views: false }): AsyncGenerator<RawObject[]> {
    const list = [...ids];
    const got = await this.read(list);
    if (got === null) yield* readObjectBatches(this.#gitDir, list, opts);
    else if (got.length > 0) yield got;
  }

  /** Lets the running git go; the next read starts another. */
  close(): void {
    this.#git.close();
  }
}
