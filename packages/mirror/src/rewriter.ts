/**
 * The rewrite: turns new upstream objects into sanitized ones, parents first.
 *   blob   : scan → tokenize secret spans → new blob (or unchanged)
 *   tree   : entry ids mapped, bytes otherwise exact
 *   commit : mapped tree and parents, signature and mergetag headers dropped, message scanned
 *   tag    : mapped target, signature dropped, message scanned
 * Rewritten objects go into a pack file; unchanged objects are listed for a delta-reusing copy.
 */
import {
  entryKind, hashObject, makeHeader, parseHeadered, parseTree, serializeHeadered, serializeTree,
  splitTagSignature, headerValue, type ObjectType, type PackWriter, type HeaderedObject,
} from '@gitgate/objects';
import type { Scanner } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import type { RawObject } from './cat-file-batch.js';
import type { IdPair } from './id-map.js';
import { tokenize, type TakenSecret } from './tokenize.js';
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

export interface RewriteInput {
  /** New upstream objects, streamed (every object not reachable from already-synced tips). */
  objects: AsyncIterable<RawObject>;
  total: number;
  /** Changed pairs from earlier syncs (upstream → sanitized). */
  persisted: ReadonlyMap<string, string>;
  scanner: Scanner;
  minter: TokenMinter;
  pack: PackWriter;
  onProgress?: (p: RewriteProgress) => void;
}

export interface RewriteOutput {
  /** Every object this run changed. */
  pairs: IdPair[];
  /** New objects copied as they are. */
  unchanged: string[];
  secrets: SecretSighting[];
  /** Tokens carried by each rewritten object (sanitized id → tokens), for exposure auditing. */
  objectTokens: Map<string, string[]>;
  /** Upstream id → sanitized id for this run's and earlier runs' objects. */
  map(id: string): string;
  stats: { objects: number; blobsScanned: number; bytesScanned: number; rewritten: number; withheld: number };
}

/** Content that replaces an object that cannot be scanned (fail closed, deterministic). */
export function withheldBlob(size: number): Buffer {
  return Buffer.from(`gitgate: this file (${size} bytes) could not be scanned for secrets and was withheld.\n`);
}

/** Replaces a commit or tag message that cannot be scanned. */
const WITHHELD_MESSAGE = Buffer.from('gitgate: this message could not be scanned for secrets and was withheld.\n');

/** Runs the rewrite over the new objects. Throws MirrorError on malformed objects. */
export async function rewrite(input: RewriteInput): Promise<RewriteOutput> {
  const { scanner, minter, pack, persisted } = input;
  const changed = new Map<string, string>();
  const pairs: IdPair[] = [];
  const unchanged: string[] = [];
  const trees = new Map<string, Buffer>();
  const commits = new Map<string, Buffer>();
  const tags = new Map<string, Buffer>();
  const blobSecrets = new Map<string, TakenSecret[]>();
  const secrets: SecretSighting[] = [];
  const objectTokens = new Map<string, string[]>();
  const carries = (sanitizedId: string, found: readonly TakenSecret[]): void => {
    if (found.length > 0) objectTokens.set(sanitizedId, [...new Set(found.map((f) => f.token))]);
  };
  const stats = { objects: 0, blobsScanned: 0, bytesScanned: 0, rewritten: 0, withheld: 0 };
  const order: { id: string; type: ObjectType }[] = [];

  const emit = async (from: string, type: ObjectType, content: Buffer): Promise<string> => {
    const id = hashObject(type, content);
    await pack.add(type, content);
    changed.set(from, id);
    pairs.push({ upstreamId: from, sanitizedId: id, type });
    stats.rewritten++;
    return id;
  };
  const mapped = (id: string): string => changed.get(id) ?? persisted.get(id) ?? id;
  const scanText = (bytes: Buffer): { content: Buffer; secrets: TakenSecret[] } => {
    const findings = scanner.scan(bytes);
    return findings.length === 0 ? { content: bytes, secrets: [] } : tokenize(bytes, findings, minter);
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

  // Pass 1: stream every object; blobs are settled on the spot, the rest waits for its children.
  let seen = 0;
  const step = Math.max(1, Math.floor(input.total / 100));
  for await (const obj of input.objects) {
    order.push({ id: obj.id, type: obj.type });
    stats.objects++;
    if (obj.type === 'blob') {
      stats.blobsScanned++;
      stats.bytesScanned += obj.content.length;
      let result: { content: Buffer; secrets: TakenSecret[] };
      try {
        result = scanText(obj.content);
      } catch {
        // Fail closed: what cannot be scanned is never served as is.
        result = { content: withheldBlob(obj.content.length), secrets: [] };
        stats.withheld++;
      }
      if (result.content !== obj.content) {
        carries(await emit(obj.id, 'blob', result.content), result.secrets);
        if (result.secrets.length > 0) blobSecrets.set(obj.id, result.secrets);
      }
    } else if (obj.type === 'tree') {
      trees.set(obj.id, obj.content);
    } else if (obj.type === 'commit') {
      commits.set(obj.id, obj.content);
    } else {
      tags.set(obj.id, obj.content);
    }
    if (++seen % step === 0) input.onProgress?.({ phase: 'scanning', done: seen, total: input.total });
  }

  const attribute = (blobId: string, path: string | null, commitId: string | null): void => {
    const found = blobSecrets.get(blobId);
    if (!found) return;
    blobSecrets.delete(blobId);
    for (const s of found) secrets.push({ ...s, path, commitId });
  };

  const mapTree = async (id: string, prefix: string | null, commitId: string | null): Promise<string> => {
    const raw = trees.get(id);
    if (raw === undefined) return mapped(id);
    trees.delete(id);
    let entries;
    try {
      entries = parseTree(raw);
    } catch (e) {
      throw new MirrorError(codes.badObject, `upstream tree ${id} is malformed`, { cause: e });
    }
    let dirty = false;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const kind = entryKind(e.mode);
      if (kind === 'gitlink') continue; // a submodule commit lives in another repository
      const path = prefix === null ? null : prefix + e.name.toString('utf8');
      let nid: string;
      if (kind === 'tree') {
        nid = await mapTree(e.id, path === null ? null : path + '/', commitId);
      } else {
        nid = mapped(e.id);
        attribute(e.id, path, commitId);
      }
      if (nid !== e.id) {
        entries[i] = { ...e, id: nid };
        dirty = true;
      }
    }
    return dirty ? emit(id, 'tree', serializeTree(entries)) : id;
  };

  // Pass 2: commits, parents first.
  const commitOrder = topoOrder(commits);
  let done = 0;
  const cstep = Math.max(1, Math.floor(commitOrder.length / 100));
  for (const id of commitOrder) {
    const obj = parseOrThrow(id, commits.get(id)!);
    const headers = [];
    for (const h of obj.headers) {
      if (DROPPED_COMMIT_HEADERS.has(h.key)) continue;
      if (h.key === 'tree') headers.push(makeHeader('tree', await mapTree(value(h), '', id)));
      else if (h.key === 'parent') headers.push(makeHeader('parent', mapped(value(h))));
      else headers.push(h);
    }
    let message = obj.message;
    let found: TakenSecret[] = [];
    if (message !== null) {
      const r = scanMessage(message);
      message = r.content;
      found = r.secrets;
      for (const s of r.secrets) secrets.push({ ...s, path: null, commitId: id });
    }
    const bytes = serializeHeadered({ headers, message, unterminated: obj.unterminated });
    if (!bytes.equals(commits.get(id)!)) carries(await emit(id, 'commit', bytes), found);
    commits.delete(id);
    if (++done % cstep === 0) input.onProgress?.({ phase: 'rewriting', done, total: commitOrder.length });
  }

  // Pass 3: tags (a tag may point at another tag, a tree or a blob).
  const mapTag = async (id: string): Promise<string> => {
    const raw = tags.get(id);
    if (raw === undefined) return mapped(id);
    tags.delete(id);
    const obj = parseOrThrow(id, raw);
    const typeHeader = obj.headers.find((h) => h.key === 'type');
    const targetType = typeHeader ? value(typeHeader) : 'commit';
    const headers = [];
    for (const h of obj.headers) {
      if (h.key === 'object') {
        const target = value(h);
        const nid = targetType === 'tag' ? await mapTag(target) : targetType === 'tree' ? await mapTree(target, null, null) : mapped(target);
        headers.push(makeHeader('object', nid));
      } else if (h.key === 'gpgsig' || h.key === 'gpgsig-sha256') {
        continue;
      } else {
        headers.push(h);
      }
    }
    let message = obj.message;
    let found: TakenSecret[] = [];
    if (message !== null) {
      const body = splitTagSignature(message).body;
      const r = scanMessage(body);
      message = r.content;
      found = r.secrets;
      for (const s of r.secrets) secrets.push({ ...s, path: null, commitId: id });
    }
    const bytes = serializeHeadered({ headers, message, unterminated: obj.unterminated });
    if (bytes.equals(raw)) return id;
    const nid = await emit(id, 'tag', bytes);
    carries(nid, found);
    return nid;
  };
  for (const id of [...tags.keys()]) await mapTag(id);

  // Trees reachable only from refs or tags that point at trees directly.
  for (const id of [...trees.keys()]) await mapTree(id, null, null);
  // Blobs never reached through a tree keep their secrets unattributed.
  for (const id of [...blobSecrets.keys()]) attribute(id, null, null);

  for (const o of order) if (!changed.has(o.id)) unchanged.push(o.id);
  return { pairs, unchanged, secrets, objectTokens, map: mapped, stats };
}

function value(h: { key: string; raw: Buffer }): string {
  return headerValue(h).toString('latin1');
}

function parseOrThrow(id: string, raw: Buffer): HeaderedObject {
  try {
    return parseHeadered(raw);
  } catch (e) {
    throw new MirrorError(codes.badObject, `upstream object ${id} is malformed`, { cause: e });
  }
}

/** Commits ordered so that every parent in the set comes before its children (iterative DFS). */
function topoOrder(commits: ReadonlyMap<string, Buffer>): string[] {
  const out: string[] = [];
  const state = new Map<string, 1 | 2>();
  const parentsOf = (id: string): string[] => {
    const raw = commits.get(id)!;
    const res: string[] = [];
    // Parents are header lines right after 'tree'; stop at the first blank line.
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
  };
  for (const root of commits.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; parents: string[]; i: number }[] = [{ id: root, parents: parentsOf(root), i: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i < top.parents.length) {
        const p = top.parents[top.i++];
        if (commits.has(p) && !state.has(p)) {
          state.set(p, 1);
          stack.push({ id: p, parents: parentsOf(p), i: 0 });
        }
      } else {
        state.set(top.id, 2);
        out.push(top.id);
        stack.pop();
      }
    }
  }
  return out;
}
