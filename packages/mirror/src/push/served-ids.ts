/**
 * Served objects back to upstream ids: what a pushed tree, commit or tag refers to without sending it is an
 * object of the sanitized store. Its upstream id is, in this order: the id map's (the sync rewrote it), its
 * own (the sync copied it unchanged, so upstream holds the same id), or — for a per-name variant of a blob,
 * which the id map does not list — the id of its bytes with their tokens restored, when upstream holds it.
 */
import { hashObject } from '@gitgate/objects';
import { existingObjects, readObjectBatches } from '../cat-file-batch.js';
import type { IdMap } from '../id-map.js';
import { MirrorError, codes } from '../errors.js';
import { restoreTokens, tokensIn } from './token-restore.js';
import type { TokenGate } from './token-gate.js';

export interface ServedIdsInput {
  repo: string;
  ids: readonly string[];
  idMap: IdMap;
  sanitizedGitDir: string;
  upstreamGitDir: string;
  gate: TokenGate;
}

/** Where served objects come from upstream: one upstream id each, or several for a sanitized form some upstream objects share. */
export interface ServedIds {
  ids: Map<string, string>;
  ambiguous: Map<string, string[]>;
}

/** Upstream ids of served objects. Throws MirrorError GITGATE_PUSH_REFUSED for one it cannot place. */
export async function upstreamIdsOfServed(input: ServedIdsInput): Promise<ServedIds> {
  const { repo, ids, idMap } = input;
  const out = new Map<string, string>();
  const ambiguous = new Map<string, string[]>();
  for (const [id, list] of await idMap.upstreamOf(repo, ids)) {
    if (list.length === 1) out.set(id, list[0]!);
    else ambiguous.set(id, list.sort());
  }
  let rest = ids.filter((id) => !out.has(id) && !ambiguous.has(id));
  if (rest.length === 0) return { ids: out, ambiguous };
  const same = await existingObjects(input.upstreamGitDir, rest);
  for (const id of same) out.set(id, id);
  rest = rest.filter((id) => !same.has(id));
  if (rest.length === 0) return { ids: out, ambiguous };
  const restored = new Map<string, string>();
  for await (const batch of readObjectBatches(input.sanitizedGitDir, rest)) {
    for (const obj of batch) {
      if (obj.type !== 'blob') continue;
      await input.gate.admit(tokensIn(obj.content, 'text'), `blob ${obj.id}`);
      restored.set(obj.id, hashObject('blob', restoreTokens(obj.content, input.gate.secrets, 'text')));
    }
  }
  const upstream = await existingObjects(input.upstreamGitDir, [...restored.values()]);
  for (const id of rest) {
    const up = restored.get(id);
    if (up === undefined || !upstream.has(up)) {
      throw new MirrorError(codes.pushRefused, `object ${id} is not one this gateway can map back to upstream`, { data: { object: id } });
    }
    out.set(id, up);
  }
  return { ids: out, ambiguous };
}
