/**
 * The sanitized store: a bare repository holding only rewritten or unchanged-clean objects. It is the
 * only repository the serving path may read (invariant 1): no alternates, no shared object directory.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gitLines, runGit, spawnGit } from './git.js';
import { existingObjects } from './cat-file-batch.js';
import { MirrorError, codes } from './errors.js';

export interface RefUpdate {
  name: string;
  /** New id, or null to delete the ref. */
  id: string | null;
}

/** Config of the served repository: filters on, reachable wants for v0 lazy fetches, nothing else. */
const SANITIZED_CONFIG: [string, string][] = [
  ['uploadpack.allowFilter', 'true'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
  ['uploadpack.allowAnySHA1InWant', 'false'],
  ['uploadpack.allowRefInWant', 'false'],
  ['uploadpack.allowSidebandAll', 'false'],
  ['transfer.advertiseObjectInfo', 'false'],
  ['core.logAllRefUpdates', 'false'],
  ['gc.auto', '0'],
  ['repack.writeBitmaps', 'true'],
];

export class SanitizedStore {
  /** Path of the bare repository, for `git upload-pack`. */
  readonly gitDir: string;

  constructor(gitDir: string) {
    this.gitDir = gitDir;
  }

  /** Creates the bare repository with the serving config, and checks that it borrows no objects. */
  async init(): Promise<void> {
    if (!existsSync(join(this.gitDir, 'HEAD'))) {
      mkdirSync(this.gitDir, { recursive: true });
      await runGit(['init', '--bare', '--quiet', this.gitDir]);
      for (const [k, v] of SANITIZED_CONFIG) await runGit(['config', k, v], { gitDir: this.gitDir });
    }
    this.assertSelfContained();
  }

  /** Throws if the object store could reach objects elsewhere (alternates). */
  assertSelfContained(): void {
    for (const f of ['objects/info/alternates', 'objects/info/http-alternates']) {
      if (existsSync(join(this.gitDir, f))) {
        throw new MirrorError(codes.rewriteFailed, `sanitized store ${this.gitDir} has ${f}; refusing to serve it`);
      }
    }
  }

  /** Which of `ids` are objects of this store. */
  has(ids: readonly string[]): Promise<Set<string>> {
    return existingObjects(this.gitDir, ids);
  }

  /** Moves a finished pack file into the store and indexes it. */
  async installPack(packPath: string, checksum: string): Promise<void> {
    const dir = join(this.gitDir, 'objects', 'pack');
    mkdirSync(dir, { recursive: true });
    const dest = join(dir, `pack-${checksum}.pack`);
    renameSync(packPath, dest);
    const tmpIdx = join(dir, `tmp-${checksum}.idx`);
    await runGit(['index-pack', '-o', tmpIdx, dest], { gitDir: this.gitDir });
    renameSync(tmpIdx, join(dir, `pack-${checksum}.idx`));
  }

  /** Returns a child `git index-pack --stdin` whose stdin takes a pack stream (used to copy clean objects). */
  indexPackFromStdin(): { stdin: NodeJS.WritableStream; done: Promise<void> } {
    const child = spawnGit(['index-pack', '--stdin'], { gitDir: this.gitDir });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.stdout!.resume();
    const done = new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new MirrorError(codes.gitFailed, `git index-pack failed (exit ${code}): ${stderr.trim().slice(-300)}`));
      });
    });
    return { stdin: child.stdin!, done };
  }

  /** Applies ref updates in one transaction. */
  async updateRefs(updates: readonly RefUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const lines = updates.map((u) => (u.id === null ? `delete ${u.name}\n` : `update ${u.name} ${u.id}\n`)).join('');
    await runGit(['update-ref', '--stdin'], { gitDir: this.gitDir, input: `start\n${lines}prepare\ncommit\n` });
  }

  /** Points HEAD at a branch (it may be unborn). */
  async setHead(ref: string): Promise<void> {
    await runGit(['symbolic-ref', 'HEAD', ref], { gitDir: this.gitDir });
  }

  /** The served refs. */
  async refs(): Promise<{ name: string; id: string }[]> {
    const lines = await gitLines(['for-each-ref', '--format=%(objectname) %(refname)'], { gitDir: this.gitDir });
    return lines.map((l) => ({ id: l.slice(0, 40), name: l.slice(41) }));
  }

  /** Number of pack files (drives when to repack). */
  packCount(): number {
    const dir = join(this.gitDir, 'objects', 'pack');
    if (!existsSync(dir)) return 0;
    return readdirSync(dir).filter((f) => f.endsWith('.pack')).length;
  }

  /**
   * Repacks everything into one pack with a bitmap, for fast serving. `full` recomputes every delta
   * (-f): slower, but the rewritten objects, written undeltified, get deltas too.
   */
  async repack(opts: { full?: boolean } = {}): Promise<void> {
    await runGit(['repack', '-a', '-d', '-q', '--write-bitmap-index', ...(opts.full ? ['-f'] : [])], { gitDir: this.gitDir });
  }

  /** Deletes the whole store (used when the rule set or key changes and every id must be recomputed). */
  destroy(): void {
    rmSync(this.gitDir, { recursive: true, force: true });
  }
}
