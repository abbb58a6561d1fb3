// Test helpers: drive the real git binary (the oracle) in isolated temp directories.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { hashObject, serializeTree, type ObjectType, type TreeEntry } from '../src/index.js';

/** An environment that ignores the user's and system's git config and pins identities and dates. */
export const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Ada Tester',
  GIT_AUTHOR_EMAIL: 'ada@example.test',
  GIT_AUTHOR_DATE: '1700000000 +0100',
  GIT_COMMITTER_NAME: 'Bob Tester',
  GIT_COMMITTER_EMAIL: 'bob@example.test',
  GIT_COMMITTER_DATE: '1700000100 -0530',
};

/** Runs git in `cwd`; returns stdout, throws with stderr on a non-zero exit. */
export function git(cwd: string, args: string[], input?: Buffer | string): Buffer {
  const r = spawnSync('git', args, { cwd, env: gitEnv, input, maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/** Writes `content` as a `type` object without any format check; returns its id. */
export function writeLiterally(cwd: string, type: ObjectType, content: Buffer | string): string {
  return git(cwd, ['hash-object', '-t', type, '-w', '--literally', '--stdin'], content).toString().trim();
}

/** A fresh temp directory; remove it with `removeTempDir`. */
export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface RawObject {
  id: string;
  type: ObjectType;
  content: Buffer;
}

/** Parses `git cat-file --batch` output: "<id> <type> <size>\n<content>\n" per object. */
export function parseBatch(out: Buffer): RawObject[] {
  const objects: RawObject[] = [];
  let pos = 0;
  while (pos < out.length) {
    const eol = out.indexOf(0x0a, pos);
    const [id, type, size] = out.toString('latin1', pos, eol).split(' ');
    if (type === 'missing' || id === undefined || size === undefined) throw new Error(`unexpected batch line: ${out.toString('latin1', pos, eol)}`);
    const start = eol + 1;
    const end = start + Number(size);
    objects.push({ id, type: type as ObjectType, content: out.subarray(start, end) });
    pos = end + 1;
  }
  return objects;
}

/** Every object in the repository at `cwd` (loose and packed, reachable or not). */
export function readAllObjects(cwd: string): RawObject[] {
  return parseBatch(git(cwd, ['cat-file', '--batch-all-objects', '--batch']));
}

/** The given objects, read through `git cat-file --batch`. */
export function readObjects(cwd: string, ids: readonly string[]): RawObject[] {
  return parseBatch(git(cwd, ['cat-file', '--batch'], ids.join('\n') + '\n'));
}

/** A fresh bare repository per test (mocha hooks registered here): its temp dir, git dir and pack dir. */
export function bareRepoPerTest(): { dir: string; bare: string; packDir: string } {
  const where = { dir: '', bare: '', packDir: '' };
  beforeEach(() => {
    where.dir = makeTempDir();
    where.bare = path.join(where.dir, 'repo.git');
    git(where.dir, ['init', '-q', '--bare', where.bare]);
    where.packDir = path.join(where.bare, 'objects', 'pack');
  });
  afterEach(() => removeTempDir(where.dir));
  return where;
}

/** An object to write into a pack. */
export interface Input {
  id: string;
  type: ObjectType;
  content: Buffer;
}

/** A random object id. */
export const hexId = (): string => randomBytes(20).toString('hex');

/** `versions` versions of each of `dirs` directories of `width` entries, interleaved, one entry changed per version. */
export function directoryHistory(dirs: number, versions: number, width: number): Input[] {
  const trees = Array.from({ length: dirs }, (_, d) => Array.from({ length: width }, (_, k): TreeEntry => ({ mode: '100644', name: Buffer.from(`d${d}-file-${String(k).padStart(4, '0')}.c`), id: hexId() })));
  const out: Input[] = [];
  for (let v = 0; v < versions; v++) {
    for (const entries of trees) {
      entries[(v * 7) % width] = { ...entries[(v * 7) % width]!, id: hexId() };
      const content = serializeTree(entries);
      out.push({ id: hashObject('tree', content), type: 'tree', content });
    }
  }
  return out;
}
