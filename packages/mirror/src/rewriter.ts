/**
 * The rewrite: turns new upstream objects into sanitized ones, parents first.
 *   blob   : scan → tokenize secret spans → new blob (or unchanged)
 *   tree   : entry ids mapped, entry names scanned (header-rewrite.ts, tree-names.ts), bytes otherwise exact
 *   commit : mapped tree and parents, signature and mergetag headers dropped, other headers and message scanned
 *   tag    : mapped target, signature dropped, other headers and message scanned
 * Rewritten objects go into a pack file; unchanged objects are listed for a delta-reusing copy.
 *
 * Memory does not grow with the history. Pass 1 streams every object once, settles blobs, and keeps
 * only the compact object table, each commit's parents and the new trees' child trees (int32 indices).
 * From those the exact order in which pass 2 will need commits, trees and tags is known, so pass 2
 * streams them again from git in that order and holds one commit's new trees at a time.
 */
import {
  hashObject, makeHeader, parseHeadered, scanTree, serializeHeadered, splitTagSignature, headerValue,
  type EntryKind, type ObjectType, type PackWriter, type HeaderedObject, type ObjectHeader,
} from '@gitgate/objects';
import { globToRegExp, type Scanner } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import type { RawObject } from './cat-file-batch.js';
import { ObjectTable } from './object-table.js';
import { tokenizeBlob, type TakenSecret } from './tokenize.js';
import { createPlaceTokenizer, type PlaceTokenizer, type Tokenized } from './place-tokenizer.js';
import { isStructuralHeader, rewriteHeader } from './header-rewrite.js';
import { renameTreeEntries, scanTreeNames } from './tree-names.js';
import { MirrorError, codes } from './errors.js';

/** Headers that carry signatures over the upstream bytes; they would be invalid after the rewrite. */
const DROPPED_COMMIT_HEADERS = new Set(['gpgsig', 'gpgsig-sha256', 'mergetag']);

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
  onProgress?: (p: RewriteProgress) => void;
  /**
   * Base-name globs (`*.zip`, `logo.gz`): a tree entry so named keeps the upstream id of a blob that
   * could not be scanned, instead of the withheld stand-in. Names only, never paths: a tree is
   * content-addressed and sits at many paths, so only its own bytes may decide its sanitized id.
   */
  allowUnscannable?: readonly string[];
}

export interface RewriteOutput {
  /** How many new objects are copied as they are (`objects.unchanged()` lists them). */
  unchanged: number;
  secrets: SecretSighting[];
  /** Tokens carried by each rewritten object (sanitized id → tokens), for exposure auditing. */
  objectTokens: Map<string, string[]>;
  /** Upstream id → sanitized id for the given ids, from this run's objects and earlier runs'. */
  resolve(ids: readonly string[]): Promise<Map<string, string>>;
  stats: { objects: number; blobsScanned: number; bytesScanned: number; rewritten: number; withheld: number };
  /**
   * Upstream ids of unscannable blobs that a tree serves as they are (allowUnscannable): the caller
   * copies those the sanitized store lacks.
   */
  originals: string[];
}

/** Content that replaces an object that cannot be scanned (fail closed, deterministic). */
export function withheldBlob(size: number): Buffer {
  return Buffer.from(`gitgate: this file (${size} bytes) could not be scanned for secrets and was withheld.\n`);
}

/** Replaces a commit or tag message that cannot be scanned. */
const WITHHELD_MESSAGE = Buffer.from('gitgate: this message could not be scanned for secrets and was withheld.\n');

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

/** Runs the rewrite over the new objects. Throws MirrorError on malformed or unreadable objects. */
export async function rewrite(input: RewriteInput): Promise<RewriteOutput> {
  const { scanner, minter, pack, objects: table } = input;
  // Secrets of blobs not yet attributed to a path, by table index.
  const blobSecrets = new Map<number, TakenSecret[]>();
  const secrets: SecretSighting[] = [];
  const objectTokens = new Map<string, string[]>();
  const carries = (sanitizedId: string, found: readonly TakenSecret[]): void => {
    if (found.length > 0) objectTokens.set(sanitizedId, [...new Set(found.map((f) => f.token))]);
  };
  const stats = { objects: 0, blobsScanned: 0, bytesScanned: 0, rewritten: 0, withheld: 0 };
  // Ids outside this sync that its objects point at, with the sanitized id an earlier sync gave them.
  const outside = new ObjectTable();
  // Set when the pack writer queued an object: wait for it at the next point that can.
  let packBusy = false;
  // allowUnscannable: which names may keep an unscannable blob, which blobs were unscannable (table
  // indices; outside ids once checked), and the upstream blobs served as they are.
  const allowGlobs = (input.allowUnscannable ?? []).map((g) => globToRegExp(g));
  const allowed = (name: Buffer): boolean => allowGlobs.length > 0 && allowGlobs.some((g) => g.test(name.toString('utf8')));
  const unscannable = new Set<number>();
  const unscannableOutside = new Set<string>();
  const outsideCandidates = new Set<string>();
  const originals = new Set<string>();

  /** Records the rewritten object and hands it to the pack (synchronously when it is small). */
  const emit = (index: number, type: ObjectType, content: Buffer): string => {
    const id = hashObject(type, content);
    if (!pack.write(type, content)) packBusy = true;
    table.rewrite(index, id);
    stats.rewritten++;
    return id;
  };
  const settlePack = async (): Promise<void> => {
    if (!packBusy) return;
    packBusy = false;
    await pack.drain();
  };
  const mapped = (id: string): string => {
    const index = table.indexOf(id);
    if (index >= 0) return table.sanitized(index) ?? id;
    const out = outside.indexOf(id);
    return (out >= 0 ? outside.sanitized(out) : undefined) ?? id;
  };
  const plain = createPlaceTokenizer(scanner, minter);
  // Blobs and messages are scanned once each; headers and names repeat (see memoized).
  const tokenizer = memoized(plain);
  const scanText = (bytes: Buffer): { content: Buffer; secrets: TakenSecret[] } => plain(bytes, 'text');
  /** A commit's or tag's headers other than the mapped ones, scanned (header-rewrite.ts). */
  const scanHeader = (objectType: 'commit' | 'tag', h: ObjectHeader, found: TakenSecret[]): ObjectHeader | null => {
    const r = rewriteHeader(objectType, h, tokenizer);
    if (r.withheld) stats.withheld++;
    found.push(...r.secrets);
    return r.header;
  };
  /** Messages fail closed one object at a time: an unscannable message is withheld, the sync goes on. */
  const scanMessage = (bytes: Buffer): { content: Buffer; secrets: TakenSecret[] } => {
    try {
      return scanText(bytes);
    } catch {
      stats.withheld++;
      return { content: WITHHELD_MESSAGE, secrets: [] };
    }
  };

  // Pass 1: stream every object; blobs are settled on the spot, the rest waits for its children. Kept
  // per commit: its parents (for the order of pass 2) and root trees; per tree: its child trees; per
  // tag: its target, all as table indices. Ids outside the table go to `outside`. Objects are views
  // into the pipe's chunks: nothing below keeps one (tokenize copies what it takes; the pack deflates
  // or queues its own buffers).
  const total = table.size;
  const commits: number[] = [];
  const parentStart: number[] = [];
  const parents: number[] = [];
  const edgeStart = new Int32Array(total + 1);
  const edges = new IntList();
  const tagTargets = new Map<number, string>(); // tag index → what its type header says it points at
  const refer = (id: string, expected: ObjectType | null): void => {
    const index = table.indexOf(id);
    if (index < 0) outside.add(id);
    else if (expected !== null) edges.push(index);
  };
  let seen = 0;
  const step = Math.max(1, Math.floor(total / 100));
  for await (const batch of input.source.readBatches(table.ids(), { views: true })) {
    for (const obj of batch) {
      const index = seen;
      // The stream answers in the order asked, i.e. table order.
      if (table.indexOf(obj.id) !== index) throw new MirrorError(codes.gitOutput, `git cat-file returned ${obj.id} for ${table.id(index)}`);
      table.setType(index, obj.type);
      stats.objects++;
      if (obj.type === 'blob') {
        stats.blobsScanned++;
        stats.bytesScanned += obj.content.length;
        let result: { content: Buffer; secrets: TakenSecret[] };
        try {
          result = tokenizeBlob(scanner, obj.content, minter);
        } catch {
          // Fail closed: what cannot be scanned is never served as is.
          result = { content: withheldBlob(obj.content.length), secrets: [] };
          stats.withheld++;
          unscannable.add(index);
        }
        if (result.content !== obj.content) {
          carries(emit(index, 'blob', result.content), result.secrets);
          if (result.secrets.length > 0) blobSecrets.set(index, result.secrets);
          await settlePack();
        }
      } else if (obj.type === 'tree') {
        const raw = obj.content;
        scanTreeOrThrow(table, index, raw, (kind, at, nameStart) => {
          if (kind === 'gitlink') return; // a submodule commit lives in another repository
          const child = table.indexOfRaw(raw, at);
          if (child < 0) {
            outside.addRaw(raw, at);
            if (kind === 'blob' && allowGlobs.length > 0 && allowed(raw.subarray(nameStart, at - 1))) outsideCandidates.add(raw.toString('hex', at, at + 20));
          } else if (kind === 'tree') edges.push(child);
        });
      } else if (obj.type === 'commit') {
        commits.push(index);
        parentStart.push(parents.length);
        for (const p of parentIds(obj.content)) parents.push(table.indexOf(p));
        for (const h of parseOrThrow(obj.id, obj.content).headers) {
          if (h.key === 'tree') refer(value(h), 'tree');
          else if (h.key === 'parent') refer(value(h), null);
        }
      } else {
        const parsed = parseOrThrow(obj.id, obj.content);
        const targetType = tagTargetType(parsed);
        tagTargets.set(index, targetType);
        for (const h of parsed.headers) {
          if (h.key === 'object') refer(value(h), targetType === 'tag' || targetType === 'tree' ? targetType : null);
        }
      }
      edgeStart[index + 1] = edges.length;
      if (++seen % step === 0) input.onProgress?.({ phase: 'scanning', done: seen, total });
    }
  }
  parentStart.push(parents.length);
  if (seen !== total) throw new MirrorError(codes.gitOutput, `git cat-file returned ${seen} of ${total} objects`);

  // What earlier syncs made of the ids outside this one, asked in batches (none in a first sync).
  for (let at = 0; at < outside.size; at += LOOKUP_BATCH) {
    const ids: string[] = [];
    for (let i = at; i < Math.min(outside.size, at + LOOKUP_BATCH); i++) ids.push(outside.id(i));
    for (const [id, sanitized] of await input.persisted(ids)) outside.rewrite(outside.indexOf(id), sanitized);
  }
  // An earlier sync's blob under an allowed name: unscannable when its sanitized id is the withheld
  // stand-in for its size (only the stand-in depends on nothing but the size).
  const recheck = [...outsideCandidates].filter((id) => {
    const sanitized = outside.sanitized(outside.indexOf(id));
    return sanitized !== undefined && sanitized !== id;
  });
  if (recheck.length > 0) {
    for await (const batch of input.source.readBatches(recheck, { views: true })) {
      for (const obj of batch) {
        if (outside.sanitized(outside.indexOf(obj.id)) === hashObject('blob', withheldBlob(obj.content.length))) unscannableOutside.add(obj.id);
      }
    }
  }

  // The order in which pass 2 takes objects, worked out by the same walk it does (a tree is entered
  // once, at its first visit): per commit in topological order, the commit and then its unvisited trees
  // depth first; then each tag with the tags and trees it reaches; then trees no commit or tag reaches.
  // `units` ends each piece pass 2 handles in one go, so all of a piece is read before it is rewritten.
  const visited = new Uint8Array(total);
  const order = new IntList();
  const units = new IntList();
  const unvisited = (index: number, type: ObjectType): boolean => index >= 0 && table.type(index) === type && visited[index] === 0;
  const visitTree = (index: number): void => {
    if (!unvisited(index, 'tree')) return;
    visited[index] = 1;
    order.push(index);
    for (let e = edgeStart[index]; e < edgeStart[index + 1]; e++) visitTree(edges.get(e));
  };
  const visitTag = (index: number): void => {
    if (!unvisited(index, 'tag')) return;
    visited[index] = 1;
    order.push(index);
    const targetType = tagTargets.get(index);
    for (let e = edgeStart[index]; e < edgeStart[index + 1]; e++) {
      if (targetType === 'tag') visitTag(edges.get(e));
      else visitTree(edges.get(e));
    }
  };
  const commitOrder = topoOrder(commits, parentStart, parents, total);
  for (const index of commitOrder) {
    visited[index] = 1;
    order.push(index);
    for (let e = edgeStart[index]; e < edgeStart[index + 1]; e++) visitTree(edges.get(e));
    units.push(order.length);
  }
  const firstTagUnit = units.length;
  for (let index = 0; index < total; index++) {
    if (!unvisited(index, 'tag')) continue;
    visitTag(index);
    units.push(order.length);
  }
  const firstTreeUnit = units.length;
  for (let index = 0; index < total; index++) {
    if (!unvisited(index, 'tree')) continue;
    visitTree(index);
    units.push(order.length);
  }

  const attribute = (blob: number, path: string | null, commitId: string | null): void => {
    const found = blobSecrets.get(blob);
    if (!found) return;
    blobSecrets.delete(blob);
    for (const s of found) secrets.push({ ...s, path, commitId });
  };

  // Pass 2 reads `order` as one stream; `arrived` holds what came and was not taken yet.
  const stream = input.source.readBatches(orderedIds(table, order), { views: false })[Symbol.asyncIterator]();
  let arrived: RawObject[] = [];
  let arrivedAt = 0;
  let taken = 0; // position in `order` of the next object to take
  let received = 0; // position in `order` of the next object to arrive
  /** Reads until the object at position `end - 1` of `order` has arrived. */
  const readUntil = async (end: number): Promise<void> => {
    while (received < end) {
      const next = await stream.next();
      if (next.done) throw new MirrorError(codes.gitOutput, 'git cat-file ended before every object was read');
      if (arrivedAt > 0) {
        arrived = arrived.slice(arrivedAt);
        arrivedAt = 0;
      }
      for (const obj of next.value) arrived.push(obj);
      received += next.value.length;
    }
  };
  const done = new Uint8Array(total);
  /** The next object of the stream, which must be `index` (the walk above and the rewrite agree). */
  const take = (index: number): Buffer => {
    const obj = arrived[arrivedAt];
    if (obj === undefined || order.get(taken) !== index || table.indexOf(obj.id) !== index) {
      // Cannot happen; never guess past it.
      throw new MirrorError(codes.badObject, `upstream object ${table.id(index)} was not read in the order of the rewrite`);
    }
    arrived[arrivedAt++] = NO_OBJECT;
    taken++;
    done[index] = 1;
    return obj.content;
  };
  const pending = (index: number, type: ObjectType): boolean => index >= 0 && table.type(index) === type && done[index] === 0;

  /**
   * Rewrites the new tree at `index` after the new trees below it; `table.sanitized(index)` then says
   * whether it changed. Works on the raw bytes: a changed entry gets its new id written over the old
   * one, so everything else (modes, names, order) stays byte-identical. `paths` false: no paths (a tree
   * reached without a commit); `dir` null: the root.
   */
  const rewriteTree = (index: number, paths: boolean, dir: Dir | null, commitId: string | null): void => {
    const raw = take(index);
    let out: Buffer | null = null;
    // Names first: a secret in a name must not reach the paths recorded below either.
    let renamed: ReturnType<typeof scanTreeNames>;
    try {
      renamed = scanTreeNames(raw, tokenizer);
    } catch (e) {
      if (e instanceof MirrorError) throw e;
      throw new MirrorError(codes.rewriteFailed, `the entry names of upstream tree ${table.id(index)} could not be scanned`, { cause: e });
    }
    let entry = 0;
    scanTreeOrThrow(table, index, raw, (kind, at, nameStart) => {
      const name = renamed?.names[entry++] ?? raw.subarray(nameStart, at - 1);
      if (kind === 'gitlink') return;
      const child = table.indexOfRaw(raw, at);
      let nid: string | undefined;
      if (child >= 0) {
        if (kind === 'tree') {
          if (pending(child, 'tree')) rewriteTree(child, paths, paths ? { up: dir, name } : null, commitId);
        } else if (blobSecrets.size > 0 && blobSecrets.has(child)) {
          attribute(child, paths ? pathOf(dir, name) : null, commitId);
        }
        nid = table.sanitized(child);
      } else {
        const other = outside.indexOfRaw(raw, at);
        nid = other >= 0 ? outside.sanitized(other) : undefined;
      }
      if (nid !== undefined && kind === 'blob' && allowGlobs.length > 0
        && (child >= 0 ? unscannable.has(child) : unscannableOutside.has(raw.toString('hex', at, at + 20)))
        && allowed(raw.subarray(nameStart, at - 1))) {
        // allowUnscannable: this name serves the upstream blob as it is.
        originals.add(raw.toString('hex', at, at + 20));
        nid = undefined;
      }
      if (nid !== undefined && nid !== raw.toString('hex', at, at + 20)) {
        out ??= Buffer.from(raw);
        out.write(nid, at, 20, 'hex');
      }
    });
    if (renamed) {
      // Each secret is recorded under the (sanitized) path of the entry its token went into.
      for (const s of renamed.secrets) {
        const n = renamed.names.find((m) => m !== null && m.includes(s.token)) ?? null;
        secrets.push({ ...s, path: paths && n !== null ? pathOf(dir, n) : null, commitId });
      }
      const content = renameTreeEntries(out ?? raw, renamed.names, table.id(index));
      const id = emit(index, 'tree', content);
      carries(id, renamed.secrets);
    } else if (out !== null) {
      emit(index, 'tree', out);
    }
  };
  /** Maps a tree id the way a commit or tag refers to it, rewriting it first if it is new. */
  const mapTree = (id: string, paths: boolean, commitId: string | null): string => {
    const index = table.indexOf(id);
    if (pending(index, 'tree')) rewriteTree(index, paths, null, commitId);
    return mapped(id);
  };
  const rewriteCommit = (index: number): void => {
    const id = table.id(index);
    const raw = take(index);
    const obj = parseOrThrow(id, raw);
    const headers = [];
    const found: TakenSecret[] = [];
    for (const h of obj.headers) {
      if (DROPPED_COMMIT_HEADERS.has(h.key)) continue;
      if (!isStructuralHeader('commit', h)) {
        const kept = scanHeader('commit', h, found);
        if (kept !== null) headers.push(kept);
      } else if (h.key === 'tree') headers.push(makeHeader('tree', mapTree(value(h), true, id)));
      else if (h.key === 'parent') headers.push(makeHeader('parent', mapped(value(h))));
      else headers.push(h);
    }
    let message = obj.message;
    if (message !== null) {
      const r = scanMessage(message);
      message = r.content;
      found.push(...r.secrets);
    }
    for (const s of found) secrets.push({ ...s, path: null, commitId: id });
    const bytes = serializeHeadered({ headers, message, unterminated: obj.unterminated });
    if (!bytes.equals(raw)) carries(emit(index, 'commit', bytes), found);
  };
  // A tag may point at another tag, a tree or a blob.
  const rewriteTag = (index: number): void => {
    const id = table.id(index);
    const raw = take(index);
    const obj = parseOrThrow(id, raw);
    const targetType = tagTargetType(obj);
    const headers = [];
    const found: TakenSecret[] = [];
    for (const h of obj.headers) {
      if (h.key === 'gpgsig' || h.key === 'gpgsig-sha256') continue;
      if (!isStructuralHeader('tag', h)) {
        const kept = scanHeader('tag', h, found);
        if (kept !== null) headers.push(kept);
      } else if (h.key === 'object') {
        const target = value(h);
        let nid: string;
        if (targetType === 'tag') {
          const t = table.indexOf(target);
          if (pending(t, 'tag')) rewriteTag(t);
          nid = mapped(target);
        } else if (targetType === 'tree') {
          nid = mapTree(target, false, null);
        } else {
          nid = mapped(target);
        }
        headers.push(makeHeader('object', nid));
      } else {
        headers.push(h);
      }
    }
    let message = obj.message;
    if (message !== null) {
      const body = splitTagSignature(message).body;
      const r = scanMessage(body);
      message = r.content;
      found.push(...r.secrets);
    }
    for (const s of found) secrets.push({ ...s, path: null, commitId: id });
    const bytes = serializeHeadered({ headers, message, unterminated: obj.unterminated });
    if (!bytes.equals(raw)) carries(emit(index, 'tag', bytes), found);
  };

  try {
    // Pass 2: commits parents first, then tags, then trees that only refs or tags reach.
    const cstep = Math.max(1, Math.floor(commitOrder.length / 100));
    for (let u = 0; u < units.length; u++) {
      const start = taken;
      await readUntil(units.get(u));
      const index = order.get(start);
      if (u < firstTagUnit) rewriteCommit(index);
      else if (u < firstTreeUnit) rewriteTag(index);
      else rewriteTree(index, false, null, null);
      if (taken !== units.get(u)) throw new MirrorError(codes.badObject, `upstream object ${table.id(index)} was not rewritten in the order read`);
      await settlePack();
      if (u < firstTagUnit && (u + 1) % cstep === 0) input.onProgress?.({ phase: 'rewriting', done: u + 1, total: commitOrder.length });
    }
    await pack.drain();
  } finally {
    await stream.return?.();
  }
  // Fail closed: an object left out above would be copied as it is, unscanned.
  for (let i = 0; i < total; i++) {
    if (table.type(i) !== 'blob' && done[i] === 0) throw new MirrorError(codes.badObject, `upstream object ${table.id(i)} was not rewritten`);
  }
  // Blobs never reached through a tree keep their secrets unattributed.
  for (const index of [...blobSecrets.keys()]) attribute(index, null, null);

  const resolve = async (ids: readonly string[]): Promise<Map<string, string>> => {
    const unknown = [...new Set(ids.filter((id) => table.indexOf(id) < 0 && outside.indexOf(id) < 0))];
    const found = unknown.length > 0 ? await input.persisted(unknown) : new Map<string, string>();
    return new Map(ids.map((id) => [id, found.get(id) ?? mapped(id)]));
  };
  return { unchanged: table.size - table.rewritten, secrets, objectTokens, resolve, stats, originals: [...originals] };
}

const NO_OBJECT: RawObject = { id: '', type: 'blob', content: Buffer.alloc(0) };

/** Longest place remembered by `memoized`, and how many bytes of places it keeps before starting over. */
const MEMO_PLACE_BYTES = 4096;
const MEMO_TOTAL_BYTES = 4 << 20;

/**
 * Remembers the outcome for short places seen before within one rewrite: the same identities sign many
 * commits and a directory keeps its names across most versions of its tree, so most header and name
 * scans become one Map lookup. Only what one sync holds in memory anyway (never written anywhere).
 */
function memoized(tokenize: PlaceTokenizer): PlaceTokenizer {
  const seen = new Map<string, Tokenized | null>();
  let bytes = 0;
  return (content, form) => {
    if (content.length > MEMO_PLACE_BYTES) return tokenize(content, form);
    const key = form + '\0' + content.toString('latin1');
    const known = seen.get(key);
    if (known === null) return { content, secrets: [] };
    if (known !== undefined) return known;
    const r = tokenize(content, form);
    if (bytes > MEMO_TOTAL_BYTES) {
      seen.clear();
      bytes = 0;
    }
    seen.set(key, r.secrets.length === 0 ? null : r);
    bytes += key.length;
    return r;
  };
}

/** Ids per query to the id map about objects outside the sync. */
const LOOKUP_BATCH = 500;

function* orderedIds(table: ObjectTable, order: IntList): Generator<string> {
  for (let i = 0; i < order.length; i++) yield table.id(order.get(i));
}

/** A growable list of int32, for per-object links that would cost 8+ bytes each in a JS array. */
class IntList {
  #items = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.#items.length) {
      const next = new Int32Array(this.#items.length * 2);
      next.set(this.#items);
      this.#items = next;
    }
    this.#items[this.length++] = value;
  }

  get(i: number): number {
    return this.#items[i];
  }
}

function value(h: { key: string; raw: Buffer }): string {
  return headerValue(h).toString('latin1');
}

/** What a tag's `type` header names (a tag without one is taken to point at a commit). */
function tagTargetType(obj: HeaderedObject): string {
  const typeHeader = obj.headers.find((h) => h.key === 'type');
  return typeHeader ? value(typeHeader) : 'commit';
}

function parseOrThrow(id: string, raw: Buffer): HeaderedObject {
  try {
    return parseHeadered(raw);
  } catch (e) {
    throw new MirrorError(codes.badObject, `upstream object ${id} is malformed`, { cause: e });
  }
}

/** scanTree over the tree at `index` of the table; a malformed tree is a MirrorError naming it. */
function scanTreeOrThrow(table: ObjectTable, index: number, raw: Buffer, visit: (kind: EntryKind, idOffset: number, nameStart: number) => void): void {
  try {
    scanTree(raw, visit);
  } catch (e) {
    if (e instanceof MirrorError) throw e;
    throw new MirrorError(codes.badObject, `upstream tree ${table.id(index)} is malformed`, { cause: e });
  }
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

/**
 * Commits (table indices, in stream order) ordered so that every parent among them comes before its
 * children: an iterative DFS from each commit in stream order, parents in header order. `parents`
 * holds the table index of each commit's parents (-1 outside the table), `parentStart` where each
 * commit's run of them begins.
 */
function topoOrder(commits: readonly number[], parentStart: readonly number[], parents: readonly number[], tableSize: number): Int32Array {
  const position = new Int32Array(tableSize).fill(-1);
  commits.forEach((c, k) => { position[c] = k; });
  const state = new Uint8Array(commits.length); // 0 unseen, 1 on the stack, 2 ordered
  const out = new Int32Array(commits.length);
  let n = 0;
  const stack: number[] = []; // pairs: commit position, next parent slot
  for (let root = 0; root < commits.length; root++) {
    if (state[root] !== 0) continue;
    state[root] = 1;
    stack.push(root, parentStart[root]);
    while (stack.length > 0) {
      const k = stack[stack.length - 2];
      const slot = stack[stack.length - 1];
      if (slot < parentStart[k + 1]) {
        stack[stack.length - 1] = slot + 1;
        const p = parents[slot];
        const pk = p >= 0 ? position[p] : -1;
        if (pk >= 0 && state[pk] === 0) {
          state[pk] = 1;
          stack.push(pk, parentStart[pk]);
        }
      } else {
        state[k] = 2;
        out[n++] = commits[k];
        stack.length -= 2;
      }
    }
  }
  return out;
}
