/**
 * The per-object policy of the rewrite, as pure functions (bytes + id mapping + tokenizers in, new bytes
 * + secrets out), called by the streaming executor (rewriter.ts) and by tests without git:
 *   blob   : scan → tokenize secret spans (decoded content too) → new blob; unscannable → withheldBlob
 *   tree   : entry names scanned (tree-names.ts), entry ids mapped, bytes otherwise exact
 *   commit : mapped tree and parents, signature and mergetag headers dropped, other headers and message scanned
 *   tag    : mapped target, signature dropped, other headers and message scanned
 * See docs/architecture.md, "Places scanned".
 */
import {
  makeHeader, parseHeadered, scanTree, serializeHeadered, splitTagSignature, headerValue,
  type EntryKind, type HeaderedObject, type ObjectHeader,
} from '@gitgate/objects';
import type { Scanner, ScanHint } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import { tokenizeBlob, type TakenSecret } from './tokenize.js';
import type { PlaceTokenizer, Tokenized } from './place-tokenizer.js';
import { isStructuralHeader, rewriteHeader } from './header-rewrite.js';
import { renameTreeEntries, scanTreeNames } from './tree-names.js';
import { MirrorError, codes } from './errors.js';
import type { CleanTreeNames } from './clean-tree-names.js';
import { TreeWalk, walkAgainst, type TreeVersions } from './tree-versions.js';

/** Headers that carry signatures over the upstream bytes; they would be invalid after the rewrite. */
const DROPPED_COMMIT_HEADERS = new Set(['gpgsig', 'gpgsig-sha256', 'mergetag']);
const DROPPED_TAG_HEADERS = new Set(['gpgsig', 'gpgsig-sha256']);

/** Replaces a commit or tag message that cannot be scanned. */
const WITHHELD_MESSAGE = Buffer.from('gitgate: this message could not be scanned for secrets and was withheld.\n');

/** Content that replaces an object that cannot be scanned (fail closed, deterministic). */
export function withheldBlob(size: number): Buffer {
  return Buffer.from(`gitgate: this file (${size} bytes) could not be scanned for secrets and was withheld.\n`);
}

/** What the policy made of one object. */
export interface ObjectOutcome {
  /** The new content, or null when the object stays byte-identical (it keeps its id). */
  content: Buffer | null;
  secrets: readonly TakenSecret[];
  /** How many places (the blob, a message, a header) could not be scanned and were replaced or dropped. */
  withheld: number;
}

/** The outcome of an object nothing changed in (shared: the common case allocates nothing). */
const UNCHANGED: ObjectOutcome = Object.freeze({ content: null, secrets: Object.freeze([]) as readonly TakenSecret[], withheld: 0 });

/**
 * A blob: every secret (in UTF-16, gzip, zip and tar content too) replaced by its token; `hint` selects
 * the findings of the content itself (default: every finding, see `replaceSecrets`). Fails closed:
 * content the scanner cannot scan becomes `withheldBlob(size)`. Never throws what the scanner throws.
 */
export function rewriteBlob(content: Buffer, scanner: Scanner, minter: TokenMinter, hint?: ScanHint): ObjectOutcome {
  let result: { content: Buffer; secrets: TakenSecret[] };
  try {
    result = tokenizeBlob(scanner, content, minter, hint);
  } catch {
    return { content: withheldBlob(content.length), secrets: [], withheld: 1 };
  }
  return result.content === content ? UNCHANGED : { content: result.content, secrets: result.secrets, withheld: 0 };
}

/** How a tree's entries are re-pointed: the executor's view of the id map. */
export interface TreeContext {
  /** Tokenizes short places (entry names); may remember outcomes (see memoizedTokenizer). */
  tokenize: PlaceTokenizer;
  /** Name lists already found clean in this rewrite, not scanned again (absent: every tree is scanned). */
  cleanNames?: CleanTreeNames;
  /**
   * Earlier versions of each directory in this rewrite: entries a tree shares with the last one at both
   * ends take their served bytes from it, without `entryId` (absent: every entry is mapped). Sound because
   * an entry's served bytes depend on its own bytes only, and whatever its first mapping did (a subtree
   * rewritten, secrets attributed to the first path) is done once. A tree whose modes and names are the
   * version's, found clean under a key `cleanNames` still holds, is not keyed and scanned again.
   */
  versions?: TreeVersions;
  /**
   * The sanitized id of the entry whose upstream id is the 20 bytes of `raw` at `idOffset`, as 20 binary
   * bytes (undefined: keep it). The upstream name starts at `nameStart` in `raw` and ends at the NUL
   * before `idOffset`; `renamed` is the served name when a secret in it was tokenized, else null. Not
   * called for submodule entries (a gitlink's commit lives in another repository).
   */
  entryId(kind: EntryKind, raw: Buffer, idOffset: number, nameStart: number, renamed: Buffer | null): Uint8Array | undefined;
}

/** A tree's outcome; `secretNames[i]` is the (served) entry name that holds the token of `secrets[i]`. */
export interface TreeOutcome extends ObjectOutcome {
  secretNames: readonly (Buffer | null)[];
}

const TREE_UNCHANGED: TreeOutcome = Object.freeze({ ...UNCHANGED, secretNames: Object.freeze([]) as readonly (Buffer | null)[] });

/**
 * A tree (`treeId` names it in errors): entry names scanned first, every entry id re-pointed through
 * `ctx.entryId` by writing the new id over the old one, so modes, names and order stay byte-identical;
 * a renamed entry moves to git's order. Throws MirrorError on a malformed tree, an unscannable name
 * (GITGATE_REWRITE_FAILED) or a name collision.
 */
export function rewriteTree(raw: Buffer, treeId: string, ctx: TreeContext): TreeOutcome {
  // Entries the directory's last version shares (tree-versions.ts) take their served bytes from it.
  const against = walkAgainst(ctx.versions, raw);
  const signature = against.signature;
  let walk = against.walk;
  // Names first: a secret in a name must not reach the paths the executor records either. Names the same
  // as the version's, which were found clean under a key still clean now, are not keyed and scanned again.
  let renamed: ReturnType<typeof scanTreeNames>;
  const keyed = { key: walk.prev?.namesKey };
  try {
    const clean = ctx.cleanNames;
    if (keyed.key !== undefined && clean !== undefined && clean.has(keyed.key) && walk.sameNames()) renamed = null;
    else renamed = scanTreeNames(raw, ctx.tokenize, clean, keyed);
  } catch (e) {
    if (e instanceof MirrorError) throw e;
    throw new MirrorError(codes.rewriteFailed, `the entry names of upstream tree ${treeId} could not be scanned`, { cause: e });
  }
  let out: Buffer | null = null;
  let entry = 0;
  const names = renamed?.names;
  // A renamed tree is walked whole and not kept (its entries may move).
  const versions = renamed ? undefined : ctx.versions;
  if (renamed) walk = new TreeWalk(raw, undefined, false);
  const visit = (kind: EntryKind, at: number, nameStart: number): void => {
    const name = names === undefined ? null : names[entry++] ?? null;
    if (kind === 'gitlink') return;
    const nid = ctx.entryId(kind, raw, at, nameStart, name);
    // Bytes against bytes: no hex string per entry (trees hold tens of millions of entries).
    if (nid !== undefined && !sameId(nid, raw, at)) {
      out ??= Buffer.from(raw);
      out.set(nid, at);
    }
  };
  scanTreeOrThrow(treeId, raw, visit, walk);
  const served = walk.prev?.out;
  if (served) {
    const { headEnd, tailStart } = walk;
    if (headEnd > 0 && served.compare(raw, 0, headEnd, 0, headEnd) !== 0) {
      out ??= Buffer.from(raw);
      served.copy(out, 0, 0, headEnd);
    }
    const from = tailStart - (raw.length - served.length);
    if (tailStart < raw.length && served.compare(raw, tailStart, raw.length, from, served.length) !== 0) {
      out ??= Buffer.from(raw);
      served.copy(out, tailStart, from, served.length);
    }
  }
  if (signature !== null && versions !== undefined) versions.keep(signature, { raw, starts: walk.starts(versions), out, namesKey: keyed.key });
  if (renamed) {
    const served = renamed.names;
    const secretNames = renamed.secrets.map((s) => served.find((m) => m !== null && m.includes(s.token)) ?? null);
    return { content: renameTreeEntries(out ?? raw, served, treeId), secrets: renamed.secrets, withheld: 0, secretNames };
  }
  return out === null ? TREE_UNCHANGED : { content: out, secrets: [], withheld: 0, secretNames: [] };
}

/** Whether the 20-byte id `id` equals the one at `at` in `raw`. */
function sameId(id: Uint8Array, raw: Buffer, at: number): boolean {
  if (id.length !== 20) throw new TypeError('a tree entry id is 20 bytes');
  for (let i = 0; i < 20; i++) if (id[i] !== raw[at + i]) return false;
  return true;
}

/** How a commit's or tag's structure is mapped and its free text scanned. */
export interface HeaderedContext {
  /** Tokenizes short places (header values); may remember outcomes. */
  tokenize: PlaceTokenizer;
  /** Tokenizes a message (scanned once each, so not remembered). */
  tokenizeMessage: PlaceTokenizer;
  /**
   * The sanitized id of `id`, an object of type `type` as the header names it: `tree` or `commit` for
   * a commit's tree and parents, a tag's `type` header for its target (`commit` when it has none).
   */
  mapId(id: string, type: string): string;
}

/**
 * A commit (`commitId` names it in errors): tree and parents mapped, gpgsig, gpgsig-sha256 and
 * mergetag dropped, every other header and the message scanned. Throws MirrorError when malformed.
 */
export function rewriteCommit(raw: Buffer, commitId: string, ctx: HeaderedContext): ObjectOutcome {
  const obj = parseOrThrow(commitId, raw);
  return rewriteHeadered(raw, obj, 'commit', obj.message, ctx, null);
}

/**
 * A tag (`tagId` names it in errors): target mapped (a tag may point at a commit, a tag, a tree or a
 * blob), signature dropped, every other header and the message scanned. Throws MirrorError when malformed.
 */
export function rewriteTag(raw: Buffer, tagId: string, ctx: HeaderedContext): ObjectOutcome {
  const obj = parseOrThrow(tagId, raw);
  const targetType = tagTargetType(obj);
  const message = obj.message === null ? null : splitTagSignature(obj.message).body;
  return rewriteHeadered(raw, obj, 'tag', message, ctx, targetType);
}

/**
 * The type of the object a structural header points at, or null for one that is kept as it is: a
 * commit maps its `tree` and `parent` ids, a tag its `object` (of `targetType`).
 */
function mappedType(objectType: 'commit' | 'tag', key: string, targetType: string | null): string | null {
  if (objectType === 'tag') return key === 'object' ? targetType : null;
  return key === 'tree' ? 'tree' : key === 'parent' ? 'commit' : null;
}

/** The shared walk of a commit's or tag's headers: drop signatures, map structure, scan the rest. */
function rewriteHeadered(
  raw: Buffer, obj: HeaderedObject, objectType: 'commit' | 'tag', message: Buffer | null, ctx: HeaderedContext, targetType: string | null,
): ObjectOutcome {
  const dropped = objectType === 'commit' ? DROPPED_COMMIT_HEADERS : DROPPED_TAG_HEADERS;
  const headers: ObjectHeader[] = [];
  const found: TakenSecret[] = [];
  let withheld = 0;
  for (const h of obj.headers) {
    if (dropped.has(h.key)) continue;
    if (isStructuralHeader(objectType, h)) {
      const type = mappedType(objectType, h.key, targetType);
      headers.push(type === null ? h : makeHeader(h.key, ctx.mapId(value(h), type)));
      continue;
    }
    const r = rewriteHeader(objectType, h, ctx.tokenize);
    if (r.withheld) withheld++;
    found.push(...r.secrets);
    if (r.header !== null) headers.push(r.header);
  }
  let newMessage = message;
  if (message !== null) {
    const r = scanMessage(message, ctx.tokenizeMessage);
    if (r === null) withheld++;
    newMessage = r === null ? WITHHELD_MESSAGE : r.content;
    if (r !== null) found.push(...r.secrets);
  }
  const bytes = serializeHeadered({ headers, message: newMessage, unterminated: obj.unterminated });
  const same = bytes.equals(raw);
  if (same && withheld === 0 && found.length === 0) return UNCHANGED;
  return { content: same ? null : bytes, secrets: found, withheld };
}

/** Messages fail closed one object at a time: null when the message cannot be scanned (it is withheld). */
function scanMessage(bytes: Buffer, tokenize: PlaceTokenizer): Tokenized | null {
  try {
    return tokenize(bytes, 'text');
  } catch {
    return null;
  }
}

/** A header's value as text (ids and object types are ASCII). */
export function value(h: { key: string; raw: Buffer }): string {
  return headerValue(h).toString('latin1');
}

/** What a tag's `type` header names (a tag without one is taken to point at a commit). */
export function tagTargetType(obj: HeaderedObject): string {
  const typeHeader = obj.headers.find((h) => h.key === 'type');
  return typeHeader ? value(typeHeader) : 'commit';
}

/** parseHeadered; a malformed object is a MirrorError naming it. */
export function parseOrThrow(id: string, raw: Buffer): HeaderedObject {
  try {
    return parseHeadered(raw);
  } catch (e) {
    throw new MirrorError(codes.badObject, `upstream object ${id} is malformed`, { cause: e });
  }
}

/** scanTree; a malformed tree is a MirrorError naming it. */
export function scanTreeOrThrow(treeId: string, raw: Buffer, visit: (kind: EntryKind, idOffset: number, nameStart: number) => void, walk?: TreeWalk): void {
  try {
    if (walk === undefined) scanTree(raw, visit);
    else walk.walk(visit);
  } catch (e) {
    if (e instanceof MirrorError) throw e;
    throw new MirrorError(codes.badObject, `upstream tree ${treeId} is malformed`, { cause: e });
  }
}
