/**
 * The executor of the rewrite: streams new upstream objects, applies the per-object policy
 * (object-policy.ts) parents first in the order the planner gives (rewrite-plan.ts), writes rewritten
 * objects into a pack file and lists unchanged ones for a delta-reusing copy.
 *
 * Memory does not grow with the history. Pass 1 streams every object once, settles blobs, and keeps
 * only the compact object table, each commit's parents and the new trees' child trees (int32 indices).
 * From those the exact order in which pass 2 will need commits, trees and tags is known, so pass 2
 * streams them again from git in that order and holds one commit's new trees at a time.
 */
import { hashObject, type EntryKind, type ObjectType, type PackWriter } from '@gitgate/objects';
import { globToRegExp, type KnownSecrets, type Scanner, type ScannerOptions } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import type { RawObject } from './cat-file-batch.js';
import { ObjectTable } from './object-table.js';
import type { TakenSecret } from './tokenize.js';
import { createPlaceTokenizer } from './place-tokenizer.js';
import { memoizedTokenizer } from './memoized-tokenizer.js';
import { CleanTreeNames } from './clean-tree-names.js';
import {
  parseOrThrow, rewriteCommit, rewriteTag, rewriteTree, scanTreeOrThrow, tagTargetType, value, withheldBlob,
  type HeaderedContext, type ObjectOutcome, type TreeContext,
} from './object-policy.js';
import { planRewrite, type RewriteGraph, type RewritePlan } from './rewrite-plan.js';
import { IntList } from './int-list.js';
import { OrderedReader } from './ordered-reader.js';
import { KnownRecheck, holdsKnown } from './known-recheck.js';
import { TreeVersions, walkAgainst } from './tree-versions.js';
import { MirrorError, codes } from './errors.js';
import { ScanPool, type ScannedJob } from './scan-pool.js';
import { BlobVariants, DEFAULT_UNRECORDED, type BlobKey, type Variant } from './blob-variants.js';

export { withheldBlob };

/** Where a secret was first seen, for the vault's metadata. */
export interface SecretSighting extends TakenSecret {
  path: string | null;
  commitId: string | null;
}

export interface RewriteProgress {
  phase: 'scanning' | 'rewriting';
  done: number;
  total: number;
}

/** Where the rewrite reads upstream objects from. */
export interface ObjectSource {
  /**
   * Streams the given objects in the given order, a pipe chunk's worth at a time (see
   * readObjectBatches). With `views`, objects may be views into the chunk, valid until the next batch.
   */
  readBatches(ids: Iterable<string>, opts: { views: boolean }): AsyncIterable<RawObject[]>;
  /**
   * The positions of `ids` in the order the source stores them, when reading in that order is cheaper
   * (a pack's deltas follow their bases); absent: any order costs the same.
   */
  storageOrder?(ids: readonly string[]): Promise<number[]>;
}

/** What pass 2 writes to: a PackWriter, or one in a thread (PackWriterThread). */
export interface PackSink {
  /** false: await `drain()` before the next write. */
  write(type: ObjectType, content: Buffer, id?: string): boolean;
  drain(): Promise<void>;
}

export interface RewriteInput {
  /**
   * New upstream objects (every object not reachable from already-synced tips). The rewrite records
   * their types and sanitized ids in it; afterwards `unchanged()` and `pairs()` list the outcome.
   */
  objects: ObjectTable;
  source: ObjectSource;
  /** Sanitized ids earlier syncs gave some of these upstream ids; an id without one was not rewritten. */
  persisted(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  scanner: Scanner;
  minter: TokenMinter;
  pack: PackWriter;
  /**
   * Where pass 2 writes the commits, trees and tags it rewrites (default `pack`): a pack of their own,
   * such as a PackWriterThread's, whose deltas and deflating then run on another core than pass 2.
   */
  historyPack?: PackSink;
  onProgress?: (p: RewriteProgress) => void;
  /**
   * Called as each stage ends with the objects it went through: 'scan' (pass 1, every object), 'plan'
   * (the rechecks, outside look-ups and the planner, over pass 2's objects) and 'rewrite' (pass 2).
   */
  onPassEnd?: (pass: 'scan' | 'plan' | 'rewrite', objects: number) => void;
  /**
   * Base-name globs (`*.zip`, `logo.gz`): a tree entry so named keeps the upstream id of a blob that
   * could not be scanned, instead of the withheld stand-in. Names only, never paths: a tree is
   * content-addressed and sits at many paths, so only its own bytes may decide its sanitized id.
   */
  allowUnscannable?: readonly string[];
  /**
   * The deployment's known secrets, already in `scanner` (withKnownSecrets) and taught by `minter`
   * (learningMinter): after pass 1, blobs settled before a value they hold became known are re-settled.
   */
  known?: KnownSecrets;
  /**
   * Which of these upstream blob ids of earlier syncs a name could sanitize otherwise than their
   * default form, with the kinds that would (`RewriteOutput.kindSensitive` of those syncs); absent: none.
   */
  kindSensitive?(ids: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /**
   * Scan the blobs of pass 1 in this many threads (scan-pool.ts) built from `scanner` (the options
   * `input.scanner`, before known secrets, was created with); the outcome is the same as without.
   */
  scanThreads?: { threads: number; scanner: Readonly<ScannerOptions>; module?: URL };
  /**
   * Scan the names of every tree, remembering none as clean (CleanTreeNames), and map every entry of
   * every tree, none taken from the directory's last version (TreeVersions): the reference that the
   * remembered paths are tested against; the outcome is the same either way. Default false.
   */
  rescanTreeNames?: boolean;
}

export interface RewriteOutput {
  /** How many new objects are copied as they are (`objects.unchanged()` lists them). */
  unchanged: number;
  secrets: SecretSighting[];
  /** Tokens carried by each rewritten object (sanitized id → tokens), for exposure auditing. */
  objectTokens: Map<string, string[]>;
  /** Upstream id → sanitized id for the given ids, from this run's objects and earlier runs'. */
  resolve(ids: readonly string[]): Promise<Map<string, string>>;
  stats: { objects: number; blobsScanned: number; bytesScanned: number; rewritten: number; withheld: number; variants: number };
  /**
   * Upstream ids of unscannable blobs that a tree serves as they are (allowUnscannable): the caller
   * copies those the sanitized store lacks.
   */
  originals: string[];
  /**
   * This sync's blobs that a file name could sanitize otherwise (blob-variants.ts): upstream id → a bit
   * per kind that would (code 1, config 2, docs 4, lockfile 8). Persist them for later syncs.
   */
  kindSensitive: Map<string, number>;
}

/** A directory on the way down from a commit's root tree, for the paths of secrets (built only for those). */
interface Dir {
  up: Dir | null;
  name: Buffer;
}

/** The path of an entry named `name` in `dir` (null: the root), each name decoded as UTF-8 on its own. */
function pathOf(dir: Dir | null, name: Buffer): string {
  let path = name.toString('utf8');
  for (let d = dir; d !== null; d = d.up) path = d.name.toString('utf8') + '/' + path;
  return path;
}

/** Ids per query to the id map about objects outside the sync. */
const LOOKUP_BATCH = 500;

/**
 * Runs the rewrite over the new objects: pass 1 streams them all, settles blobs and collects the graph;
 * the planner orders the rest; pass 2 streams commits, tags and trees in that order through the policy.
 * Throws MirrorError on malformed or unreadable objects.
 */
export async function rewrite(input: RewriteInput): Promise<RewriteOutput> {
  const run = new RewriteRun(input);
  const threads = input.scanThreads;
  const pool = threads === undefined ? null : await ScanPool.start({
    threads: threads.threads, scanner: threads.scanner, known: input.known ?? null, rulesetVersion: input.scanner.rulesetVersion, module: threads.module,
  });
  let graph: RewriteGraph;
  try {
    graph = await run.scanPass(pool);
  } finally {
    await pool?.close();
  }
  input.onPassEnd?.('scan', input.objects.size);
  await run.recheckKnown();
  await run.lookUpOutside();
  await run.recheckOutside();
  await run.settleVariants();
  const plan = planRewrite(input.objects.size, (i) => input.objects.type(i), graph);
  input.onPassEnd?.('plan', plan.order.length);
  await run.rewritePass(plan, graph.commits.length);
  input.onPassEnd?.('rewrite', plan.order.length);
  return run.output();
}

/** The compact state of one rewrite, shared by its two passes. */
class RewriteRun {
  readonly #input: RewriteInput;
  readonly #table: ObjectTable;
  // Secrets of blobs not yet attributed to a path, by table index.
  readonly #blobSecrets = new Map<number, readonly TakenSecret[]>();
  readonly #secrets: SecretSighting[] = [];
  readonly #objectTokens = new Map<string, string[]>();
  readonly #stats = { objects: 0, blobsScanned: 0, bytesScanned: 0, rewritten: 0, withheld: 0, variants: 0 };
  // Per-name variants of blobs; the default forms' secrets of blobs whose entries serve a variant (a
  // tag may still serve the default), and the variants' secrets of earlier syncs' blobs, by id.
  readonly #variants: BlobVariants;
  readonly #variantIds = new Set<string>();
  readonly #unusedDefaults = new Map<number, readonly TakenSecret[]>();
  readonly #outsideSecrets = new Map<string, readonly TakenSecret[]>();
  readonly #recordedDefaults = new Map<string, number>();
  // Ids outside this sync that its objects point at, with the sanitized id an earlier sync gave them.
  readonly #outside = new ObjectTable();
  // Set when a pack writer queued an object: wait for it at the next point that can.
  #packBusy: PackSink | null = null;
  // allowUnscannable: which names may keep an unscannable blob, which blobs were unscannable (table
  // indices; outside ids once checked), and the upstream blobs served as they are.
  readonly #allowGlobs: RegExp[];
  readonly #unscannable = new Set<number>();
  readonly #unscannableOutside = new Set<string>();
  readonly #outsideCandidates = new Set<string>();
  readonly #originals = new Set<string>();
  readonly #recheck: KnownRecheck | null;
  // Pass 1: the last version of each directory read (null: every entry is looked up, rescanTreeNames).
  #scanVersions: TreeVersions | null;
  // Pass 2: the stream, what is rewritten, and where the tree walk is (paths only below a commit).
  #reader: OrderedReader | null = null;
  #done = new Uint8Array(0);
  #paths = false;
  #commitId: string | null = null;
  #dir: Dir | null = null;
  readonly #treeContext: TreeContext;
  readonly #commitContext: HeaderedContext;
  readonly #tagContext: HeaderedContext;

  constructor(input: RewriteInput) {
    this.#input = input;
    this.#table = input.objects;
    this.#allowGlobs = (input.allowUnscannable ?? []).map((g) => globToRegExp(g));
    this.#recheck = input.known === undefined ? null : new KnownRecheck(input.known);
    this.#scanVersions = input.rescanTreeNames === true ? null : new TreeVersions();
    this.#variants = new BlobVariants(input.scanner, input.minter, input.objects.size);
    const plain = createPlaceTokenizer(input.scanner, input.minter);
    // Blobs and messages are scanned once each; headers and names repeat (see memoizedTokenizer).
    const tokenize = memoizedTokenizer(plain);
    // Tree names are rescanned only when a list of them is new (or a value was learned since).
    const known = input.known;
    this.#treeContext = {
      tokenize, cleanNames: input.rescanTreeNames === true ? undefined : new CleanTreeNames(() => known?.size ?? 0),
      versions: input.rescanTreeNames === true ? undefined : new TreeVersions(),
      entryId: (kind, raw, at, nameStart, renamed) => this.#entryId(kind, raw, at, nameStart, renamed),
    };
    this.#commitContext = {
      tokenize, tokenizeMessage: plain,
      // A commit's trees are walked with paths, under the commit being rewritten.
      mapId: (id, type) => (type === 'tree' ? this.#mapTree(id, true, this.#commitId) : this.#mapped(id)),
    };
    this.#tagContext = { tokenize, tokenizeMessage: plain, mapId: (id, type) => this.#mapTagTarget(id, type) };
  }

  /**
   * Pass 1: streams every object; blobs are settled on the spot, the rest waits for its children. Kept
   * per commit: its parents (for the order of pass 2) and root trees; per tree: its child trees; per
   * tag: its target, all as table indices. Ids outside the table go to `outside`. Objects are views
   * into the pipe's chunks: nothing below keeps one (tokenize copies what it takes; the pack deflates
   * or queues its own buffers). With a pool, blobs are copied to its threads and settled here, in table
   * order, as their answers come back (#settleJob).
   */
  async scanPass(pool: ScanPool | null): Promise<RewriteGraph> {
    const table = this.#table;
    const total = table.size;
    const graph: RewriteGraph = {
      commits: [], parentStart: [], parents: [], edgeStart: new Int32Array(total + 1), edges: new IntList(), tagTargets: new Map(),
    };
    let seen = 0;
    const step = Math.max(1, Math.floor(total / 100));
    for await (const batch of this.#input.source.readBatches(table.ids(), { views: true })) {
      for (const obj of batch) {
        const index = seen;
        // The stream answers in the order asked, i.e. table order.
        if (table.indexOf(obj.id) !== index) throw new MirrorError(codes.gitOutput, `git cat-file returned ${obj.id} for ${table.id(index)}`);
        table.setType(index, obj.type);
        this.#stats.objects++;
        if (obj.type === 'blob' && pool === null) await this.#settleBlob(index, obj.content);
        else if (obj.type === 'blob') {
          pool!.add(index, obj.content);
          if (pool!.full) await this.#settleJob(pool!, await pool!.next());
        } else if (obj.type === 'tree') this.#collectTree(graph, obj);
        else if (obj.type === 'commit') this.#collectCommit(graph, index, obj);
        else this.#collectTag(graph, index, obj);
        graph.edgeStart[index + 1] = graph.edges.length;
        if (++seen % step === 0) this.#input.onProgress?.({ phase: 'scanning', done: seen, total });
      }
    }
    pool?.flush();
    while (pool !== null && pool.pending > 0) await this.#settleJob(pool, await pool.next());
    graph.parentStart.push(graph.parents.length);
    if (seen !== total) throw new MirrorError(codes.gitOutput, `git cat-file returned ${seen} of ${total} objects`);
    // Its tree versions are of no use past pass 1 (pass 2 keeps its own).
    this.#scanVersions = null;
    return graph;
  }

  async #settleBlob(index: number, content: Buffer): Promise<void> {
    this.#recheck?.settling(index);
    this.#stats.blobsScanned++;
    this.#stats.bytesScanned += content.length;
    const r = this.#variants.settle(index, content);
    if (r.withheld > 0) {
      // Fail closed: what cannot be scanned is never served as is.
      this.#stats.withheld++;
      this.#unscannable.add(index);
    }
    if (r.content === null) return;
    this.#carries(this.#emit(index, 'blob', r.content), r.secrets);
    if (r.secrets.length > 0) this.#blobSecrets.set(index, r.secrets);
    await this.#settlePack();
  }

  /**
   * The blobs of a pool's job, in order: a clean one (the thread's scanner found nothing, and it holds
   * no value learned since the thread's copy of the known values) is settled as unchanged; any other is
   * settled here from its bytes, so every token and rewritten byte comes from this thread, in table order.
   * Nothing keeps a view into the job's bytes (tokenize copies what it takes, the pack its own bytes):
   * the buffer goes back to the pool.
   */
  async #settleJob(pool: ScanPool, job: ScannedJob): Promise<void> {
    let start = 0;
    for (let i = 0; i < job.indices.length; i++) {
      const end = job.ends[i]!;
      const content = job.bytes.subarray(start, end);
      start = end;
      const index = job.indices[i]!;
      if (job.clean[i] === 1 && !this.#holdsLearned(job.knownSize, content)) {
        this.#recheck?.settling(index);
        this.#stats.blobsScanned++;
        this.#stats.bytesScanned += content.length;
      } else {
        await this.#settleBlob(index, content);
      }
    }
    pool.recycle(job);
  }

  /** Whether `content` holds a known value with index ≥ `from` (learned after a thread's copy was made). */
  #holdsLearned(from: number, content: Buffer): boolean {
    const recheck = this.#recheck;
    return recheck !== null && recheck.known.size > from && holdsKnown(this.#input.scanner, recheck.known, from, content);
  }

  /**
   * Between the passes: blobs read before a known value they may hold was learned (in this sync) are
   * read again, and those holding one are settled anew; the table then gives trees their new id.
   */
  async recheckKnown(): Promise<void> {
    const recheck = this.#recheck;
    if (recheck === null) return;
    const table = this.#table;
    const indices: number[] = [];
    const from: number[] = [];
    for (const c of recheck.candidates(table.size, (i) => table.type(i) === 'blob' && !this.#unscannable.has(i))) {
      indices.push(c.index);
      from.push(c.from);
    }
    if (indices.length === 0) return;
    const source = this.#input.source;
    if (source.storageOrder === undefined) return this.#recheckInTableOrder(recheck, indices, from);
    // Checked in the order the source stores them, which is cheaper for git: on git/git its read of a cold
    // sync's 90k rechecked blobs lasted 7.4 s instead of 10.0 s (docs/benchmarks.md, "Session 15").
    const ids = indices.map((i) => table.id(i));
    const order = await source.storageOrder(ids);
    const holding: number[] = [];
    await this.#readInOrder(order.map((p) => ids[p]!), (obj, k) => {
      if (holdsKnown(this.#input.scanner, recheck.known, from[order[k]!]!, obj.content)) holding.push(order[k]!);
      return false;
    });
    // Settled again in table order, as pass 1 settles. Should a settle teach a value (a known value and a
    // finding that overlap in part would make one new span), later blobs may hold it: from there on they
    // are checked one by one with the values known by then, exactly as without the storage order.
    holding.sort((a, b) => a - b);
    const size = recheck.known.size;
    const stop = await this.#readInOrder(holding.map((p) => ids[p]!), async (obj, k) => {
      await this.#resettleBlob(recheck, indices[holding[k]!]!, obj.content);
      return recheck.known.size !== size;
    });
    if (stop >= 0) await this.#recheckInTableOrder(recheck, indices.slice(holding[stop]! + 1), from.slice(holding[stop]! + 1));
  }

  /**
   * Reads the blobs `indices` (ascending) and settles again, one by one, those holding a value with index
   * ≥ `from` (per blob), each checked with the values known when it is read.
   */
  async #recheckInTableOrder(recheck: KnownRecheck, indices: readonly number[], from: readonly number[]): Promise<void> {
    await this.#readInOrder(indices.map((i) => this.#table.id(i)), async (obj, k) => {
      if (holdsKnown(this.#input.scanner, recheck.known, from[k]!, obj.content)) await this.#resettleBlob(recheck, indices[k]!, obj.content);
      return false;
    });
  }

  /**
   * Reads `ids` from the source (views: valid during the call) and calls `visit` with each and its
   * position, in that order, until it returns true: resolves with that position, or -1 when all were
   * visited. Throws MirrorError when git answers with other objects.
   */
  async #readInOrder(ids: readonly string[], visit: (obj: RawObject, k: number) => boolean | Promise<boolean>): Promise<number> {
    let k = 0;
    for await (const batch of this.#input.source.readBatches(ids, { views: true })) {
      for (const obj of batch) {
        if (obj.id !== ids[k]) throw new MirrorError(codes.gitOutput, `git cat-file returned ${obj.id} for ${ids[k]}`);
        // A plain answer is taken without a microtask per object (90k in git/git's recheck).
        const stop = visit(obj, k);
        if (stop === true || (stop !== false && (await stop))) return k;
        k++;
      }
    }
    if (k !== ids.length) throw new MirrorError(codes.gitOutput, `git cat-file returned ${k} of ${ids.length} objects`);
    return -1;
  }

  /** Settles a blob again; its earlier rewritten form, if any, is taken back out of the pack. */
  async #resettleBlob(recheck: KnownRecheck, index: number, content: Buffer): Promise<void> {
    const old = this.#table.sanitized(index);
    const ordinal = recheck.ordinalOf(index);
    const r = this.#variants.settle(index, content);
    if (r.content === null) return;
    if (r.withheld > 0) {
      this.#stats.withheld++;
      this.#unscannable.add(index);
    }
    if (old === undefined) {
      this.#carries(this.#emit(index, 'blob', r.content), r.secrets);
    } else {
      if (ordinal !== undefined) this.#input.pack.discard(ordinal);
      this.#objectTokens.delete(old);
      const id = hashObject('blob', r.content);
      recheck.emitted(index, this.#input.pack.accepted);
      if (!this.#input.pack.write('blob', r.content)) this.#packBusy = this.#input.pack;
      this.#table.replace(index, id);
      this.#carries(id, r.secrets);
    }
    if (r.secrets.length > 0) this.#blobSecrets.set(index, r.secrets);
    await this.#settlePack();
  }

  /**
   * Pass 1's view of a tree: its child trees (edges) and, per blob entry, the name it is given. Entries the
   * directory's last version shares (tree-versions.ts) take their edge from it and are not looked up
   * again: everything else an entry does here is idempotent, done when that version was read.
   */
  #collectTree(graph: RewriteGraph, obj: RawObject): void {
    const table = this.#table;
    const raw = obj.content;
    const versions = this.#scanVersions;
    const { walk, signature } = walkAgainst(versions, raw);
    const prevEdges = walk.prev?.edges;
    const edges: number[] = [];
    const edge = (e: number): void => {
      if (e >= 0) graph.edges.push(e);
      if (signature !== null) edges.push(e);
    };
    for (let k = 0; k < walk.headCount; k++) edge(prevEdges![k]!);
    scanTreeOrThrow(obj.id, raw, (kind, at, nameStart) => {
      if (kind === 'gitlink') return edge(-1); // a submodule commit lives in another repository
      const child = table.indexOfRaw(raw, at);
      if (kind === 'blob') this.#variants.named(child, raw, at, nameStart);
      if (child < 0) {
        this.#outside.addRaw(raw, at);
        if (kind === 'blob' && this.#allowGlobs.length > 0 && this.#allowed(raw.subarray(nameStart, at - 1))) this.#outsideCandidates.add(raw.toString('hex', at, at + 20));
      }
      edge(kind === 'tree' ? child : -1);
    }, walk);
    if (walk.prevTail >= 0) for (let k = walk.prevTail; k < prevEdges!.length; k++) edge(prevEdges![k]!);
    if (signature !== null) versions!.keep(signature, { raw, starts: walk.starts(versions!), edges });
  }

  #collectCommit(graph: RewriteGraph, index: number, obj: RawObject): void {
    graph.commits.push(index);
    graph.parentStart.push(graph.parents.length);
    for (const p of parentIds(obj.content)) graph.parents.push(this.#table.indexOf(p));
    for (const h of parseOrThrow(obj.id, obj.content).headers) {
      if (h.key === 'tree') this.#refer(graph, value(h), 'tree');
      else if (h.key === 'parent') this.#refer(graph, value(h), null);
    }
  }

  #collectTag(graph: RewriteGraph, index: number, obj: RawObject): void {
    const parsed = parseOrThrow(obj.id, obj.content);
    const targetType = tagTargetType(parsed);
    graph.tagTargets.set(index, targetType);
    for (const h of parsed.headers) {
      if (h.key === 'object') this.#refer(graph, value(h), targetType === 'tag' || targetType === 'tree' ? targetType : null);
    }
  }

  #refer(graph: RewriteGraph, id: string, expected: ObjectType | null): void {
    const index = this.#table.indexOf(id);
    if (index < 0) this.#outside.add(id);
    else if (expected !== null) graph.edges.push(index);
  }

  /** What earlier syncs made of the ids outside this one, asked in batches (none in a first sync). */
  async lookUpOutside(): Promise<void> {
    const outside = this.#outside;
    for (let at = 0; at < outside.size; at += LOOKUP_BATCH) {
      const ids: string[] = [];
      for (let i = at; i < Math.min(outside.size, at + LOOKUP_BATCH); i++) ids.push(outside.id(i));
      for (const [id, sanitized] of await this.#input.persisted(ids)) outside.rewrite(outside.indexOf(id), sanitized);
    }
  }

  /**
   * An earlier sync's blob under an allowed name: unscannable when its sanitized id is the withheld
   * stand-in for its size (only the stand-in depends on nothing but the size).
   */
  async recheckOutside(): Promise<void> {
    const outside = this.#outside;
    const recheck = [...this.#outsideCandidates].filter((id) => {
      const sanitized = outside.sanitized(outside.indexOf(id));
      return sanitized !== undefined && sanitized !== id;
    });
    if (recheck.length === 0) return;
    for await (const batch of this.#input.source.readBatches(recheck, { views: true })) {
      for (const obj of batch) {
        if (outside.sanitized(outside.indexOf(obj.id)) === hashObject('blob', withheldBlob(obj.content.length))) this.#unscannableOutside.add(obj.id);
      }
    }
  }

  /**
   * After pass 1, when the names of every new tree are known: the variants of blobs whose names select
   * otherwise than the default form (blob-variants.ts), read again from upstream and written to the pack.
   */
  async settleVariants(): Promise<void> {
    const v = this.#variants;
    const outside = v.namedOutside();
    const kindSensitive = this.#input.kindSensitive;
    const known = outside.length > 0 && kindSensitive ? await kindSensitive(outside) : new Map<string, number>();
    const keys = v.candidates(known);
    if (keys.length === 0) return;
    const table = this.#table;
    for await (const batch of this.#input.source.readBatches(keys.map((k) => (typeof k === 'number' ? table.id(k) : k)), { views: true })) {
      for (const obj of batch) {
        const index = table.indexOf(obj.id);
        const made = v.make(index >= 0 ? index : obj.id, obj.content, this.#mapped(obj.id));
        if (made !== undefined) await this.#emitVariant(index >= 0 ? index : obj.id, made);
        // An earlier sync's default form now served, its secrets on record below: no need to read it again.
        if (index < 0 && made?.isDefault === true) this.#recordedDefaults.set(obj.id, known.get(obj.id)! & ~DEFAULT_UNRECORDED);
      }
    }
  }

  /** Writes a variant once; its secrets go to the paths of the entries that serve it (#entryId). */
  async #emitVariant(key: BlobKey, made: Variant): Promise<void> {
    if (made.isDefault) {
      // An earlier sync may have served only a variant of it: the default's secrets go on record now.
      if (typeof key === 'string' && made.secrets.length > 0) this.#outsideSecrets.set(key, made.secrets);
      return;
    }
    if (!this.#variantIds.has(made.id)) {
      this.#variantIds.add(made.id);
      this.#stats.variants++;
      if (!this.#input.pack.write('blob', made.content)) await this.#input.pack.drain();
    }
    this.#carries(made.id, made.secrets);
    if (typeof key === 'string') {
      if (made.secrets.length > 0) this.#outsideSecrets.set(key, made.secrets);
      return;
    }
    const unused = this.#blobSecrets.get(key);
    if (unused !== undefined) this.#unusedDefaults.set(key, unused);
    if (made.secrets.length > 0) this.#blobSecrets.set(key, made.secrets);
    else this.#blobSecrets.delete(key);
  }

  /** Pass 2: commits parents first, then tags, then trees that only refs or tags reach (the plan's units). */
  async rewritePass(plan: RewritePlan, commits: number): Promise<void> {
    const table = this.#table;
    const reader = new OrderedReader(this.#input.source.readBatches(orderedIds(table, plan.order), { views: false }), plan.order, table);
    this.#reader = reader;
    this.#done = new Uint8Array(table.size);
    try {
      const cstep = Math.max(1, Math.floor(commits / 100));
      for (let u = 0; u < plan.units.length; u++) {
        const start = reader.taken;
        await reader.readUntil(plan.units.get(u));
        const index = plan.order.get(start);
        if (u < plan.firstTagUnit) this.#rewriteCommitAt(index);
        else if (u < plan.firstTreeUnit) this.#rewriteTagAt(index);
        else this.#rewriteLoneTreeAt(index);
        if (reader.taken !== plan.units.get(u)) throw new MirrorError(codes.badObject, `upstream object ${table.id(index)} was not rewritten in the order read`);
        await this.#settlePack();
        if (u < plan.firstTagUnit && (u + 1) % cstep === 0) this.#input.onProgress?.({ phase: 'rewriting', done: u + 1, total: commits });
      }
      await this.#input.pack.drain();
      await this.#input.historyPack?.drain();
    } finally {
      await reader.close();
    }
  }

  /** The outcome, after a check that every commit, tree and tag went through the policy. */
  output(): RewriteOutput {
    const table = this.#table;
    // Fail closed: an object left out above would be copied as it is, unscanned.
    for (let i = 0; i < table.size; i++) {
      if (table.type(i) !== 'blob' && this.#done[i] === 0) throw new MirrorError(codes.badObject, `upstream object ${table.id(i)} was not rewritten`);
    }
    // Blobs never reached through a tree keep their secrets unattributed.
    for (const index of [...this.#blobSecrets.keys()]) this.#attribute(index, null, null);
    const resolve = async (ids: readonly string[]): Promise<Map<string, string>> => {
      const unknown = [...new Set(ids.filter((id) => table.indexOf(id) < 0 && this.#outside.indexOf(id) < 0))];
      const found = unknown.length > 0 ? await this.#input.persisted(unknown) : new Map<string, string>();
      return new Map(ids.map((id) => [id, found.get(id) ?? this.#mapped(id)]));
    };
    for (const found of this.#outsideSecrets.values()) for (const s of found) this.#secrets.push({ ...s, path: null, commitId: null });
    return {
      unchanged: table.size - table.rewritten, secrets: this.#secrets, objectTokens: this.#objectTokens, resolve,
      stats: this.#stats, originals: [...this.#originals], kindSensitive: this.#kindSensitive(),
    };
  }

  /** Kind-sensitive blobs to persist; a default form whose secrets went on no record is marked so a later name records them. */
  #kindSensitive(): Map<string, number> {
    const out = new Map<string, number>(this.#recordedDefaults);
    for (const [i, kinds] of this.#variants.sensitive()) out.set(this.#table.id(i), kinds | (this.#unusedDefaults.has(i) ? DEFAULT_UNRECORDED : 0));
    return out;
  }

  #take(index: number): RawObject {
    const obj = this.#reader!.take(index);
    this.#done[index] = 1;
    return obj;
  }

  #pending(index: number, type: ObjectType): boolean {
    return index >= 0 && this.#table.type(index) === type && this.#done[index] === 0;
  }

  #rewriteCommitAt(index: number): void {
    const obj = this.#take(index);
    this.#commitId = obj.id;
    this.#record(index, 'commit', obj.id, rewriteCommit(obj.content, obj.id, this.#commitContext));
  }

  // A tag may point at another tag, a tree or a blob.
  #rewriteTagAt(index: number): void {
    const obj = this.#take(index);
    this.#record(index, 'tag', obj.id, rewriteTag(obj.content, obj.id, this.#tagContext));
  }

  #mapTagTarget(id: string, type: string): string {
    if (type === 'tree') return this.#mapTree(id, false, null);
    if (type === 'tag') {
      const t = this.#table.indexOf(id);
      if (this.#pending(t, 'tag')) this.#rewriteTagAt(t);
    }
    const blob = this.#unusedDefaults.size > 0 && type === 'blob' ? this.#table.indexOf(id) : -1;
    if (this.#unusedDefaults.has(blob)) {
      // A tag serves the blob's default form: its secrets are on record too.
      for (const s of this.#unusedDefaults.get(blob)!) this.#secrets.push({ ...s, path: null, commitId: null });
      this.#unusedDefaults.delete(blob);
    }
    return this.#mapped(id);
  }

  /** A commit's or tag's outcome: its secrets (no path), the withheld count, the new object. */
  #record(index: number, type: 'commit' | 'tag', id: string, r: ObjectOutcome): void {
    this.#stats.withheld += r.withheld;
    for (const s of r.secrets) this.#secrets.push({ ...s, path: null, commitId: id });
    if (r.content !== null) this.#carries(this.#emit(index, type, r.content), r.secrets);
  }

  /** Maps a tree id the way a commit or tag refers to it, rewriting it first if it is new. */
  #mapTree(id: string, paths: boolean, commitId: string | null): string {
    const index = this.#table.indexOf(id);
    if (this.#pending(index, 'tree')) {
      this.#paths = paths;
      this.#commitId = commitId;
      this.#rewriteTreeAt(index, null);
    }
    return this.#mapped(id);
  }

  /** A tree no commit or tag of this sync reaches: no paths. */
  #rewriteLoneTreeAt(index: number): void {
    this.#paths = false;
    this.#commitId = null;
    this.#rewriteTreeAt(index, null);
  }

  /**
   * Rewrites the new tree at `index` after the new trees below it (the policy calls back into
   * #entryId); `table.sanitized(index)` then says whether it changed. `dir` null: the root.
   */
  #rewriteTreeAt(index: number, dir: Dir | null): void {
    const obj = this.#take(index);
    const up = this.#dir;
    this.#dir = dir;
    const r = rewriteTree(obj.content, obj.id, this.#treeContext);
    this.#dir = up;
    // Each secret is recorded under the (sanitized) path of the entry its token went into.
    for (let i = 0; i < r.secrets.length; i++) {
      const n = r.secretNames[i] ?? null;
      this.#secrets.push({ ...r.secrets[i]!, path: this.#paths && n !== null ? pathOf(dir, n) : null, commitId: this.#commitId });
    }
    if (r.content !== null) this.#carries(this.#emit(index, 'tree', r.content), r.secrets);
  }

  /**
   * A tree entry's sanitized id as 20 bytes (undefined: keep the upstream id), rewriting a new subtree
   * first. The entry's name is only cut out of `raw` where a path or a variant needs it.
   */
  #entryId(kind: EntryKind, raw: Buffer, at: number, nameStart: number, renamed: Buffer | null): Uint8Array | undefined {
    const table = this.#table;
    const child = table.indexOfRaw(raw, at);
    const name = (): Buffer => renamed ?? raw.subarray(nameStart, at - 1);
    let nid: Uint8Array | undefined;
    if (child >= 0) {
      if (kind === 'tree') {
        if (this.#pending(child, 'tree')) this.#rewriteTreeAt(child, this.#paths ? { up: this.#dir, name: name() } : null);
      } else if (this.#blobSecrets.size > 0 && this.#blobSecrets.has(child)) {
        this.#attribute(child, this.#paths ? pathOf(this.#dir, name()) : null, this.#commitId);
      }
      const variant = kind === 'blob' ? this.#variants.idOf(child) : undefined;
      nid = variant !== undefined ? Buffer.from(variant, 'hex') : table.sanitizedRaw(child);
    } else {
      const other = this.#outside.indexOfRaw(raw, at);
      nid = other >= 0 ? this.#outside.sanitizedRaw(other) : undefined;
      if (kind === 'blob' && this.#outsideSecrets.size + this.#variantIds.size > 0) {
        const variant = this.#outsideVariant(raw.toString('hex', at, at + 20), name());
        if (variant !== undefined) nid = Buffer.from(variant, 'hex');
      }
    }
    if (nid !== undefined && kind === 'blob' && this.#allowGlobs.length > 0
      && (child >= 0 ? this.#unscannable.has(child) : this.#unscannableOutside.has(raw.toString('hex', at, at + 20)))
      && this.#allowed(raw.subarray(nameStart, at - 1))) {
      // allowUnscannable: this name serves the upstream blob as it is.
      this.#originals.add(raw.toString('hex', at, at + 20));
      return undefined;
    }
    return nid;
  }

  /** The variant an earlier sync's blob has in this sync, its secrets attributed to the first path that serves it. */
  #outsideVariant(id: string, name: Buffer): string | undefined {
    const found = this.#outsideSecrets.get(id);
    if (found !== undefined) {
      this.#outsideSecrets.delete(id);
      const path = this.#paths ? pathOf(this.#dir, name) : null;
      for (const s of found) this.#secrets.push({ ...s, path, commitId: this.#commitId });
    }
    return this.#variants.idOf(id);
  }

  #attribute(blob: number, path: string | null, commitId: string | null): void {
    const found = this.#blobSecrets.get(blob);
    if (!found) return;
    this.#blobSecrets.delete(blob);
    for (const s of found) this.#secrets.push({ ...s, path, commitId });
  }

  #allowed(name: Buffer): boolean {
    return this.#allowGlobs.length > 0 && this.#allowGlobs.some((g) => g.test(name.toString('utf8')));
  }

  /** Records the rewritten object and hands it to the pack (synchronously when it is small). */
  #emit(index: number, type: ObjectType, content: Buffer): string {
    const id = hashObject(type, content);
    if (type === 'blob') this.#recheck?.emitted(index, this.#input.pack.accepted);
    const pack = type === 'blob' ? this.#input.pack : this.#input.historyPack ?? this.#input.pack;
    if (!pack.write(type, content, id)) this.#packBusy = pack;
    this.#table.rewrite(index, id);
    this.#stats.rewritten++;
    return id;
  }

  async #settlePack(): Promise<void> {
    const busy = this.#packBusy;
    if (busy === null) return;
    this.#packBusy = null;
    await busy.drain();
  }

  #carries(sanitizedId: string, found: readonly TakenSecret[]): void {
    if (found.length > 0) this.#objectTokens.set(sanitizedId, [...new Set(found.map((f) => f.token))]);
  }

  #mapped(id: string): string {
    const index = this.#table.indexOf(id);
    if (index >= 0) return this.#table.sanitized(index) ?? id;
    const out = this.#outside.indexOf(id);
    return (out >= 0 ? this.#outside.sanitized(out) : undefined) ?? id;
  }
}

function* orderedIds(table: ObjectTable, order: IntList): Generator<string> {
  for (let i = 0; i < order.length; i++) yield table.id(order.get(i));
}

/** A commit's parent ids: header lines right after 'tree'; stops at the first blank line. */
function parentIds(raw: Buffer): string[] {
  const res: string[] = [];
  let at = 0;
  for (;;) {
    const nl = raw.indexOf(0x0a, at);
    if (nl < 0 || nl === at) break;
    if (raw[at] === 0x70 && raw.subarray(at, at + 7).toString('latin1') === 'parent ') {
      res.push(raw.subarray(at + 7, at + 47).toString('latin1'));
    }
    at = nl + 1;
  }
  return res;
}
