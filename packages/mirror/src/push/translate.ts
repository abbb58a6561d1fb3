/**
 * The translation of a push (docs/architecture.md, "Push"): the agent's new objects, built on sanitized
 * ids, become candidate upstream objects. Children first: a blob's tokens are restored to their values, a
 * tree gets its entries' restored names and upstream ids, a commit or tag its mapped tree, parents or target
 * and restored headers and message. Objects the agent was served map back through the id map.
 *
 * The translation is a guess that verify.ts proves: rewriting the candidates as a sync would must give
 * back exactly the pushed ids. The per-blob check here (blob-check.ts) only makes refusals precise.
 */
import {
  foldHeaderValue, hashObject, makeHeader, parseHeadered, parseTree, serializeHeadered, serializeTree, splitTagSignature,
  unfoldHeaderValue, entryKind, type ObjectHeader, type ObjectType, type TreeEntry,
} from '@gitgate/objects';
import { isStructuralHeader } from '../header-rewrite.js';
import { value } from '../object-policy.js';
import { compareTreeEntries } from '../tree-names.js';
import type { RawObject } from '../cat-file-batch.js';
import { MirrorError, codes } from '../errors.js';
import { restoreTokens, tokensIn } from './token-restore.js';
import type { TokenGate } from './token-gate.js';
import type { TokenForm } from '../place-tokenizer.js';

/** One candidate upstream object, with the pushed object it stands for. */
export interface Candidate {
  type: ObjectType;
  content: Buffer;
  pushedId: string;
  upstreamId: string;
  /** Where it sits, for messages: a tree's path ('' the root), 'commit <id>', 'tag <id>', a blob's path. */
  where: string;
}

export interface TranslateInput {
  /** The agent's new objects (not in the sanitized store), by id. */
  objects: ReadonlyMap<string, RawObject>;
  /** Upstream ids of the served objects the new ones refer to (served-ids.ts). */
  served: ReadonlyMap<string, string>;
  /** Served ids several upstream objects were rewritten into (withheld blobs of one size), with those ids. */
  ambiguous?: ReadonlyMap<string, readonly string[]>;
  /** Reads an upstream object (to tell an ambiguous served object by the parent commit's tree). */
  readUpstream?(id: string): Promise<RawObject | undefined>;
  gate: TokenGate;
  /**
   * Checks one new blob under one name before it is accepted (blob-check.ts): `pushed` as the agent sent
   * it, `restored` with its tokens' values. Throws MirrorError GITGATE_PUSH_REFUSED.
   */
  checkBlob(pushed: Buffer, restored: Buffer, name: string, path: string): void;
  /**
   * Whether a token may go back anywhere its value round-trips (a push held for a human's approval).
   * Otherwise a token is restored only where its value already stood: in a file whose version at the same
   * path in the parent commit holds it, or in a name the parent's tree already has; never in a new commit's
   * or tag's message or headers. Else upstream automation (a CI workflow on the pushed branch, a script, a
   * ref name in a notification) would hand out a value no approver released.
   */
  placesAnywhere?: boolean;
}

/** Resolves to the upstream id the same place had in the parent commit (undefined: none, or unknown). */
type Before = () => Promise<string | undefined>;

/**
 * A Before that reads once: every entry of a tree asks its parent's Before, and each read of an upstream
 * object is a git process. Upstream objects never change, and a new parent commit is translated before
 * its children ask, so the first answer stays true.
 */
function once(resolve: Before): Before {
  let answer: Promise<string | undefined> | undefined;
  return () => (answer ??= resolve());
}

const SIGNATURE_HEADERS = new Set(['gpgsig', 'gpgsig-sha256', 'mergetag']);
const IDENTITY_KEYS = new Set(['author', 'committer', 'tagger']);

function refuse(message: string, data: Record<string, unknown> = {}): never {
  throw new MirrorError(codes.pushRefused, message, { data });
}

/** Translates the new objects; every pushed id they hold maps to an upstream id. Throws MirrorError GITGATE_PUSH_REFUSED. */
export class Translator {
  readonly #in: TranslateInput;
  readonly #upstream = new Map<string, string>();
  readonly #candidates: Candidate[] = [];
  readonly #checked = new Set<string>();
  // Candidate contents by upstream id: a new commit's parent may itself be new, not yet upstream.
  readonly #made = new Map<string, RawObject>();

  constructor(input: TranslateInput) {
    this.#in = input;
    for (const [pushed, upstream] of input.served) this.#upstream.set(pushed, upstream);
  }

  /** The candidates, children before the objects that name them. */
  get candidates(): readonly Candidate[] {
    return this.#candidates;
  }

  /** The upstream id of a pushed or served id (after translate). */
  upstreamOf(id: string): string | undefined {
    return this.#upstream.get(id);
  }

  /** Translates everything reachable from `tips` among the new objects (commits parents first). */
  async translate(tips: readonly string[]): Promise<void> {
    for (const id of this.#commitOrder(tips)) await this.#commit(id);
    for (const id of tips) await this.#any(id, '', '');
  }

  /** New commits reachable from `tips`, each after its new parents (an iterative post-order walk). */
  #commitOrder(tips: readonly string[]): string[] {
    const order: string[] = [];
    const state = new Map<string, 1 | 2>();
    const objects = this.#in.objects;
    for (const tip of tips) {
      const stack: string[] = [tip];
      while (stack.length > 0) {
        const id = stack[stack.length - 1]!;
        const obj = objects.get(id);
        if (obj?.type !== 'commit' || state.get(id) === 2) {
          stack.pop();
          continue;
        }
        if (state.get(id) === 1) {
          state.set(id, 2);
          order.push(id);
          stack.pop();
          continue;
        }
        state.set(id, 1);
        for (const h of parseHeadered(obj.content).headers) {
          if (h.key === 'parent' && !state.has(value(h))) stack.push(value(h));
        }
      }
    }
    return order;
  }

  /**
   * Any object by its own type; `name` (restored: it decides the file kind, as upstream's name will) and
   * `path` (as pushed: it is shown to the agent) say where a blob or tree sits ('' when nothing names it).
   */
  async #any(id: string, name: string, path: string, before?: Before): Promise<string> {
    const obj = this.#in.objects.get(id);
    if (obj === undefined) {
      const up = this.#upstream.get(id) ?? (await this.#disambiguate(id, path, before));
      if (up === undefined) refuse(`object ${id} is neither in the push nor one this gateway served`, { object: id });
      return up;
    }
    if (obj.type === 'blob') return this.#blob(obj, name, path);
    if (obj.type === 'tree') return this.#tree(obj, path, before);
    if (obj.type === 'commit') return this.#commit(id);
    return this.#tag(obj);
  }

  /**
   * A served object several upstream objects share (withheld unscannable files of one size): the one the
   * parent commit had at the same path, if it is one of them. Otherwise the push is refused: guessing
   * would put another file's content upstream.
   */
  async #disambiguate(id: string, path: string, before?: Before): Promise<string | undefined> {
    const candidates = this.#in.ambiguous?.get(id);
    if (candidates === undefined) return undefined;
    const was = before === undefined ? undefined : await before();
    if (was !== undefined && candidates.includes(was)) return was;
    refuse(`${path === '' ? `object ${id}` : path}: several upstream files share this sanitized form (files the gateway withheld as unscannable), so it cannot tell which one you kept here; leave it where it was in the parent commit`, { object: id });
  }

  /** An upstream object by id: one this push makes, else read from the upstream store. */
  async #read(id: string): Promise<RawObject | undefined> {
    return this.#made.get(id) ?? (await this.#in.readUpstream?.(id));
  }

  /** What the first parent of a new commit has upstream as its root tree. */
  #rootBefore(parsed: ReturnType<typeof parseHeadered>): Before {
    const parent = parsed.headers.find((h) => h.key === 'parent');
    return once(async () => {
      if (parent === undefined) return undefined;
      const up = this.#upstream.get(value(parent));
      const commit = up === undefined ? undefined : await this.#read(up);
      const tree = commit === undefined ? undefined : parseHeadered(commit.content).headers.find((h) => h.key === 'tree');
      return tree === undefined ? undefined : value(tree);
    });
  }

  /** The entry `name` of the upstream tree `before` resolves to, as a Before of its own. */
  #entryBefore(before: Before | undefined, name: Buffer): Before | undefined {
    if (before === undefined) return undefined;
    return once(async () => {
      const treeId = await before();
      const tree = treeId === undefined ? undefined : await this.#read(treeId);
      return tree?.type === 'tree' ? parseTree(tree.content).find((e) => e.name.equals(name))?.id : undefined;
    });
  }

  /**
   * A new blob's tokens at `path` must stand in the file the parent commit has at that path (its value
   * there, byte for byte), unless the push may place them anywhere. Served blobs are upstream's own bytes
   * wherever the agent puts them. Throws MirrorError GITGATE_PUSH_REFUSED.
   */
  async #placed(id: string, path: string, before: Before | undefined): Promise<void> {
    const obj = this.#in.objects.get(id);
    if (this.#in.placesAnywhere === true || obj?.type !== 'blob') return;
    const tokens = tokensIn(obj.content, 'text');
    if (tokens.length === 0) return;
    const was = before === undefined ? undefined : await before();
    const old = was === undefined ? undefined : await this.#read(was);
    for (const token of tokens) {
      const secret = this.#in.gate.secrets.get(token);
      if (secret === undefined || old?.type !== 'blob' || old.content.indexOf(secret) < 0) {
        refuse(`${path}: ${token} is not in this file in the parent commit; a token goes back upstream only where its value already is (move a secret upstream yourself, or push to a repository that holds pushes for approval)`, { where: path, token });
      }
    }
  }

  /** Refuses tokens in a new commit's or tag's message or headers, unless the push may place them anywhere. */
  #noTokensIn(bytes: Buffer, form: TokenForm, where: string, what: string): void {
    if (this.#in.placesAnywhere === true) return;
    const token = tokensIn(bytes, form)[0];
    if (token !== undefined) refuse(`${where}: ${token} in ${what}; a token goes back upstream only where its value already is, never into a new message or header`, { where, token });
  }

  async #blob(obj: RawObject, name: string, path: string): Promise<string> {
    const key = `${obj.id}\0${name}`;
    let up = this.#upstream.get(obj.id);
    if (up !== undefined && this.#checked.has(key)) return up;
    const where = path === '' ? `blob ${obj.id}` : path;
    await this.#in.gate.admit(tokensIn(obj.content, 'text'), where);
    const restored = restoreTokens(obj.content, this.#in.gate.secrets, 'text');
    this.#in.checkBlob(obj.content, restored, name, where);
    this.#checked.add(key);
    if (up === undefined) up = this.#emit(obj.id, 'blob', restored, where);
    return up;
  }

  async #tree(obj: RawObject, path: string, before?: Before): Promise<string> {
    const done = this.#upstream.get(obj.id);
    if (done !== undefined) return done;
    const entries: TreeEntry[] = [];
    for (const e of parseTree(obj.content)) {
      // Messages name paths as the agent pushed them: a restored name would hand a value back in a refusal.
      const sub = path === '' ? e.name.toString('utf8') : `${path}/${e.name.toString('utf8')}`;
      const name = await this.#restore(e.name, 'text', sub);
      const kind = entryKind(e.mode);
      const entryBefore = this.#entryBefore(before, name);
      if (this.#in.placesAnywhere !== true && tokensIn(e.name, 'text').length > 0 && (await entryBefore?.()) === undefined) {
        refuse(`${sub}: a token in a name the parent commit does not have here; a token goes back upstream only where its value already is`, { where: sub });
      }
      // A submodule's commit lives in another repository: kept as it is, as a sync keeps it.
      const id = kind === 'gitlink' ? e.id : await this.#any(e.id, name.toString('utf8'), sub, entryBefore);
      if (kind === 'blob') await this.#placed(e.id, sub, entryBefore);
      entries.push({ mode: e.mode, name, id });
    }
    entries.sort(compareTreeEntries);
    return this.#emit(obj.id, 'tree', serializeTree(entries), path === '' ? '/' : `${path}/`);
  }

  async #commit(id: string): Promise<string> {
    const done = this.#upstream.get(id);
    if (done !== undefined) return done;
    const obj = this.#in.objects.get(id)!;
    const parsed = parseHeadered(obj.content);
    const headers: ObjectHeader[] = [];
    for (const h of parsed.headers) {
      if (SIGNATURE_HEADERS.has(h.key)) {
        refuse(`commit ${id} is signed (${h.key}); the gateway drops signatures, so it could not keep the id you pushed: push unsigned commits`, { object: id });
      }
      if (isStructuralHeader('commit', h)) headers.push(makeHeader(h.key, await this.#any(value(h), '', '', h.key === 'tree' ? this.#rootBefore(parsed) : undefined)));
      else headers.push(await this.#header(h, 'text', `commit ${id}`));
    }
    const message = parsed.message === null ? null : await this.#restore(parsed.message, 'text', `commit ${id}`);
    for (const h of parsed.headers) if (!isStructuralHeader('commit', h)) this.#noTokensIn(h.raw, 'text', `commit ${id}`, `its ${h.key} header`);
    if (parsed.message !== null) this.#noTokensIn(parsed.message, 'text', `commit ${id}`, 'its message');
    return this.#emit(id, 'commit', serializeHeadered({ headers, message, unterminated: parsed.unterminated }), `commit ${id}`);
  }

  async #tag(obj: RawObject): Promise<string> {
    const done = this.#upstream.get(obj.id);
    if (done !== undefined) return done;
    const parsed = parseHeadered(obj.content);
    if (parsed.message !== null && splitTagSignature(parsed.message).signature !== null) {
      refuse(`tag ${obj.id} is signed; the gateway drops signatures, so it could not keep the id you pushed: push an unsigned tag`, { object: obj.id });
    }
    const headers: ObjectHeader[] = [];
    for (const h of parsed.headers) {
      if (SIGNATURE_HEADERS.has(h.key)) refuse(`tag ${obj.id} is signed; push an unsigned tag`, { object: obj.id });
      if (isStructuralHeader('tag', h) && h.key === 'object') headers.push(makeHeader(h.key, await this.#any(value(h), '', '')));
      else if (isStructuralHeader('tag', h)) headers.push(h);
      else headers.push(await this.#header(h, h.key === 'tag' ? 'ref' : 'text', `tag ${obj.id}`));
    }
    const message = parsed.message === null ? null : await this.#restore(parsed.message, 'text', `tag ${obj.id}`);
    for (const h of parsed.headers) if (!isStructuralHeader('tag', h)) this.#noTokensIn(h.raw, h.key === 'tag' ? 'ref' : 'text', `tag ${obj.id}`, `its ${h.key} header`);
    if (parsed.message !== null) this.#noTokensIn(parsed.message, 'text', `tag ${obj.id}`, 'its message');
    return this.#emit(obj.id, 'tag', serializeHeadered({ headers, message, unterminated: parsed.unterminated }), `tag ${obj.id}`);
  }

  /** A header with its tokens restored: identities in place, other values unfolded first (as header-rewrite.ts scans them). */
  async #header(h: ObjectHeader, form: TokenForm, where: string): Promise<ObjectHeader> {
    if (tokensIn(h.raw, form).length === 0) return h;
    if (IDENTITY_KEYS.has(h.key) || form === 'ref') return { key: h.key, raw: await this.#restore(h.raw, form, where) };
    return { key: h.key, raw: foldHeaderValue(await this.#restore(unfoldHeaderValue(h.raw), form, where)) };
  }

  async #restore(bytes: Buffer, form: TokenForm, where: string): Promise<Buffer> {
    const tokens = tokensIn(bytes, form);
    if (tokens.length === 0) return bytes;
    await this.#in.gate.admit(tokens, where);
    return restoreTokens(bytes, this.#in.gate.secrets, form);
  }

  #emit(pushedId: string, type: ObjectType, content: Buffer, where: string): string {
    const upstreamId = hashObject(type, content);
    this.#upstream.set(pushedId, upstreamId);
    this.#made.set(upstreamId, { id: upstreamId, type, content });
    this.#candidates.push({ type, content, pushedId, upstreamId, where });
    return upstreamId;
  }
}
