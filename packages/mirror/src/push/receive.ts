/**
 * One push through the gateway (docs/architecture.md, "Push"), fail closed and atomic in what it writes:
 *
 *   quarantine the agent's pack → check each ref (stale, rules, name) → translate the new objects to
 *   candidate upstream objects (tokens restored, ids mapped, every blob checked) → prove the translation by
 *   rewriting the candidates as a sync would → record the expected ids → push upstream with a lease on
 *   each ref's old value → sync, so the agent's next fetch sees its branch under the ids it pushed.
 *
 * Nothing of a refused push is kept: the quarantine is removed and the values restored are dropped.
 */
import { git } from '@gitgate/git';
import { parseHeadered, parseTree, entryKind } from '@gitgate/objects';
import { existingObjects, readObjectBatches, type RawObject } from '../cat-file-batch.js';
import { walkNewObjects } from '../object-walk.js';
import { isStructuralHeader } from '../header-rewrite.js';
import { value } from '../object-policy.js';
import { MirrorError, codes } from '../errors.js';
import type { StoreView } from './quarantine.js';

export const ZERO_OID = '0'.repeat(40);

/** One ref update the agent asked for. */
export interface PushCommand {
  ref: string;
  oldId: string;
  newId: string;
}

/** The repository's push rules (PushRules.decide): whether one update may proceed. */
export type RefRule = (q: { ref: string; oldId: string; newId: string; fastForward?: boolean }) => { ok: true } | { ok: false; reason: string };

export interface PushRequest {
  commands: readonly PushCommand[];
  /** The pack the agent sent (empty when every command deletes). */
  pack: Buffer;
  /** All refs or none (the client asked for `atomic`). */
  atomic: boolean;
  rules: RefRule;
  onProgress?: (line: string) => void;
  /** Hold the push for approval instead of pushing upstream (held-push.ts); `pusher` is recorded with it. */
  hold?: { pusher: string };
  /**
   * Awaited once the push is proven and before anything goes upstream (not called for a held push): the
   * caller's durable record of what is about to be pushed. A rejection fails the push, nothing upstream.
   */
  beforeUpstream?: (planned: { refs: readonly RefOutcome[]; tokensRestored: readonly string[]; commits: number }) => Promise<void>;
}

/** What became of one ref. */
export interface RefOutcome extends PushCommand {
  ok: boolean;
  /** Why it was refused, as report-status says it (`ng <ref> <reason>`). */
  reason?: string;
  upstreamRef?: string;
  /** The name to record when the pushed name itself holds a secret: its sanitized form (invariant 4). */
  recordedRef?: string;
  upstreamOldId?: string;
  upstreamNewId?: string;
  /** Set when the update was held for approval: the held push's id (`ok` is false, `reason` says so). */
  held?: string;
}

export interface PushOutcome {
  refs: RefOutcome[];
  /** Set when the pack itself could not be taken (report-status `unpack <reason>`). */
  unpackError?: string;
  /** Tokens whose values went upstream (never the values). */
  tokensRestored: string[];
  /** New commits the push carried. */
  commits: number;
  /** The id of the held push, when the push was held for approval (PushRequest.hold). */
  held?: string;
}

/** Whether `oldId` is an ancestor of `newId` in the pushed view (both present). Throws GitError when git fails otherwise. */
export async function isFastForward(view: StoreView, oldId: string, newId: string): Promise<boolean> {
  const proc = git('merge-base', '--is-ancestor').addDynamicArgs(oldId, newId).start({ gitDir: view.gitDir, env: view.env, okCodes: [1], input: '' });
  proc.stdout.resume();
  await proc.done();
  return (await proc.exit).exitCode === 0;
}

/** The agent's new objects reachable from `tips`: those the sanitized store does not hold, read from the quarantine. */
export async function newPushedObjects(view: StoreView, sanitizedGitDir: string, tips: readonly string[], servedTips: Iterable<string>): Promise<Map<string, RawObject>> {
  let listed: string[];
  try {
    listed = [...(await walkNewObjects(view.gitDir, tips, servedTips, view.env)).ids()];
  } catch (e) {
    throw new MirrorError(codes.pushRefused, 'the push is incomplete: it names objects that neither the pack nor the served repository holds', { cause: e });
  }
  const served = await existingObjects(sanitizedGitDir, listed);
  const fresh = listed.filter((id) => !served.has(id));
  const out = new Map<string, RawObject>();
  for await (const batch of readObjectBatches(view.gitDir, fresh, { env: view.env })) for (const o of batch) out.set(o.id, o);
  return out;
}

/** Ids the new objects (and `tips`) refer to that are not new themselves: served objects to map back. */
export function servedReferences(objects: ReadonlyMap<string, RawObject>, tips: readonly string[]): string[] {
  const out = new Set<string>();
  const note = (id: string): void => {
    if (!objects.has(id)) out.add(id);
  };
  for (const tip of tips) note(tip);
  for (const o of objects.values()) {
    if (o.type === 'tree') {
      for (const e of parseTree(o.content)) if (entryKind(e.mode) !== 'gitlink') note(e.id);
    } else if (o.type === 'commit' || o.type === 'tag') {
      for (const h of parseHeadered(o.content).headers) if (isStructuralHeader(o.type, h) && h.key !== 'type') note(value(h));
    }
  }
  return [...out];
}
