/** Bulk object reads: streams `git cat-file --batch` output as whole objects, in request order. */
import type { ObjectType } from '@gitgate/objects';
import { git } from '@gitgate/git';
import { CatFileParser } from './cat-file-parser.js';
import { MirrorError, codes } from './errors.js';

/** One object read from a repository. */
export interface RawObject {
  id: string;
  type: ObjectType;
  content: Buffer;
}

/**
 * Reads the given objects (all must exist) from `gitDir`, yielding them in request order.
 * Memory holds one object at a time plus the pipe buffers. Throws MirrorError on a missing object.
 */
export async function* readObjects(gitDir: string, ids: Iterable<string>): AsyncGenerator<RawObject> {
  for await (const batch of readObjectBatches(gitDir, ids)) yield* batch;
}

/**
 * Like readObjects, but yields the objects of each pipe chunk together: one async step per chunk, not
 * per object, for callers that go through tens of thousands of small objects. With `views`, an object
 * that arrived whole in one chunk is a view into it: finish with a batch before asking for the next,
 * and copy what must outlive it. Throws MirrorError on a missing object.
 */
export async function* readObjectBatches(gitDir: string, ids: Iterable<string>, opts: { views?: boolean; env?: Readonly<Record<string, string>> } = {}): AsyncGenerator<RawObject[]> {
  // No timeout: the read is paced by its consumer (a rewrite of a large history), which stops it by
  // leaving the loop. Ids are fed under back-pressure while stdout is read: both pipes flow at once.
  const child = git('cat-file', '--batch', '--buffer').start({ gitDir, inputLines: ids, timeoutMs: 0, env: opts.env });
  // The parser answers synchronously inside push(); a chunk's answers are yielded together, in order.
  let ready: RawObject[] = [];
  let missing: MirrorError | null = null;
  const parser = new CatFileParser({
    object: (obj) => { if (missing === null) ready.push(obj); },
    missing: (id, what) => { missing ??= new MirrorError(codes.badObject, `object ${id} could not be read (${what})`); },
  }, opts);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      parser.push(chunk);
      if (ready.length > 0) {
        const batch = ready;
        ready = [];
        yield batch;
      }
      if (missing !== null) throw missing;
    }
    await child.done();
    if (!parser.idle) throw new MirrorError(codes.gitOutput, 'git cat-file output ended mid-object');
  } finally {
    child.kill();
  }
}

/**
 * Checks which of the given ids exist in `gitDir` (any object type; `env` may point git at a quarantine's
 * object directory). Runs one `cat-file --batch-check`.
 */
export async function existingObjects(gitDir: string, ids: readonly string[], env?: Readonly<Record<string, string>>): Promise<Set<string>> {
  const present = new Set<string>();
  if (ids.length === 0) return present;
  const out = await git('cat-file', '--batch-check=%(objectname)', '--buffer').run({ gitDir, inputLines: ids, env });
  for (const line of out.toString('latin1').split('\n')) {
    if (/^[0-9a-f]{40}$/.test(line)) present.add(line);
  }
  return present;
}

/**
 * The positions of `ids` in the order git stores them (`cat-file --batch-all-objects --unordered`: pack
 * order), then any it did not list, in their own order. Read in this order, a delta's base was read just
 * before and is still in git's cache: on git/git's blobs 5.0 s of git's CPU against 10.6 s in rev-list
 * order (docs/benchmarks.md, "Session 13"). Listing every object costs one `cat-file` over the index.
 */
export async function inStorageOrder(gitDir: string, ids: readonly string[], env?: Readonly<Record<string, string>>): Promise<number[]> {
  const position = new Map<string, number>();
  ids.forEach((id, k) => position.set(id, k));
  const order: number[] = [];
  await git('cat-file', '--batch-all-objects', '--unordered', '--batch-check=%(objectname)').forEachLine({ gitDir, env, timeoutMs: 0 }, (line) => {
    const k = position.get(line);
    if (k === undefined) return;
    order.push(k);
    // An object in two packs is listed twice: the first place counts.
    position.delete(line);
  });
  for (const k of position.values()) order.push(k);
  return order;
}
