/**
 * The quarantine of one push (as git's receive-pack keeps incoming objects apart until its checks pass):
 * two object directories in a temporary directory beside the stores, never served and removed when the
 * push ends, whatever its outcome.
 *
 * - `pushed` holds the agent's pack. Git reads it with the sanitized store's objects as an alternate, so a
 *   thin pack resolves against what the agent was served. The sanitized store itself never sees these
 *   objects (invariant 1: it gets only what a sync writes).
 * - `candidate` holds the upstream objects the translation builds, with the upstream store's objects as
 *   an alternate, so the verifying rewrite and `git push` read them as if they were upstream's.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { git } from '@gitgate/git';
import { PackWriter, type ObjectType } from '@gitgate/objects';

/** A repository seen through a quarantine: git runs in `gitDir` with `env`. */
export interface StoreView {
  gitDir: string;
  env: Readonly<Record<string, string>>;
}

const PREFIX = 'push-';

export class Quarantine {
  /**
   * Removes the quarantines a stopped process left under `parentDir` (a crash or a kill during a push):
   * their candidate objects hold restored values. Only at start, before any push of this process runs.
   * Returns how many were removed.
   */
  static sweep(parentDir: string): number {
    let removed = 0;
    let names: string[];
    try {
      names = readdirSync(parentDir);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (!name.startsWith(PREFIX)) continue;
      rmSync(join(parentDir, name), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  readonly #dir: string;
  readonly pushed: StoreView;
  readonly candidate: StoreView;

  private constructor(dir: string, sanitizedGitDir: string, upstreamGitDir: string) {
    this.#dir = dir;
    this.pushed = objectsView(sanitizedGitDir, join(dir, 'pushed'));
    this.candidate = objectsView(upstreamGitDir, join(dir, 'candidate'));
  }

  /** Makes the two object directories under `parentDir` (the repository's directory). */
  static create(parentDir: string, sanitizedGitDir: string, upstreamGitDir: string): Quarantine {
    const dir = join(parentDir, `${PREFIX}${randomBytes(6).toString('hex')}`);
    // Its candidate objects carry restored values: only the gateway's user may read them (invariant 4).
    mkdirSync(dir, { mode: 0o700 });
    for (const sub of ['pushed', 'candidate']) mkdirSync(join(dir, sub, 'pack'), { recursive: true });
    return new Quarantine(dir, sanitizedGitDir, upstreamGitDir);
  }

  /**
   * Indexes the agent's pack into `pushed`; a thin pack's bases are completed from the sanitized store
   * (`--fix-thin`), and `--strict` refuses malformed objects as receive-pack with fsckObjects does.
   * Throws GitError when git refuses the pack.
   */
  async unpack(pack: Buffer): Promise<void> {
    if (pack.length === 0) return;
    await git('index-pack', '--stdin', '--fix-thin', '--strict').run({ gitDir: this.pushed.gitDir, env: this.pushed.env, input: pack, timeoutMs: 0 });
  }

  /** Writes the candidate upstream objects as one pack into `candidate` and indexes it. */
  async writeCandidates(objects: readonly { type: ObjectType; content: Buffer }[]): Promise<void> {
    if (objects.length === 0) return;
    const path = join(this.#dir, 'candidate', 'pack', `candidate-${randomBytes(6).toString('hex')}.pack`);
    const pack = await PackWriter.create(path);
    try {
      for (const o of objects) if (!pack.write(o.type, o.content)) await pack.drain();
      const fin = await pack.finish();
      // Git finds packs by their `pack-<checksum>` names.
      const dest = join(this.#dir, 'candidate', 'pack', `pack-${fin.checksum}.pack`);
      renameSync(fin.path, dest);
      await git('index-pack').addDynamicArgs(dest).run({ gitDir: this.candidate.gitDir, env: this.candidate.env, timeoutMs: 0 });
    } catch (e) {
      await pack.abort();
      throw e;
    }
  }

  /** The directory of the candidate pack files (what a push gave upstream). */
  get candidatePacks(): string {
    return join(this.#dir, 'candidate', 'pack');
  }

  /** A path for a scratch file inside the quarantine (removed with it). */
  scratch(name: string): string {
    return join(this.#dir, name);
  }

  /** Moves the candidate object directory to `dest` (a held push, held-push.ts); dispose no longer removes it. */
  keepCandidate(dest: string): void {
    renameSync(join(this.#dir, 'candidate'), dest);
  }

  /** Removes everything the push brought or built. */
  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Git in `gitDir` writing to and reading from `objects`, with the repository's own objects as the alternate. */
export function objectsView(gitDir: string, objects: string): StoreView {
  return { gitDir, env: { GIT_OBJECT_DIRECTORY: objects, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(gitDir, 'objects') } };
}
