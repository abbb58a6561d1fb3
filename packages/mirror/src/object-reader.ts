/**
 * The objects of a small sync read through one long-lived `git cat-file --batch` (without `--buffer`:
 * git answers each object as it is asked), so a 1-commit sync reads its few objects without starting
 * git (see long-lived-git.ts). A read that outgrows its byte budget is stopped and streamed through
 * readObjectBatches instead, as every read was before.
 *
 * The commits and trees it reads are kept (a few MiB, the least recently used go first): the next
 * small sync walks the trees of the commit it builds on, which are the ones the sync before read as
 * new, and its rewrite reads the new commit and trees the walk just read. An id names its content
 * for good, so a kept object is never stale.
 */
import { git } from '@gitgate/git';
import { readObjectBatches, type RawObject } from './cat-file-batch.js';
import { CatFileParser } from './cat-file-parser.js';
import { MirrorError, codes } from './errors.js';
import { LongLivedGit } from './long-lived-git.js';
import type { ObjectSource } from './rewriter.js';

/** The most object bytes one read holds before it gives way to a streamed read. */
export const OBJECT_READER_MAX_BYTES = 32 * 1024 * 1024;

/** The most commit and tree bytes kept between reads, and the largest single object kept. */
export const OBJECT_READER_CACHE_BYTES = 4 * 1024 * 1024;
const CACHE_OBJECT_MAX_BYTES = 64 * 1024;

/** Thrown inside a read that outgrew its budget. */
class OverBudget extends Error {}

export class ObjectReader implements ObjectSource {
  readonly #gitDir: string;
  readonly #git: LongLivedGit;
  readonly #maxBytes: number;
  readonly #cacheBytes: number;
  /** Kept commits and trees by id, least recently used first (owned copies, never handed out). */
  readonly #cache = new Map<string, RawObject>();
  #cached = 0;

  /**
   * For the repository at `gitDir`; `idleMs` idle before git is let go, `timeoutMs` per read, `maxBytes`
   * per read, `cacheBytes` of commits and trees kept between reads (0: none).
   */
  constructor(gitDir: string, opts: { idleMs?: number; timeoutMs?: number; maxBytes?: number; cacheBytes?: number } = {}) {
    this.#gitDir = gitDir;
    this.#maxBytes = opts.maxBytes ?? OBJECT_READER_MAX_BYTES;
    this.#cacheBytes = opts.cacheBytes ?? OBJECT_READER_CACHE_BYTES;
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
    const out: RawObject[] = new Array<RawObject>(ids.length);
    const asked: string[] = [];
    const at: number[] = [];
    ids.forEach((id, i) => {
      const kept = this.#cache.get(id);
      if (kept === undefined) {
        asked.push(id);
        at.push(i);
        return;
      }
      // Most recently used last; the caller gets a copy it may change or hand away.
      this.#cache.delete(id);
      this.#cache.set(id, kept);
      out[i] = { id, type: kept.type, content: Buffer.from(kept.content) };
    });
    if (asked.length === 0) return out;
    const got = await this.#readFromGit(asked);
    if (got === null) return null;
    got.forEach((obj, k) => {
      out[at[k]!] = obj;
      this.#keep(obj);
    });
    return out;
  }

  /** Keeps a copy of a commit or tree, letting the least recently used go past the budget. */
  #keep(obj: RawObject): void {
    if ((obj.type !== 'commit' && obj.type !== 'tree') || this.#cache.has(obj.id)) return;
    if (obj.content.length > Math.min(CACHE_OBJECT_MAX_BYTES, this.#cacheBytes)) return;
    this.#cache.set(obj.id, { id: obj.id, type: obj.type, content: Buffer.from(obj.content) });
    this.#cached += obj.content.length;
    for (const [id, kept] of this.#cache) {
      if (this.#cached <= this.#cacheBytes) break;
      this.#cache.delete(id);
      this.#cached -= kept.content.length;
    }
  }

  /** The objects `ids` from git, in that order, or null past the byte budget. */
  async #readFromGit(ids: readonly string[]): Promise<RawObject[] | null> {
    const got: RawObject[] = [];
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
