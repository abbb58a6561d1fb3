/** Bulk object reads: streams `git cat-file --batch` output as whole objects, in request order. */
import type { ObjectType } from '@gitgate/objects';
import { spawnGit } from './git.js';
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
      if (batch.length >= 1024) {
        if (!child.stdin!.write(batch.join('\n') + '\n')) await new Promise((r) => child.stdin!.once('drain', r));
        batch.length = 0;
      }
    }
    if (batch.length > 0) child.stdin!.write(batch.join('\n') + '\n');
    child.stdin!.end();
  })();

  let buf: Buffer = Buffer.alloc(0);
  let want: { id: string; type: ObjectType; size: number } | null = null;
  // The object being assembled: allocated once at its full size, so a large blob is copied once, not per chunk.
  let body: Buffer | null = null;
  let filled = 0;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        if (want === null) {
          const nl = buf.indexOf(0x0a);
          if (nl < 0) break;
          const header = buf.subarray(0, nl).toString('latin1');
          buf = buf.subarray(nl + 1);
          const parts = header.split(' ');
          if (parts.length !== 3) {
            throw new MirrorError(codes.badObject, `object ${parts[0]} could not be read (${parts.slice(1).join(' ')})`);
          }
          want = { id: parts[0], type: parts[1] as ObjectType, size: Number(parts[2]) };
          body = Buffer.allocUnsafe(want.size);
          filled = 0;
        }
        const take = Math.min(want.size - filled, buf.length);
        buf.copy(body!, filled, 0, take);
        filled += take;
        buf = buf.subarray(take);
        // The object is followed by one newline.
        if (filled < want.size || buf.length < 1) break;
        buf = buf.subarray(1);
        const obj: RawObject = { id: want.id, type: want.type, content: body! };
        want = null;
        body = null;
        yield obj;
      }
    }
    const code = await exited;
    if (code !== 0) throw new MirrorError(codes.gitFailed, `git cat-file failed (exit ${code}): ${stderr.trim().slice(-300)}`);
    if (want !== null || buf.length > 0) throw new MirrorError(codes.gitFailed, 'git cat-file output ended mid-object');
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
