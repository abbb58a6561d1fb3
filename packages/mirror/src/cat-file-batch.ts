/** Bulk object reads: streams `git cat-file --batch` output as whole objects, in request order. */
import type { ObjectType } from '@gitgate/objects';
import { spawnGit } from './git.js';
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
export async function* readObjectBatches(gitDir: string, ids: Iterable<string>, opts: { views?: boolean } = {}): AsyncGenerator<RawObject[]> {
  const child = spawnGit(['cat-file', '--batch', '--buffer'], { gitDir });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin!.on('error', () => { /* reported through the output or exit code */ });
  // Feed ids without blocking the reader: stdin and stdout must flow at the same time.
  void (async () => {
    const batch: string[] = [];
    for (const id of ids) {
      batch.push(id);
      // Small batches: a batch waiting for the pipe is alive across scavenges (and copied by each).
      if (batch.length >= 128) {
        if (!child.stdin!.write(batch.join('\n') + '\n')) await new Promise((r) => child.stdin!.once('drain', r));
        batch.length = 0;
      }
    }
    if (batch.length > 0) child.stdin!.write(batch.join('\n') + '\n');
    child.stdin!.end();
  })();

  // The parser answers synchronously inside push(); a chunk's answers are yielded together, in order.
  let ready: RawObject[] = [];
  let missing: MirrorError | null = null;
  const parser = new CatFileParser({
    object: (obj) => { if (missing === null) ready.push(obj); },
    missing: (id, what) => { missing ??= new MirrorError(codes.badObject, `object ${id} could not be read (${what})`); },
  }, opts);
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      parser.push(chunk);
      if (ready.length > 0) {
        const batch = ready;
        ready = [];
        yield batch;
      }
      if (missing !== null) throw missing;
    }
    const code = await exited;
    if (code !== 0) throw new MirrorError(codes.gitFailed, `git cat-file failed (exit ${code}): ${stderr.trim().slice(-300)}`);
    if (!parser.idle) throw new MirrorError(codes.gitFailed, 'git cat-file output ended mid-object');
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/**
 * Checks which of the given ids exist in `gitDir` (any object type). Runs one `cat-file --batch-check`.
 */
export async function existingObjects(gitDir: string, ids: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  if (ids.length === 0) return present;
  const child = spawnGit(['cat-file', '--batch-check=%(objectname)', '--buffer'], { gitDir });
  const out: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stdin!.on('error', () => {});
  const code = await new Promise<number | null>((resolve) => {
    child.on('close', resolve);
    child.stdin!.end(ids.join('\n') + '\n');
  });
  if (code !== 0) throw new MirrorError(codes.gitFailed, `git cat-file --batch-check failed (exit ${code})`);
  for (const line of Buffer.concat(out).toString('latin1').split('\n')) {
    if (/^[0-9a-f]{40}$/.test(line)) present.add(line);
  }
  return present;
}
