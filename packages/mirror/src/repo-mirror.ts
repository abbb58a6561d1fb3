/**
 * One served repository: its upstream store, its sanitized store, and the sync that brings the second
 * up to date with the first. Syncs are single-flight per repository with a short coalescing window, so a
 * burst of clones fetches upstream once.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PackWriter, PackWriterThread, type PackFinished } from '@gitgate/objects';
import { KnownSecrets, scannerOptionsOf, withKnownSecrets, type Scanner } from '@gitgate/scanner';
import type { SecretRecord, TokenInfo, TokenMinter } from '@gitgate/vault';
import { UpstreamStore, type UpstreamSource, type UpstreamTimeouts } from './upstream-store.js';
import { SanitizedStore, type RefUpdate } from './sanitized-store.js';
import type { IdMap, SyncState } from './id-map.js';
import type { ObjectTable } from './object-table.js';
import { rewrite, type ObjectSource, type RewriteInput, type RewriteOutput, type RewriteProgress } from './rewriter.js';
import { fewNewObjects } from './few-new-objects.js';
import { RememberingSource } from './remembering-source.js';
import { learningMinter } from './known-recheck.js';
import { createPlaceTokenizer, type PlaceTokenizer } from './place-tokenizer.js';
import { sanitizeRefName, sanitizeRefNames, type SanitizedRefName } from './ref-names.js';
import { git } from '@gitgate/git';
import { MirrorError, codes } from './errors.js';
import { noopLogger, type Logger } from '@gitgate/log';
import { releaseHeldPush, runPush, type PushContext } from './push/push-run.js';
import { heldIds, readHeld, removeHeld, type HeldPush } from './push/held-push.js';
import { Quarantine } from './push/quarantine.js';
import { syncBase, writeOwnTips } from './store-base.js';
import type { PushOutcome, PushRequest } from './push/receive.js';

/**
 * Bumped when the rewrite itself changes in a way that changes sanitized ids.
 * 2: every header value, tree entry names and ref names are scanned.
 * 3: tree entries point at per-name variants of blobs whose findings depend on the file kind (blob-variants.ts).
 */
export const REWRITE_VERSION = '3';

/** The vault operations the sync needs. */
export interface SecretSink extends TokenMinter {
  put(records: SecretRecord[]): Promise<void>;
  /** Every stored secret, decrypted (Vault.knownSecrets); without it no known secret is matched bare. */
  knownSecrets?(): Promise<{ type: string; secret: Buffer }[]>;
  /** A token's record without its value (Vault.info); a push needs it to restore tokens. */
  info?(token: string): Promise<TokenInfo | undefined>;
  /** A token's value (Vault.reveal); a push needs it to restore tokens. */
  reveal?(token: string): Promise<Buffer>;
}

export { noopLogger };
export type { Logger };

export interface RepoMirrorOptions {
  name: string;
  source: UpstreamSource;
  /** Directory for this repository's two stores. */
  dir: string;
  idMap: IdMap;
  vault: SecretSink;
  scanner: Scanner;
  logger?: Logger;
  /** A sync that finished less than this long ago is reused (ms, default 2000). */
  coalesceMs?: number;
  /**
   * Repack the sanitized store in the background once it has more packs than this (default 8), when no
   * clone or fetch has been served from it for `quickRepackQuietMs` (default 2000 ms; a repack beside the
   * fetch whose sync added the pack slowed that fetch), or at once past four times as many packs.
   */
  maxPacks?: number;
  quickRepackQuietMs?: number;
  /** Repack right away after a sync that brought at least this many objects (default 1000). */
  repackAfterObjects?: number;
  /**
   * After such a sync, the full repack (all deltas recomputed) waits until no clone or fetch has been
   * served from the store for this long (default 30 000 ms): started at once, it competed with the
   * clones that had waited for the sync. It runs anyway `repackMaxDelayMs` after the sync (default 10 min).
   */
  repackQuietMs?: number;
  repackMaxDelayMs?: number;
  /**
   * Base-name globs whose unscannable blobs are served as they are instead of withheld (see
   * RewriteInput.allowUnscannable). Part of the generation: changing it re-derives every id.
   */
  allowUnscannable?: readonly string[];
  /**
   * Tokenize every occurrence of a secret the vault holds, with or without its context (default true;
   * needs `vault.knownSecrets`). The values are decrypted at the start of each sync and dropped at its end.
   */
  knownSecrets?: boolean;
  /** How long upstream may take to answer before the sync fails (UpstreamStore defaults: 300 s, 30 s). */
  upstreamTimeouts?: UpstreamTimeouts;
  /**
   * Replicas sharing one database (scale-out): waits for and holds the lock of this repository for a
   * whole sync, so one replica syncs it at a time (Database.lock, bounded by the caller). Its failure
   * fails the sync and the previous state stays served. Absent: the in-process join of `sync` suffices.
   */
  syncLock?: (repo: string) => Promise<{ release(): Promise<void> }>;
  /**
   * Threads that scan blobs while a sync of at least `scanWorkersMinObjects` new objects reads them
   * (default min(availableParallelism(), 4); 0 or 1: the main thread scans). Needs a `scanner` made by
   * createScanner (its options build the threads' copies); the outcome does not depend on the count.
   */
  scanWorkers?: number;
  /**
   * Smaller syncs scan on the main thread (default 100 000): a thread takes about 0.8 s of CPU to load
   * and build its scanner, and saves some 10–20 µs of the main thread's time per object (docs/benchmarks.md).
   */
  scanWorkersMinObjects?: number;
  /** The scan threads' module (default the built-in one); tests inject one that fails. */
  scanWorkerModule?: URL;
  /** Scan every tree's names and map every entry, nothing taken from earlier trees (RewriteInput.rescanTreeNames); tests compare. */
  rescanTreeNames?: boolean;
}

/** Default of RepoMirrorOptions.scanWorkersMinObjects. */
const SCAN_WORKERS_MIN_OBJECTS = 100_000;

/** A release restores nothing: its objects were translated when the push was held. */
const noTokens: PushContext['tokens'] = {
  info: () => Promise.reject(new TypeError('a held push restores no token')),
  reveal: () => Promise.reject(new TypeError('a held push restores no token')),
};

/** A progress line for humans, e.g. shown on side-band 2 inside `git clone`. */
export type ProgressListener = (line: string) => void;

export interface SyncReport {
  repo: string;
  /** True when the sync changed nothing because upstream was unchanged. */
  upToDate: boolean;
  objects: number;
  rewritten: number;
  unchanged: number;
  withheld: number;
  bytesScanned: number;
  secrets: number;
  secretsByRule: Record<string, number>;
  refs: number;
  ms: number;
  finishedAt: number;
  /** Pushed commits or tags that came back under another id than the agent pushed (absent: none). */
  pushMismatches?: number;
}

/** What one sync works from once upstream is fetched: the served refs and what they record. */
interface SyncPlan {
  generation: string;
  refs: { name: string; id: string }[];
  head: string | null;
  /** Vault records of secrets found in ref names. */
  refRecords: SecretRecord[];
  /** Sorted distinct upstream ids of the ref tips. */
  tips: string[];
}

/**
 * A sync of at most this many new objects (an incremental one) reads each upstream object once and
 * writes its unchanged objects into the rewrite's own pack: one `cat-file` and one pack (indexed by the writer) in all.
 * Larger syncs copy them with `pack-objects` (upstream's deltas reused) into a pack of their own.
 */
const SMALL_SYNC_OBJECTS = 1000;
/** Past this many times `maxPacks` packs a quick repack runs at once, quiet store or not. */
const QUICK_REPACK_NOW = 4;

/** The scanner and token minter of a rewrite, knowing the vault's values when there are any. */
interface RewriteTools {
  scanner: Scanner;
  minter: TokenMinter;
  known?: KnownSecrets;
}

/** What a small sync may keep of its objects' content in memory before it reads them again instead. */
const SMALL_SYNC_BYTES = 32 * 1024 * 1024;
/**
 * A fetch whose haves were served at most this many synced objects ago is served without bitmaps
 * (nearServedTip). On git/git the bitmap walk was faster from about 100 new objects on (29 against 50 ms
 * three commits behind), though its packs were three times larger; below, the plain walk is faster.
 */
const SMALL_FETCH_OBJECTS = 50;

/** Ends one timed stage of a sync (see #phaseClock). */
type PhaseClock = (phase: string, objects: number | null) => void;

export class RepoMirror {
  readonly name: string;
  /** The only store the serving path may read. */
  readonly sanitized: SanitizedStore;
  readonly #upstream: UpstreamStore;
  readonly #opts: RepoMirrorOptions;
  readonly #log: Logger;
  #inflight: Promise<SyncReport> | null = null;
  #listeners = new Set<ProgressListener>();
  #last: SyncReport | null = null;
  #maintenance: Promise<void> = Promise.resolve();
  // Repacks waiting for a quiet store, full (repackQuietMs) or quick (quickRepackQuietMs): their timers.
  readonly #deferred = new Map<'full' | 'quick', NodeJS.Timeout>();
  // Pushes run one at a time per repository: each leases upstream's refs as the last sync saw them.
  #pushing: Promise<unknown> = Promise.resolve();
  readonly #tokenizer: PlaceTokenizer;
  // Served names of upstream ref names seen so far (a ref name is scanned once per process).
  readonly #refNames = new Map<string, SanitizedRefName>();
  // Upstream tip id → sanitized id, as the last sync of this process moved the refs.
  #tipIds = new Map<string, string>();
  // The served ids each recent sync of this process replaced, with how many objects it brought, newest last.
  #replaced: { ids: ReadonlySet<string>; objects: number }[] = [];

  constructor(opts: RepoMirrorOptions) {
    this.name = opts.name;
    this.#opts = opts;
    this.#log = opts.logger ?? noopLogger;
    this.#upstream = new UpstreamStore(join(opts.dir, 'upstream.git'), opts.upstreamTimeouts);
    this.sanitized = new SanitizedStore(join(opts.dir, 'sanitized.git'));
    this.#tokenizer = createPlaceTokenizer(opts.scanner, opts.vault);
  }

  /** The last successful sync, if any. */
  get lastSync(): SyncReport | null {
    return this.#last;
  }

  /**
   * Whether a fetch with these haves is known to be small: one of them is served now, or was replaced by
   * syncs of this process that brought at most SMALL_FETCH_OBJECTS objects since. A guess for how git
   * should walk (SanitizedStore.serveUploadPack); a wrong one costs time, never a wrong pack.
   */
  async nearServedTip(haves: readonly string[]): Promise<boolean> {
    if (haves.length === 0) return false;
    const served = (await this.sanitized.snapshot()).ids;
    if (haves.some((h) => served.has(h))) return true;
    let since = 0;
    for (let i = this.#replaced.length - 1; i >= 0; i--) {
      since += this.#replaced[i]!.objects;
      if (since > SMALL_FETCH_OBJECTS) return false;
      if (haves.some((h) => this.#replaced[i]!.ids.has(h))) return true;
    }
    return false;
  }

  /** Remembers the served ids a sync that brought `objects` objects replaced, as far back as nearServedTip looks. */
  #noteReplaced(ids: ReadonlySet<string>, objects: number): void {
    if (ids.size > 0) this.#replaced.push({ ids, objects });
    let since = 0;
    let keep = this.#replaced.length;
    while (keep > 0 && since <= SMALL_FETCH_OBJECTS) since += this.#replaced[--keep]!.objects;
    this.#replaced = this.#replaced.slice(since > SMALL_FETCH_OBJECTS ? keep + 1 : keep);
  }

  /** Whether a sync is running now. */
  get syncing(): boolean {
    return this.#inflight !== null;
  }

  /**
   * Brings the sanitized store up to date with upstream. Joins a running sync; reuses one that finished
   * within the coalescing window unless `force`. Throws MirrorError; the previous state stays served.
   */
  async sync(opts: { onProgress?: ProgressListener; force?: boolean } = {}): Promise<SyncReport> {
    const window = this.#opts.coalesceMs ?? 2000;
    if (!opts.force && this.#inflight === null && this.#last && Date.now() - this.#last.finishedAt < window) {
      return this.#last;
    }
    if (opts.onProgress) this.#listeners.add(opts.onProgress);
    try {
      if (this.#inflight === null) {
        this.#inflight = this.#lockedRun().finally(() => {
          this.#inflight = null;
        });
      }
      return await this.#inflight;
    } finally {
      if (opts.onProgress) this.#listeners.delete(opts.onProgress);
    }
  }

  #progress(line: string): void {
    for (const l of this.#listeners) {
      try {
        l(line);
      } catch {
        /* a listener's failure must not break the sync */
      }
    }
  }

  /** `#run` under the cross-replica sync lock, when there is one. */
  async #lockedRun(): Promise<SyncReport> {
    const held = await this.#opts.syncLock?.(this.#opts.name);
    try {
      return await this.#run();
    } finally {
      await held?.release();
    }
  }

  async #run(): Promise<SyncReport> {
    const started = Date.now();
    const { idMap, name } = this.#opts;
    const phase = this.#phaseClock(started);
    // Read while upstream is fetched: nothing the fetch does changes it.
    const stateRead = idMap.state(name);
    stateRead.catch(() => undefined);
    const moved = await this.#fetchUpstream(started);
    phase('fetch', null);
    const generation = this.#generation();
    let state = await stateRead;
    const { refs, head, refRecords, tips } = await this.#namedRefs();
    phase('refs', refs.length);
    // The id map may be shared with other replicas: build on what this replica's own store holds.
    let base = await syncBase(state, this.sanitized.gitDir, (t) => this.#holdsTips(t));
    if (state && base !== state.tips) this.#log.info('the shared id map is ahead of this store: syncing from what it holds', { repo: name, from: base === undefined ? 'nothing' : 'its own last sync' });
    const from = base;
    const sameTips = from !== undefined && tips.length === from.length && tips.every((t, i) => t === from[i]);
    if (!moved && sameTips && state!.generation === generation && state!.head === head && this.#last) {
      await this.#upstream.refsWritten();
      return this.#unchanged(started);
    }

    if (state && state.generation !== generation) {
      // The rule set or the key changed: every id must be recomputed from scratch.
      this.#log.warn('rule set or key changed, rebuilding sanitized store', { repo: name });
      await idMap.reset(name);
      this.#tipIds = new Map();
      this.#replaced = [];
      this.sanitized.destroy();
      await this.sanitized.init();
      state = undefined;
      base = undefined;
    }
    const report: SyncReport = {
      repo: name, upToDate: false, objects: 0, rewritten: 0, unchanged: 0, withheld: 0, bytesScanned: 0,
      secrets: 0, secretsByRule: {}, refs: refs.length, ms: 0, finishedAt: 0,
    };
    const plan: SyncPlan = { generation, refs, head, refRecords, tips };
    if (!sameTips || state === undefined) await this.#syncObjects(plan, base ?? [], report, phase);
    else await this.#repointRefs(plan, state, report);
    await this.#upstream.refsWritten();
    writeOwnTips(this.sanitized.gitDir, tips);

    report.finishedAt = Date.now();
    this.#last = report;
    this.#maintain(report);
    report.ms = Date.now() - started;
    this.#log.info('sync finished', { repo: name, objects: report.objects, rewritten: report.rewritten, secrets: report.secrets, ms: report.ms });
    return report;
  }

  /** Readies both stores and fetches upstream; true when upstream's refs moved. */
  async #fetchUpstream(started: number): Promise<boolean> {
    await this.#upstream.init();
    await this.sanitized.init();
    this.#progress('gitgate: fetching upstream\n');
    const moved = await this.#upstream.fetch(this.#opts.source);
    this.#log.debug('upstream fetched', { repo: this.name, moved, ms: Date.now() - started });
    return moved;
  }

  /** Upstream's refs under their served names, the vault records of secrets in those names, and the tips. */
  async #namedRefs(): Promise<Omit<SyncPlan, 'generation'>> {
    const upstreamRefs = await this.#upstream.refs();
    // Ref names are served sanitized; the upstream names go no further than this (not to the store,
    // the ref snapshot, the id map or a log).
    const named = sanitizeRefNames(upstreamRefs, (await this.#upstream.head()) ?? null, (n) => this.#refName(n));
    const refRecords: SecretRecord[] = named.secrets.flatMap((r) => r.secrets.map((s) => ({
      token: s.token, type: s.type, secret: s.secret, ruleId: s.ruleId, repo: this.#opts.name, path: r.ref,
    })));
    const tips = [...new Set(named.refs.map((r) => r.id))].sort();
    return { refs: named.refs, head: named.head, refRecords, tips };
  }

  /** Upstream is where the last sync left it: nothing to read, rewrite or re-point. */
  #unchanged(started: number): SyncReport {
    const report: SyncReport = { ...this.#last!, upToDate: true, objects: 0, rewritten: 0, unchanged: 0, withheld: 0, bytesScanned: 0, secrets: 0, secretsByRule: {}, ms: Date.now() - started, finishedAt: Date.now() };
    this.#last = report;
    this.#log.debug('sync finished', { repo: this.#opts.name, upToDate: true, ms: report.ms });
    return report;
  }

  /** Whether this store holds the sanitized objects of upstream tips `tips` (mapped through the id map). */
  async #holdsTips(tips: readonly string[]): Promise<boolean> {
    const mapped = await this.#persisted(tips);
    const ids = tips.map((t) => mapped.get(t) ?? t);
    const present = await this.sanitized.has(ids);
    return ids.every((id) => present.has(id));
  }

  /** Earlier syncs' pairs are looked up for the ids the rewrite meets, never loaded whole. */
  #persisted(ids: readonly string[]): Promise<Map<string, string>> {
    return this.#opts.idMap.lookup(this.#opts.name, ids);
  }

  /**
   * Rewrites the objects new since `oldTips` into the sanitized store, then records object tokens, moves
   * the refs and commits the id map, in that order.
   */
  async #syncObjects(plan: SyncPlan, oldTips: readonly string[], report: SyncReport, phase: PhaseClock): Promise<void> {
    const { idMap, name } = this.#opts;
    const { tips, refs, head, generation } = plan;
    // Tips already synced add nothing to the walk: only the moved ones start it.
    const old = new Set(oldTips);
    const movedTips = tips.filter((t) => !old.has(t));
    // The vault's known values are read while the new objects are listed.
    const tools = this.#rewriteTools();
    tools.catch(() => undefined);
    // A few new commits on synced ones are walked through the long-lived cat-file; the rest by rev-list.
    const few = oldTips.length === 0 ? null : await fewNewObjects(this.#upstream.fewObjects, movedTips, oldTips, async (ids) => new Set((await this.#persisted(ids)).keys()));
    const objects = few ?? await this.#upstream.newObjects(movedTips, oldTips);
    report.objects = objects.size;
    phase('object list', objects.size);
    this.#log.info('sync started', { repo: name, objects: objects.size, walk: few === null ? 'rev-list' : 'cat-file' });
    const { out, copied, blobsCopied } = await this.#rewriteIntoPack(objects, plan.refRecords, tools, phase);
    for (const s of out.secrets) report.secretsByRule[s.ruleId] = (report.secretsByRule[s.ruleId] ?? 0) + 1;
    report.secrets = out.secrets.length;
    if (copied === null) phase('copy unchanged', await this.#copyAsTheyAre(objects, out, { blobs: blobsCopied }));
    report.rewritten = out.stats.rewritten;
    report.unchanged = out.unchanged;
    report.withheld = out.stats.withheld;
    report.bytesScanned = out.stats.bytesScanned;

    // Tips an earlier sync of this process resolved keep their sanitized id (the id map only grows within
    // a generation): only the others are looked up, so a one-commit sync asks about one tip, not every ref's.
    const known = this.#tipIds;
    const resolved = await out.resolve(tips.filter((t) => !known.has(t)));
    const mappedTips = new Map(tips.map((t) => [t, resolved.get(t) ?? known.get(t)!]));
    // A pushed commit is checked by the sync that brings it: tips that did not move were checked before.
    await this.#checkPushed(tips.filter((t) => !old.has(t)), mappedTips, report);
    // A large sync's packs get a multi-pack index with a bitmap before the waiting clone is served
    // (SanitizedStore.indexPacks): written while the id map is committed, for the new commit tips.
    let indexing: Promise<void> | null = null;
    if (objects.size >= (this.#opts.repackAfterObjects ?? 1000)) {
      this.#progress('gitgate: indexing the sanitized repository\n');
      const commitTips = tips.filter((t) => objects.indexOf(t) >= 0 && objects.type(objects.indexOf(t)) === 'commit');
      indexing = this.#indexPacks([...new Set(commitTips.map((t) => mappedTips.get(t) ?? t))]);
    }
    try {
      // The upstream store's refs, written while the objects were walked and rewritten, are on disk before
      // the state that names them (a failed write fails the sync here, before anything served moves).
      await this.#upstream.refsWritten();
      // One durable transaction before any ref moves: which objects carry which tokens (so an exposure audit
      // of a fetch served right after the move finds every carrier), the pairs and the new state.
      await idMap.commit(name, objects.pairs(), { generation, tips, head, syncedAt: new Date().toISOString() }, { objectTokens: out.objectTokens, kindSensitive: out.kindSensitive });
      // New tips that are no tag need no peeling to be listed (no cat-file of the new ids).
      const notTags = new Set(tips.filter((t) => objects.indexOf(t) >= 0 && objects.type(objects.indexOf(t)) !== 'tag').map((t) => mappedTips.get(t) ?? t));
      try {
        const replaced = await this.#updateRefs(refs, (id) => mappedTips.get(id) ?? id, head, notTags);
        this.#tipIds = mappedTips;
        this.#noteReplaced(replaced, objects.size);
      } catch (e) {
        // The state already names these tips: the next sync must not take them as served, but re-point the refs.
        this.#last = null;
        throw e;
      }
    } finally {
      // Not left running past the sync, whatever happened (it never rejects: a failure is logged).
      if (indexing !== null) {
        phase('id map commit', objects.size);
        await indexing;
      }
    }
    phase(indexing === null ? 'id map commit' : 'pack index', objects.size);
  }

  /**
   * A clock for the stages of one sync: each call logs (debug) the stage that ends now, with the objects
   * it went through (null: not counted) and its wall time since the previous call.
   */
  #phaseClock(started: number): PhaseClock {
    let since = started;
    return (phase, objects) => {
      const now = Date.now();
      this.#log.debug('sync phase', { repo: this.name, phase, objects, ms: now - since });
      since = now;
    };
  }

  /**
   * Rewrites the new objects into a pack, puts their secrets (and the ref names') in the vault, then
   * installs the pack; the pack is removed when any step fails. A small sync reads each object once and
   * writes its unchanged objects into the same pack (`copied`: how many); a large one leaves them to
   * #copyAsTheyAre (`copied` null), whose `pack-objects` reuses upstream's deltas. A large sync's blobs
   * are final once pass 2 is planned: their unchanged ones are copied while pass 2 runs (`blobsCopied`),
   * by git on the core pass 2's main thread leaves idle. They carry no token, so no record orders them.
   */
  async #rewriteIntoPack(objects: ObjectTable, refRecords: readonly SecretRecord[], rewriteTools: Promise<RewriteTools>, phase: PhaseClock): Promise<{ out: RewriteOutput; copied: number | null; blobsCopied: Promise<void> }> {
    const { vault, name } = this.#opts;
    const source = objects.size <= SMALL_SYNC_OBJECTS ? new RememberingSource(this.#upstream.fewObjects, SMALL_SYNC_BYTES) : null;
    const tmpPack = (): string => this.sanitized.tempPackPath();
    // The writer indexes the pack itself: no `git index-pack` to read it all back.
    const pack = await PackWriter.create(tmpPack(), { index: true, deltaTrees: true });
    // A large sync's pass 2 writes its commits, trees and tags into a pack of their own in a thread.
    let history: PackWriterThread | null = null;
    let packDone = false;
    let blobsCopied: Promise<void> = Promise.resolve();
    try {
      if (source === null) history = await PackWriterThread.create(tmpPack(), { index: true, deltaTrees: true });
      const tools = await rewriteTools;
      const out = await rewrite({
        objects, source: source ?? this.#upstream, persisted: (ids) => this.#persisted(ids), pack, historyPack: history ?? undefined, ...tools,
        allowUnscannable: this.#opts.allowUnscannable, onProgress: this.#rewriteProgress(),
        onPassEnd: (pass, n) => {
          phase(pass === 'scan' ? 'pass 1 scan' : pass === 'plan' ? 'plan' : 'pass 2 rewrite', n);
          if (pass === 'plan' && source === null) {
            this.#log.debug('copying unchanged blobs', { repo: name });
            blobsCopied = this.#packUnchanged(objects.unchanged(true));
            // Awaited below, by the caller or the finally: a failure is not unhandled meanwhile.
            blobsCopied.catch(() => undefined);
          }
        },
        kindSensitive: (ids) => this.#opts.idMap.kindSensitive(name, ids), scanThreads: this.#scanThreads(objects.size),
        rescanTreeNames: this.#opts.rescanTreeNames,
      });
      // Invariant 4: secrets are durable in the vault before any object carrying their token can be served.
      const records: SecretRecord[] = out.secrets.map((s): SecretRecord => ({
        token: s.token, type: s.type, secret: s.secret, ruleId: s.ruleId, repo: name,
        path: s.path ?? undefined, commitId: s.commitId ?? undefined,
      })).concat(refRecords);
      if (records.length > 0) await vault.put(records);
      this.#progress(`gitgate: writing ${out.stats.rewritten} rewritten and ${out.unchanged} unchanged objects\n`);
      const copied = source === null ? null : await this.#copyAsTheyAre(objects, out, { pack, source });
      if (copied !== null) phase('copy unchanged', copied);
      const finished = await Promise.allSettled([pack.finish(), history?.finish()]);
      packDone = true;
      const failed = finished.find((f) => f.status === 'rejected');
      if (failed !== undefined) {
        for (const f of finished) if (f.status === 'fulfilled' && f.value !== undefined) rmSync(f.value.path, { force: true });
        throw failed.reason;
      }
      let written = 0;
      for (const f of finished) if (f.status === 'fulfilled') written += await this.#installWritten(f.value);
      phase('vault and pack', written);
      return { out, copied, blobsCopied };
    } finally {
      if (!packDone) {
        // A writer that failed has removed its files.
        await Promise.all([pack.abort(), history?.abort()]);
        // A failed sync does not return while its git still writes into the store.
        await blobsCopied.catch(() => undefined);
      }
    }
  }

  /** Installs a pack the sync wrote, or removes it when it holds no object; resolves with its count. */
  async #installWritten(fin: PackFinished | undefined): Promise<number> {
    if (fin === undefined) return 0;
    if (fin.count === 0) rmSync(fin.path, { force: true });
    else await this.sanitized.installPack(fin.path, fin.checksum, fin.index);
    return fin.count;
  }

  /** The scan threads of a sync of `objects` new objects, or undefined for the main thread (see scanWorkers). */
  #scanThreads(objects: number): RewriteInput['scanThreads'] {
    const threads = this.#opts.scanWorkers ?? Math.min(availableParallelism(), 4);
    if (threads < 2 || objects < (this.#opts.scanWorkersMinObjects ?? SCAN_WORKERS_MIN_OBJECTS)) return undefined;
    const scanner = scannerOptionsOf(this.#opts.scanner);
    if (scanner === undefined) {
      this.#log.debug('scanning on the main thread: the scanner was not made by createScanner', { repo: this.name });
      return undefined;
    }
    this.#log.debug('scanning in threads', { repo: this.name, threads, objects });
    return { threads, scanner, module: this.#opts.scanWorkerModule };
  }

  /** The scanner, minter and known secrets a rewrite uses now (known secrets are read from the vault each time). */
  async #rewriteTools(): Promise<RewriteTools> {
    const { scanner, vault } = this.#opts;
    const known = this.#opts.knownSecrets !== false && vault.knownSecrets ? new KnownSecrets(await vault.knownSecrets()) : undefined;
    return known ? { scanner: withKnownSecrets(scanner, known), minter: learningMinter(vault, known), known } : { scanner, minter: vault };
  }

  /**
   * Takes a push (push/receive.ts): translates the agent's objects to upstream ones, pushes them upstream
   * with the service credential and syncs them back. Pushes of one repository run one at a time. Resolves
   * with what became of each ref; throws MirrorError when upstream or the stores fail (not for refusals,
   * which are in the outcome).
   */
  receive(req: PushRequest): Promise<PushOutcome> {
    const run = this.#pushing.then(async () => {
      const { vault } = this.#opts;
      if (!vault.info || !vault.reveal) throw new MirrorError(codes.pushFailed, 'this gateway cannot restore tokens: its vault offers no reveal');
      await this.sync();
      return runPush(this.#pushContext({ info: vault.info.bind(vault), reveal: vault.reveal.bind(vault) }), req);
    });
    this.#pushing = run.catch(() => undefined);
    return run;
  }

  /**
   * Pushes held push `id` (a push received with `hold`) upstream with the leases it recorded, syncs, and
   * deletes it, whatever the outcome; runs in turn with the repository's other pushes. A ref upstream moved
   * since is refused (non-fast-forward) in the outcome. Throws MirrorError GITGATE_HELD_PUSH_UNKNOWN (no
   * such held push) or GITGATE_UPSTREAM_FAILED (upstream unreachable; the held push is gone all the same).
   */
  releaseHeld(id: string, opts: { onProgress?: ProgressListener } = {}): Promise<PushOutcome> {
    const run = this.#pushing.then(() => releaseHeldPush(this.#pushContext(noTokens), id, opts.onProgress));
    this.#pushing = run.catch(() => undefined);
    return run;
  }

  /** Deletes held push `id` without pushing it; resolves false when there was none. Throws MirrorError on a malformed id. */
  async discardHeld(id: string): Promise<boolean> {
    await this.#pushing;
    const removed = removeHeld(this.#opts.dir, id);
    if (removed) this.#log.info('held push discarded', { repo: this.name, id });
    return removed;
  }

  /**
   * Removes the push quarantines a stopped process left in this repository's directory (they hold restored
   * values). Call once at start, before any push; returns how many were removed.
   */
  removeStalePushes(): number {
    const removed = Quarantine.sweep(this.#opts.dir);
    if (removed > 0) this.#log.warn('push quarantines of a stopped process removed', { repo: this.name, removed });
    return removed;
  }

  /** The ids of the held pushes on disk, sorted. */
  heldPushes(): string[] {
    return heldIds(this.#opts.dir);
  }

  /** The record of held push `id` (refs, tokens restored, pusher). Throws MirrorError GITGATE_HELD_PUSH_UNKNOWN. */
  heldPush(id: string): HeldPush {
    return readHeld(this.#opts.dir, id);
  }

  #pushContext(tokens: PushContext['tokens']): PushContext {
    return {
      repo: this.name, dir: this.#opts.dir, sanitized: this.sanitized, upstream: this.#upstream, upstreamGitDir: join(this.#opts.dir, 'upstream.git'),
      source: this.#opts.source, idMap: this.#opts.idMap, tokens, rewriteTools: () => this.#rewriteTools(),
      servedRefName: (n) => this.#refName(n).name, allowUnscannable: this.#opts.allowUnscannable,
      sync: async () => {
        // A sync already running may have read upstream before the push landed: let it end, then sync anew.
        await this.#inflight?.catch(() => undefined);
        await this.sync({ force: true });
      },
      log: this.#log,
    };
  }

  /** A rewrite progress listener that forwards each whole percent once. */
  #rewriteProgress(): (p: RewriteProgress) => void {
    let lastPct = -1;
    return (p) => {
      const pct = Math.floor((p.done * 100) / Math.max(1, p.total));
      if (pct === lastPct) return;
      lastPct = pct;
      this.#progress(`gitgate: ${p.phase === 'scanning' ? 'sanitizing objects' : 'rewriting history'} ${pct}% (${p.done}/${p.total})${pct === 100 ? '\n' : '\r'}`);
    };
  }

  /**
   * Copies the unchanged objects, and the unscannable blobs served as they are, from upstream; resolves
   * with how many. A small sync's (`pack`) are written (undeltified) into its own pack, read from its
   * source; a large sync's go through `pack-objects` into packs of their own, the unchanged
   * blobs already on their way since pass 2 started (`blobs`).
   */
  async #copyAsTheyAre(objects: ObjectTable, out: RewriteOutput, into: { pack: PackWriter; source: ObjectSource } | { blobs: Promise<void> }): Promise<number> {
    // Unscannable blobs an allowUnscannable name serves as they are, unless an earlier sync copied them.
    const present = out.originals.length > 0 ? await this.sanitized.has(out.originals) : new Set<string>();
    const originals = out.originals.filter((id) => !present.has(id));
    if ('pack' in into) {
      if (out.unchanged === 0 && originals.length === 0) return 0;
      const ids = function* (): Generator<string> {
        yield* objects.unchanged();
        yield* originals;
      };
      for await (const batch of into.source.readBatches(ids(), { views: false })) {
        for (const obj of batch) if (!into.pack.write(obj.type, obj.content, obj.id)) await into.pack.drain();
      }
      await into.pack.drain();
    } else {
      // The unchanged blobs were copied during pass 2; the rest joins them.
      const rest = function* (): Generator<string> {
        yield* objects.unchanged(false);
        yield* originals;
      };
      await Promise.all([into.blobs, this.#packUnchanged(rest())]);
    }
    return out.unchanged + originals.length;
  }

  /** Copies upstream objects `ids` into a pack of the sanitized store's own (`pack-objects`, deltas reused); none: no git started. */
  async #packUnchanged(ids: Generator<string>): Promise<void> {
    const first = ids.next();
    if (first.done === true) return;
    const all = function* (): Generator<string> {
      yield first.value;
      yield* ids;
    };
    await this.#upstream.packObjectsInto(all(), this.sanitized.packDir());
  }

  /** Pushed tips must come back under the ids the agents pushed (push/receive.ts); a difference is logged and counted. */
  async #checkPushed(tips: readonly string[], mapped: ReadonlyMap<string, string>, report: SyncReport): Promise<void> {
    const pushed = await this.#opts.idMap.pushedOf(this.name, tips);
    let mismatches = 0;
    for (const [upstreamId, pushedId] of pushed) {
      if ((mapped.get(upstreamId) ?? upstreamId) === pushedId) continue;
      mismatches++;
      this.#log.error('pushed commit came back under another id', { repo: this.name, pushed: pushedId, served: mapped.get(upstreamId) ?? upstreamId });
    }
    if (mismatches > 0) report.pushMismatches = mismatches;
  }

  /** Same tips as the last sync: only ref names, the ref set or HEAD changed; no object is read. */
  async #repointRefs(plan: SyncPlan, state: SyncState, report: SyncReport): Promise<void> {
    const { refs, head, refRecords, tips, generation } = plan;
    report.upToDate = true;
    if (refRecords.length > 0) await this.#opts.vault.put(refRecords);
    const mappedTips = await this.#persisted(tips);
    await this.#updateRefs(refs, (id) => mappedTips.get(id) ?? id, head);
    if (head !== state.head) await this.#opts.idMap.commit(this.#opts.name, [], { generation, tips, head, syncedAt: new Date().toISOString() });
  }

  /**
   * After a large sync, whose packs the sync indexed for serving (#syncObjects), a full repack that also
   * deltifies what the sync wrote whole, once the store is quiet; after any other, a quick repack in the
   * background once the store holds too many packs, when it is quiet too (see RepoMirrorOptions.maxPacks).
   */
  #maintain(report: SyncReport): void {
    if (report.objects >= (this.#opts.repackAfterObjects ?? 1000)) {
      const deadline = Date.now() + (this.#opts.repackMaxDelayMs ?? 600_000);
      this.#repackWhenQuiet('full', this.#opts.repackQuietMs ?? 30_000, () => Date.now() >= deadline);
      return;
    }
    const maxPacks = this.#opts.maxPacks ?? 8;
    const cap = maxPacks * QUICK_REPACK_NOW;
    const packs = this.sanitized.packCount();
    if (packs > cap) void this.#repack(false);
    // A full repack already waiting takes every pack.
    else if (packs > maxPacks && !this.#deferred.has('full')) {
      this.#repackWhenQuiet('quick', this.#opts.quickRepackQuietMs ?? 2000, () => this.sanitized.packCount() > cap);
    }
  }

  /** The served name of an upstream ref name (ref-names.ts), remembered for the next syncs. */
  #refName(upstreamName: string): SanitizedRefName {
    let named = this.#refNames.get(upstreamName);
    if (named === undefined) {
      try {
        named = sanitizeRefName(upstreamName, this.#tokenizer);
      } catch (e) {
        // Fail closed: a ref whose name cannot be scanned fails the sync (no name is logged).
        throw new MirrorError(codes.rewriteFailed, 'a ref name could not be scanned for secrets', { cause: e });
      }
      if (this.#refNames.size >= 100_000) this.#refNames.clear();
      this.#refNames.set(upstreamName, named);
    }
    return named;
  }

  /**
   * Repacks the sanitized store. Repacks and pack indexing run one at a time: git repack only removes
   * packs it saw at start, and a multi-pack index written meanwhile could name a pack it removed.
   */
  #repack(full: boolean): Promise<void> {
    return this.#maintain1(full ? 'full repack' : 'repack', () => this.sanitized.repack({ full }));
  }

  /** Writes the multi-pack index with its bitmap for `tips` (SanitizedStore.indexPacks), in the maintenance queue. */
  #indexPacks(tips: readonly string[]): Promise<void> {
    return this.#maintain1('pack index', () => this.sanitized.indexPacks(tips));
  }

  #maintain1(what: string, step: () => Promise<void>): Promise<void> {
    const run = this.#maintenance.then(() => {
      this.#log.debug('maintenance started', { repo: this.name, what });
      return step();
    }).catch((e: unknown) => {
      this.#log.warn(`${what} failed`, { repo: this.name, error: (e as Error).message });
    });
    this.#maintenance = run;
    return run;
  }

  /**
   * Starts a repack once no upload-pack has run on the store for `quiet` ms, checked from that long after
   * the sync (its waiting clone or fetch comes within it) and then every second, or once `due()` (the
   * full repack: `repackMaxDelayMs` passed; a quick one: the store grew past four times `maxPacks`).
   * One of each kind waits at a time: it repacks whatever the store holds then.
   */
  #repackWhenQuiet(kind: 'full' | 'quick', quiet: number, due: () => boolean): void {
    if (this.#deferred.has(kind)) return;
    const check = (): void => {
      if (this.sanitized.servedWithin(quiet) && !due()) {
        this.#deferred.set(kind, setTimeout(check, Math.min(quiet, 1000)).unref());
        return;
      }
      this.#deferred.delete(kind);
      void this.#repack(kind === 'full');
    };
    this.#deferred.set(kind, setTimeout(check, quiet).unref());
  }

  /**
   * Resolves when background maintenance (repacks) has finished; for shutdown and tests. A repack still
   * waiting for a quiet store is dropped: shutdown does not wait for it, and the store serves as it is
   * (the next sync schedules another).
   */
  idle(): Promise<void> {
    this.#dropDeferredRepack();
    return this.#maintenance;
  }

  #dropDeferredRepack(): void {
    for (const timer of this.#deferred.values()) clearTimeout(timer);
    this.#deferred.clear();
  }

  /** Moves the sanitized refs to `refs` (ids through `map`) and HEAD; returns the ids (and peeled ids) the moved refs named. */
  async #updateRefs(refs: { name: string; id: string }[], map: (id: string) => string, head: string | null, notTags?: ReadonlySet<string>): Promise<Set<string>> {
    // The snapshot is what this process last wrote; reading it costs no git process when it is fresh.
    const snapshot = await this.sanitized.snapshot();
    const current = new Map(snapshot.refs.map((r) => [r.name, r]));
    const updates: RefUpdate[] = [];
    const wanted = new Set<string>();
    for (const r of refs) {
      const id = map(r.id);
      wanted.add(r.name);
      if (current.get(r.name)?.id !== id) updates.push({ name: r.name, id });
    }
    for (const name of current.keys()) if (!wanted.has(name)) updates.push({ name, id: null });
    await this.sanitized.updateRefs(updates, notTags);
    // Rewriting HEAD when it did not move would only throw the ref snapshot away.
    if (head && head !== snapshot.head?.target) await this.sanitized.setHead(head);
    const replaced = new Set<string>();
    for (const u of updates) {
      const was = current.get(u.name);
      if (was !== undefined) for (const id of [was.id, was.peeled]) if (id !== undefined) replaced.add(id);
    }
    return replaced;
  }

  /** Fingerprint of everything a sanitized id depends on besides upstream bytes. */
  #generation(): string {
    const keyCheck = this.#opts.vault.tokenFor('gitgate-key-check', Buffer.from('gitgate'));
    const allow = [...new Set(this.#opts.allowUnscannable ?? [])].sort();
    // Without an allow list the key is what it was before the option existed.
    const allowKey = allow.length > 0 ? `\0${JSON.stringify(allow)}` : '';
    return createHash('sha256').update(`${REWRITE_VERSION}\0${this.#opts.scanner.rulesetVersion}\0${keyCheck}${allowKey}`).digest('hex').slice(0, 32);
  }

  /**
   * Whether any object of the sanitized store carries a token. When none does, no fetch can expose one,
   * whatever its wants and haves: the serving path then needs no walk and no look-up of its haves (a sync
   * records its objects' tokens before any ref leads to them, as for {@link exposedTokens}).
   */
  carriesTokens(): Promise<boolean> {
    return this.#opts.idMap.hasObjectTokens(this.name);
  }

  /**
   * Tokens inside the objects a fetch of this shape can receive: a superset of what upload-pack's pack
   * holds (docs/architecture.md, "No byte before its record"). The walk is `rev-list --objects <wants>
   * --not <haves>` with the fetch's filter, as pack-objects walks it; callers pass no haves when the
   * request is shallow or deepens (upload-pack then sends ancestors of haves cut at a shallow boundary).
   * Bitmaps are used only without haves: a bitmap walk subtracts all that haves reach, more than the
   * plain walk pack-objects falls back to, and so could under-count. With `includeTag`, every annotated
   * tag under refs/tags/ whose peeled object is in the walk is added with the tags of its chain, as
   * pack-objects' --include-tag does. Depth limits are not applied: a shallow fetch is over-approximated.
   * Throws MirrorError when git fails.
   */
  async exposedTokens(q: { wants: readonly string[]; haves: readonly string[]; filter?: string; includeTag?: boolean }): Promise<{ token: string; objectId: string }[]> {
    const carriers = await this.#opts.idMap.objectTokens(this.name);
    if (carriers.size === 0 || q.wants.length === 0) return [];
    const out: { token: string; objectId: string }[] = [];
    const note = (id: string): void => {
      for (const token of carriers.get(id) ?? []) out.push({ token, objectId: id });
    };
    // include-tag: peeled object → the tag refs that name it.
    const tagsOf = new Map<string, { id: string; peeled: string }[]>();
    if (q.includeTag) {
      for (const r of (await this.sanitized.snapshot()).refs) {
        if (!r.name.startsWith('refs/tags/') || r.peeled === undefined || r.peeled === r.id) continue;
        const list = tagsOf.get(r.peeled);
        if (list) list.push({ id: r.id, peeled: r.peeled });
        else tagsOf.set(r.peeled, [{ id: r.id, peeled: r.peeled }]);
      }
    }
    const walk = git('rev-list', '--objects', '--no-object-names', '--stdin');
    if (q.haves.length === 0) walk.addArgs('--use-bitmap-index');
    // The filter spec was parsed and allow-listed by the protocol package; as `--filter=` it is a value.
    if (q.filter) walk.addArgs(`--filter=${q.filter}`);
    const input = q.wants.join('\n') + '\n' + q.haves.map((h) => `^${h}`).join('\n') + '\n';
    const tagIds = new Set([...tagsOf.values()].flat().map((t) => t.id));
    // Only tag ref ids are remembered: a walk over a large history prints millions of ids.
    const walked = new Set<string>();
    const followed = new Map<string, string>();
    await walk.forEachLine({ gitDir: this.sanitized.gitDir, input }, (id) => {
      note(id);
      if (tagsOf.size === 0) return;
      if (tagIds.has(id)) walked.add(id);
      for (const t of tagsOf.get(id) ?? []) followed.set(t.id, t.peeled);
    });
    // Tags that follow the pack but were not walked: the tag objects of each chain, down to (not into) the peeled object.
    const extra = [...followed].filter(([id]) => !walked.has(id));
    if (extra.length > 0) {
      const tagInput = [...extra.map(([id]) => id), ...new Set(extra.map(([, peeled]) => `^${peeled}`))].join('\n') + '\n';
      await git('rev-list', '--objects', '--no-object-names', '--stdin').forEachLine({ gitDir: this.sanitized.gitDir, input: tagInput }, note);
    }
    return out;
  }

  /** Removes this repository's stores from disk. */
  destroy(): void {
    this.#dropDeferredRepack();
    this.#upstream.close();
    this.sanitized.destroy();
    rmSync(this.#opts.dir, { recursive: true, force: true });
  }
}

export { MirrorError, codes };
