/**
 * The proof of a translation (invariant 9): the candidate upstream objects are rewritten exactly as the next
 * sync will rewrite them — the same rewrite, scanner, known secrets, file-name variants and id map — and
 * every tree, commit and tag must come out under the very id the agent pushed. Then nothing the push puts
 * upstream can come back to an agent other than as the agent sent it: no value is laundered through a
 * push and a sync, and the agent's branch round-trips without a forced update.
 */
import { PackWriter } from '@gitgate/objects';
import type { KnownSecrets, Scanner } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import { readObjectBatches } from '../cat-file-batch.js';
import { walkNewObjects } from '../object-walk.js';
import type { IdMap } from '../id-map.js';
import { rewrite } from '../rewriter.js';
import { MirrorError, codes } from '../errors.js';
import type { StoreView } from './quarantine.js';
import type { Candidate } from './translate.js';

export interface VerifyInput {
  repo: string;
  /** The upstream store seen with the candidates in it. */
  candidate: StoreView;
  candidates: readonly Candidate[];
  /** Upstream tips of the last sync: what is reachable from them the id map already knows. */
  syncedTips: readonly string[];
  idMap: IdMap;
  scanner: Scanner;
  minter: TokenMinter;
  known?: KnownSecrets;
  allowUnscannable?: readonly string[];
  /** A scratch pack file (discarded). */
  scratchPack: string;
}

/** Resolves when every candidate tree, commit and tag sanitizes to its pushed id; throws MirrorError GITGATE_PUSH_REFUSED naming the first that does not. */
export async function verifyRoundTrip(input: VerifyInput): Promise<void> {
  const checked = input.candidates.filter((c) => c.type !== 'blob');
  if (checked.length === 0) return;
  const table = await walkNewObjects(input.candidate.gitDir, checked.map((c) => c.upstreamId), input.syncedTips, input.candidate.env);
  const pack = await PackWriter.create(input.scratchPack);
  let out;
  try {
    out = await rewrite({
      objects: table,
      source: { readBatches: (ids, opts) => readObjectBatches(input.candidate.gitDir, ids, { ...opts, env: input.candidate.env }) },
      persisted: (ids) => input.idMap.lookup(input.repo, ids),
      kindSensitive: (ids) => input.idMap.kindSensitive(input.repo, ids),
      scanner: input.scanner, minter: input.minter, known: input.known, pack, allowUnscannable: input.allowUnscannable,
    });
  } finally {
    await pack.abort();
  }
  const got = await out.resolve(checked.map((c) => c.upstreamId));
  for (const c of checked) {
    const sanitized = got.get(c.upstreamId) ?? c.upstreamId;
    if (sanitized !== c.pushedId) throw new MirrorError(codes.pushRefused, mismatch(c), { data: { where: c.where, object: c.pushedId } });
  }
}

function mismatch(c: Candidate): string {
  if (c.type === 'tree') {
    return `${c.where}: the gateway would sanitize this directory otherwise than you pushed it (a file whose new name the scanner reads differently, or a token in a name where it would not write one)`;
  }
  return `${c.where}: its message or headers would be sanitized otherwise than you pushed them (a new secret, or a token where the gateway would not write one)`;
}
