/**
 * The sanitized store: a bare repository holding only rewritten or unchanged-clean objects. It is the
 * only repository the serving path may read (invariant 1): no alternates, no shared object directory.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { constants, setPriority } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { git, gitConfigEnv, type GitExit } from '@gitgate/git';
import { existingObjects } from './cat-file-batch.js';
import { MirrorError, codes } from './errors.js';
import { withRefUpdates } from './ref-snapshot.js';
import { RefTransactions } from './ref-transactions.js';

export interface RefUpdate {
  name: string;
  /** New id, or null to delete the ref. */
  id: string | null;
}

/**
 * What upload-pack may offer on the served repository: filters on, reachable wants (for v0 lazy fetches
 * of partial clones), nothing else. Order matters to git: `allowAnySHA1InWant=false` clears the
 * reachable bit too, so it comes first.
 */
const SERVING_CONFIG: [string, string][] = [
  ['uploadpack.allowAnySHA1InWant', 'false'],
  ['uploadpack.allowTipSHA1InWant', 'false'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
  ['uploadpack.allowFilter', 'true'],
  ['uploadpack.allowRefInWant', 'false'],
  ['uploadpack.allowSidebandAll', 'false'],
  ['transfer.advertiseObjectInfo', 'false'],
  // The exposure audit walks like pack-objects without --sparse; a sparse walk can send objects it skips.
  ['pack.useSparse', 'false'],
];

/** Names a sync's own writers give files in the pack directory before they are installed. */
const TEMP_PACK_PREFIX = 'tmp-gitgate-';
/**
 * A dead sync's leftovers: a pack writer's temp file (`.<pack name>.<hex>.tmp`, see PackWriter), a
 * finished pack not yet installed, an index `installPack` had not yet renamed.
 */
const DEAD_SYNC_FILE = /^(?:\.tmp-gitgate-[0-9a-f]{12}\.pack\.[0-9a-f]{12}\.tmp|tmp-gitgate-[0-9a-f]{12}\.pack|tmp-[0-9a-f]{40}\.idx)$/;

/** Config of the served repository on disk: the serving config, no reflogs, no automatic gc, bitmaps. */
const SANITIZED_CONFIG: [string, string][] = [
  ...SERVING_CONFIG,
  ['core.logAllRefUpdates', 'false'],
  ['gc.auto', '0'],
  ['repack.writeBitmaps', 'true'],
];

/**
 * Environment for `git upload-pack` on a sanitized store: the serving config passed on the command-line
 * level, which git reads after the repository's own file, so a store created by an older version (or a
 * config file edited by hand) still serves exactly what the gateway advertises.
 */
const SERVING_ENV: Readonly<Record<string, string>> = gitConfigEnv(SERVING_CONFIG);

/**
 * A full repack beside live clones: one delta thread (git's default is one per core), window memory and
 * the delta cache bounded (git/git's unbounded `repack -a -d -f` peaked at 2.4 GiB).
 */
const GENTLE_REPACK_ENV: Readonly<Record<string, string>> = gitConfigEnv([
  ['pack.threads', '1'], ['pack.windowMemory', '256m'], ['pack.deltaCacheSize', '64m'],
]);
/**
 * The serving environment by protocol, with or without reachability bitmaps. A small fetch goes without
 * them: git 2.39's bitmap walk loads the bitmaps of the whole store and cannot use the haves' trees as
 * thin-pack bases, so express's 1-commit fetch took 8.4 ms and sent 4,767 bytes with them against 7.3 ms
 * and 768 bytes without (git/git's: 25-48 ms and 24.6 KB against 21-22 ms and 1.5 KB). A clone, or a
 * fetch 1,000 commits behind (0.19 s against 2.8 s on git/git), keeps them: there they replace a walk
 * and a delta search of much of the history (docs/benchmarks.md, "Session 12").
 */
const SERVING_ENVS: Readonly<Record<'v0' | 'v2' | 'v0 small' | 'v2 small', Readonly<Record<string, string>>>> = (() => {
  const noBitmaps = gitConfigEnv([...SERVING_CONFIG, ['pack.useBitmaps', 'false']]);
  const v2 = { GIT_PROTOCOL: 'version=2' };
  return { 'v0': SERVING_ENV, 'v2': { ...SERVING_ENV, ...v2 }, 'v0 small': noBitmaps, 'v2 small': { ...noBitmaps, ...v2 } };
})();
const HEX_ID = /^[0-9a-f]{40}$/;
// Numbers the tip files of indexPacks within this process.
let tipFiles = 0;

/** A running `git upload-pack` on the store: its output (read it: it is not drained), how it ended, a stop. */
export interface UploadPackProcess {
  readonly stdout: Readable;
  /** Settles once git has exited and its output ended; never rejects. */
  readonly exit: Promise<GitExit>;
  /** Stops git (SIGTERM, then SIGKILL). */
  stop(): void;
}

/**
 * The served refs at one moment: what ref listings are answered from, without a git process per request.
 * `head.target` is HEAD's branch (null when detached), `head.id` what it resolves to (null: unborn);
 * `peeled` is the object an annotated tag finally names. Refs are in git's order (bytes of the name).
 */
export interface RefSnapshot {
  head: { target: string | null; id: string | null; peeled?: string } | null;
  refs: { name: string; id: string; peeled?: string }[];
  /** Every id above (ref ids and peeled ids). */
  ids: ReadonlySet<string>;
}

export class SanitizedStore {
  /** Path of the bare repository (for tests and the mirror; the server serves through serveUploadPack). */
  readonly gitDir: string;
  // This process is the store's only writer: the snapshot stays true until it changes a ref itself.
  #snapshot: Promise<RefSnapshot> | null = null;
  // One long-lived update-ref for every ref transaction of this store (see ref-transactions.ts).
  readonly #refTransactions: RefTransactions;
  readonly #packs: string;
  // Upload-packs running on this store, and when one last started or ended (ms since the epoch).
  #serving = 0;
  #servedAt = 0;

  constructor(gitDir: string) {
    this.#refTransactions = new RefTransactions(gitDir);
    this.gitDir = gitDir;
    this.#packs = join(gitDir, 'objects', 'pack');
  }

  /** The store's pack directory, created when missing: where a sync's writers and git put new packs. */
  packDir(): string {
    mkdirSync(this.#packs, { recursive: true });
    return this.#packs;
  }

  /** A new path in the pack directory for a sync's own pack writer (see `init`, which sweeps them). */
  tempPackPath(): string {
    return join(this.packDir(), `${TEMP_PACK_PREFIX}${randomBytes(6).toString('hex')}.pack`);
  }

  /**
   * Creates the bare repository with the serving config, and checks that it borrows no objects. Called
   * as each sync starts (syncs of a store never overlap, and only this process writes it: the
   * data-directory lock), so the files a sync's writers leave in the pack directory are then a dead
   * sync's: they are removed (a crashed gateway or pack thread would otherwise leave its temp pack,
   * as large as the history, for good). git's own temp files are left alone: a background repack may
   * be writing them.
   */
  async init(): Promise<void> {
    if (!existsSync(join(this.gitDir, 'HEAD'))) {
      mkdirSync(this.gitDir, { recursive: true });
      await git('init', '--bare', '--quiet').addDynamicArgs(this.gitDir).run();
      for (const [k, v] of SANITIZED_CONFIG) await git('config', k, v).run({ gitDir: this.gitDir });
    }
    this.assertSelfContained();
    this.#removeDeadSyncFiles();
  }

  #removeDeadSyncFiles(): void {
    if (!existsSync(this.#packs)) return;
    for (const name of readdirSync(this.#packs)) if (DEAD_SYNC_FILE.test(name)) rmSync(join(this.#packs, name), { force: true });
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

  /**
   * Moves a finished pack file into the store with its index: `index` (the writer's, see PackWriter's
   * index option), written durably, or else one `git index-pack` computes it. The index is renamed in
   * last: git finds packs by their index.
   */
  async installPack(packPath: string, checksum: string, index?: Buffer): Promise<void> {
    const dir = this.packDir();
    const dest = join(dir, `pack-${checksum}.pack`);
    renameSync(packPath, dest);
    const tmpIdx = join(dir, `tmp-${checksum}.idx`);
    if (index === undefined) await git('index-pack', '-o').addDynamicArgs(tmpIdx, dest).run({ gitDir: this.gitDir, timeoutMs: 0 });
    else {
      // A sync that died here left this name behind; the same pack (ids are deterministic) comes back to it.
      rmSync(tmpIdx, { force: true });
      await writeDurably(tmpIdx, index);
    }
    renameSync(tmpIdx, join(dir, `pack-${checksum}.idx`));
  }

  /**
   * Starts `git upload-pack --stateless-rpc --strict` on this store with a request the caller has parsed
   * and validated, under the serving config (which overrides the store's own file). `small`: the caller
   * knows the fetch to be a few objects (git then walks without bitmaps, see SERVING_ENVS). No timeout: a
   * clone lasts as long as the client reads; `signal` (the client went away) stops it.
   */
  serveUploadPack(request: Buffer, opts: { protocol: 0 | 2; small?: boolean; signal?: AbortSignal }): UploadPackProcess {
    const env = SERVING_ENVS[`v${opts.protocol}${opts.small === true ? ' small' : ''}`];
    const child = git('upload-pack', '--stateless-rpc', '--strict').addDynamicArgs(this.gitDir).start({
      env, input: request, signal: opts.signal, timeoutMs: 0,
    });
    this.#serving++;
    this.#servedAt = Date.now();
    void child.exit.then(() => {
      this.#serving--;
      this.#servedAt = Date.now();
    });
    return { stdout: child.stdout, exit: child.exit, stop: () => child.kill() };
  }

  /** Whether an upload-pack runs on this store now, or ended within the last `ms` milliseconds. */
  servedWithin(ms: number): boolean {
    return this.#serving > 0 || Date.now() - this.#servedAt < ms;
  }

  /** Applies ref updates in one transaction; `notTags`: new ids the caller knows are no annotated tag. */
  async updateRefs(updates: readonly RefUpdate[], notTags?: ReadonlySet<string>): Promise<void> {
    if (updates.length === 0) return;
    const lines = updates.map((u) => (u.id === null ? `delete ${u.name}\n` : `update ${u.name} ${u.id}\n`)).join('');
    // Dropped before and after: a snapshot read while the refs move must not outlive the move.
    const before = this.#snapshot;
    this.#snapshot = null;
    try {
      await this.#refTransactions.apply(lines);
    } finally {
      this.#snapshot = null;
    }
    // The refs just written answer the next listing: one look at the new ids, not a read of every ref.
    const prev = before === null ? null : await before.catch(() => null);
    if (prev !== null && this.#snapshot === null) this.#keep(this.#peeledOf(updates, notTags).then((peeled) => withRefUpdates(prev, updates, peeled)));
  }

  /** The annotated tags among the updates' new ids (those in `notTags` are not), each with the object it finally names. */
  async #peeledOf(updates: readonly RefUpdate[], notTags?: ReadonlySet<string>): Promise<Map<string, string>> {
    const ids = [...new Set(updates.flatMap((u) => (u.id === null || notTags?.has(u.id) ? [] : [u.id])))];
    const peeled = new Map<string, string>();
    if (ids.length === 0) return peeled;
    const types = await git('cat-file', '--batch-check=%(objectname) %(objecttype)').lines({ gitDir: this.gitDir, inputLines: ids });
    const tags = types.filter((l) => l.endsWith(' tag')).map((l) => l.slice(0, 40));
    if (tags.length === 0) return peeled;
    const to = await git('rev-parse').addArgs(...tags.map((t) => `${t}^{}`)).lines({ gitDir: this.gitDir });
    tags.forEach((t, i) => peeled.set(t, to[i]!));
    return peeled;
  }

  /** Keeps `loading` as the snapshot unless it fails (the next request reads the refs again). */
  #keep(loading: Promise<RefSnapshot>): void {
    this.#snapshot = loading;
    loading.catch(() => {
      if (this.#snapshot === loading) this.#snapshot = null;
    });
  }

  /** Points HEAD at a branch (it may be unborn). */
  async setHead(ref: string): Promise<void> {
    this.#snapshot = null;
    try {
      await git('symbolic-ref', 'HEAD').addDynamicArgs(ref).run({ gitDir: this.gitDir });
    } finally {
      this.#snapshot = null;
    }
  }

  /**
   * The served refs with HEAD and peeled tags, read once (two git processes) after each change and then
   * answered from memory.
   */
  snapshot(): Promise<RefSnapshot> {
    // A failed read is not kept: the next request tries again.
    if (this.#snapshot === null) this.#keep(this.#readSnapshot());
    return this.#snapshot!;
  }

  async #readSnapshot(): Promise<RefSnapshot> {
    // show-ref --head -d lists exactly what upload-pack advertises: HEAD if it resolves, then refs in
    // git's order, each tag object followed by `<name>^{}` with its fully peeled id. Exit 1: no refs.
    const [lines, target] = await Promise.all([
      git('show-ref', '--head', '-d').lines({ gitDir: this.gitDir, okCodes: [1] }),
      git('symbolic-ref', '-q', 'HEAD').lines({ gitDir: this.gitDir, okCodes: [1] }),
    ]);
    let headId: string | null = null;
    let headPeeled: string | undefined;
    const refs: RefSnapshot['refs'] = [];
    const ids = new Set<string>();
    for (const line of lines) {
      const id = line.slice(0, 40);
      const name = line.slice(41);
      ids.add(id);
      if (name === 'HEAD') headId = id;
      else if (name === 'HEAD^{}') headPeeled = id;
      else if (name.endsWith('^{}') && refs.length > 0 && refs[refs.length - 1].name === name.slice(0, -3)) refs[refs.length - 1].peeled = id;
      else refs.push({ name, id });
    }
    const head = target[0] !== undefined || headId !== null
      ? { target: target[0] ?? null, id: headId, ...(headPeeled !== undefined ? { peeled: headPeeled } : {}) }
      : null;
    return { head, refs, ids };
  }

  /** Number of pack files (drives when to repack). */
  packCount(): number {
    const dir = this.#packs;
    if (!existsSync(dir)) return 0;
    return readdirSync(dir).filter((f) => f.endsWith('.pack')).length;
  }

  /**
   * Repacks everything into one pack with a bitmap, for fast serving. `full` recomputes every delta
   * (-f): slower, but the rewritten objects, written undeltified, get deltas too (a quick repack reuses
   * them whole: 11.8 against 9.1 MB on the 50k-object bench repository). A full repack runs beside the
   * clones it serves, so it is made not to compete with them: one delta thread, bounded window memory
   * and delta cache, and the lowest CPU priority.
   */
  async repack(opts: { full?: boolean } = {}): Promise<void> {
    const cmd = git('repack', '-a', '-d', '-q', '--write-bitmap-index', ...(opts.full ? ['-f'] : []));
    // No timeout: a full repack of a large store takes as long as it takes, off the request path.
    if (!opts.full) {
      await cmd.run({ gitDir: this.gitDir, timeoutMs: 0 });
      return;
    }
    const proc = cmd.start({ gitDir: this.gitDir, timeoutMs: 0, input: '', env: GENTLE_REPACK_ENV });
    proc.stdout.resume();
    try {
      // pack-objects, started by repack a moment later, inherits the priority.
      if (proc.pid !== undefined) setPriority(proc.pid, constants.priority.PRIORITY_LOW);
    } catch {
      /* a lower priority is a courtesy: without it the repack still runs */
    }
    await proc.done();
  }

  /**
   * Makes the packs as they are servable with a reachability bitmap: a multi-pack index over every pack,
   * with a bitmap, preferring the largest pack (a clone streams its objects as they are). On git/git this
   * takes 8.4 s where a quick repack into one pack takes 15.6 s, and a clone from it takes the same time
   * (22.8–23.9 s against 22.3–22.5 s, docs/benchmarks.md). The next `repack -a -d` removes the index.
   * `tips` (commit ids) are what the bitmap is computed for instead of the refs, so that it can be
   * written before the refs name them.
   */
  async indexPacks(tips: readonly string[]): Promise<void> {
    const dir = this.#packs;
    // Pack files git named (pack-<id>.pack); a temp file of a running writer is not one.
    const packs = existsSync(dir) ? readdirSync(dir).filter((f) => /^pack-[0-9a-f]{40,64}\.pack$/.test(f)) : [];
    if (packs.length === 0) return;
    const largest = packs.map((f) => ({ f, size: statSync(join(dir, f)).size })).sort((a, b) => b.size - a.size || (a.f < b.f ? -1 : 1))[0]!.f;
    const cmd = git('multi-pack-index', 'write', '--bitmap', `--preferred-pack=${largest}`);
    const snapshot = join(this.gitDir, `gitgate-tips-${process.pid}-${++tipFiles}`);
    if (tips.length > 0) {
      if (!tips.every((t) => HEX_ID.test(t))) throw new TypeError('bitmap tips must be object ids');
      writeFileSync(snapshot, tips.map((t) => `${t}\n`).join(''));
      cmd.addArgs(`--refs-snapshot=${snapshot}`);
    }
    try {
      // No timeout: its length grows with the repository.
      await cmd.run({ gitDir: this.gitDir, timeoutMs: 0 });
    } finally {
      rmSync(snapshot, { force: true });
    }
  }

  /** Deletes the whole store (used when the rule set or key changes and every id must be recomputed). */
  destroy(): void {
    this.#snapshot = null;
    this.#refTransactions.close();
    rmSync(this.gitDir, { recursive: true, force: true });
  }
}

/** Writes `data` to a new file (read-only, as git leaves pack files) and syncs it to disk. */
async function writeDurably(path: string, data: Buffer): Promise<void> {
  const handle = await open(path, 'wx', 0o444);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
