/**
 * The executor of one push (receive.ts has the steps and their order). Refusals of single refs (stale, the
 * rules, a secret in the name) leave the other refs going unless the push is atomic; a refusal found in
 * the objects (a new secret, a foreign or revoked token, a signed commit, a translation that would not
 * round-trip) refuses every ref: nothing partly translated goes upstream.
 */
import type { KnownSecrets, Scanner } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import type { Logger } from '@gitgate/log';
import { randomUUID } from 'node:crypto';
import type { IdMap } from '../id-map.js';
import type { SanitizedStore } from '../sanitized-store.js';
import type { UpstreamSource, UpstreamStore } from '../upstream-store.js';
import { MirrorError, codes } from '../errors.js';
import { Quarantine } from './quarantine.js';
import { TokenGate, type TokenSource } from './token-gate.js';
import { Translator } from './translate.js';
import { blobCheck } from './blob-check.js';
import { upstreamIdsOfServed } from './served-ids.js';
import { verifyRoundTrip } from './verify.js';
import { readObjectBatches } from '../cat-file-batch.js';
import { restoreTokens, tokensIn } from './token-restore.js';
import { heldObjects, heldReason, keepHeld, readHeld, removeHeld } from './held-push.js';
import type { StoreView } from './quarantine.js';
import {
  ZERO_OID, isFastForward, newPushedObjects, servedReferences, type PushOutcome, type PushRequest, type RefOutcome,
} from './receive.js';

/** What a push needs of its repository (RepoMirror.receive supplies it). */
export interface PushContext {
  repo: string;
  /** The repository's directory: the quarantine is made inside it. */
  dir: string;
  sanitized: SanitizedStore;
  upstream: UpstreamStore;
  upstreamGitDir: string;
  source: UpstreamSource;
  idMap: IdMap;
  tokens: TokenSource;
  /** The scanner, minter and known secrets a sync of this repository would use now. */
  rewriteTools(): Promise<{ scanner: Scanner; minter: TokenMinter; known?: KnownSecrets }>;
  /** The served name of an upstream ref name (ref-names.ts). */
  servedRefName(upstreamName: string): string;
  allowUnscannable?: readonly string[];
  /** Brings the sanitized store up to date with upstream (a forced sync). */
  sync(): Promise<void>;
  log: Logger;
}

/** Runs one push; see receive.ts. Throws only on failures that are not the agent's (git, the vault, upstream unreachable). */
export async function runPush(ctx: PushContext, req: PushRequest): Promise<PushOutcome> {
  const q = Quarantine.create(ctx.dir, ctx.sanitized.gitDir, ctx.upstreamGitDir);
  const gate = new TokenGate(ctx.repo, ctx.tokens);
  const progress = req.onProgress ?? ((): void => {});
  const outcome: PushOutcome = { refs: req.commands.map((c) => ({ ...c, ok: true })), tokensRestored: [], commits: 0 };
  try {
    try {
      await q.unpack(req.pack);
    } catch (e) {
      ctx.log.warn('push pack refused', { repo: ctx.repo, error: (e as Error).message.slice(0, 300) });
      outcome.unpackError = 'the pack could not be read (index-pack failed)';
      for (const r of outcome.refs) refuseRef(r, 'unpacker error');
      return outcome;
    }
    await checkRefs(ctx, q, gate, req, outcome.refs);
    if (req.atomic && outcome.refs.some((r) => !r.ok)) for (const r of outcome.refs) if (r.ok) refuseRef(r, 'atomic push failed');
    const live = outcome.refs.filter((r) => r.ok);
    if (live.length === 0) return outcome;
    try {
      progress(`gitgate: checking the pushed objects\n`);
      await translate(ctx, q, gate, live, outcome, req.hold !== undefined);
    } catch (e) {
      if (!(e instanceof MirrorError) || e.code !== codes.pushRefused) throw e;
      for (const r of live) refuseRef(r, e.message);
      return outcome;
    }
    outcome.tokensRestored = gate.restored();
    if (req.hold) {
      hold(ctx, q, req, live, outcome);
      return outcome;
    }
    await req.beforeUpstream?.({ refs: live, tokensRestored: outcome.tokensRestored, commits: outcome.commits });
    progress(`gitgate: pushing to upstream\n`);
    await pushUpstream(ctx, { view: q.candidate, packs: q.candidatePacks }, req.atomic, live);
    await settle(ctx, live, progress);
    return outcome;
  } finally {
    gate.clear();
    q.dispose();
  }
}

function refuseRef(r: RefOutcome, reason: string): void {
  r.ok = false;
  r.reason = reason;
}

/** Per-ref checks: the ref still where the agent saw it, the repository's rules, a name that maps back. */
async function checkRefs(ctx: PushContext, q: Quarantine, gate: TokenGate, req: PushRequest, refs: RefOutcome[]): Promise<void> {
  const served = new Map((await ctx.sanitized.snapshot()).refs.map((r) => [r.name, r.id]));
  for (const r of refs) {
    // The name first: a ref named with a value must not reach a rule's reason, a log or the audit.
    const nameTokens = tokensIn(Buffer.from(r.ref, 'utf8'), 'ref');
    try {
      await gate.admit(nameTokens, 'the ref name');
      r.upstreamRef = restoreTokens(Buffer.from(r.ref, 'utf8'), gate.secrets, 'ref').toString('utf8');
    } catch (e) {
      if (!(e instanceof MirrorError)) throw e;
      refuseRef(r, e.message);
      continue;
    }
    const servedName = ctx.servedRefName(r.upstreamRef);
    if (servedName !== r.ref) {
      r.recordedRef = ctx.servedRefName(r.ref);
      refuseRef(r, 'the ref name holds a secret; name the branch without it');
      continue;
    }
    // A token goes back only where its value already is (translate.ts, placesAnywhere): in a ref name, only
    // on a ref upstream already has, else a new branch's name would carry a value no approver released.
    if (served.get(r.ref) === undefined && req.hold === undefined && nameTokens.length > 0) {
      refuseRef(r, 'a token in the name of a new ref; a token goes back upstream only where its value already is');
      continue;
    }
    const current = served.get(r.ref) ?? ZERO_OID;
    if (current !== r.oldId) {
      refuseRef(r, 'stale info (the ref moved since you fetched: fetch, then push again)');
      continue;
    }
    const fastForward = r.oldId === ZERO_OID || r.newId === ZERO_OID ? undefined : await isFastForward(q.pushed, r.oldId, r.newId);
    const decision = req.rules({ ref: r.ref, oldId: r.oldId, newId: r.newId, fastForward });
    if (!decision.ok) refuseRef(r, decision.reason);
  }
}

/** Translation and its proof; sets each ref's upstream ids. Throws MirrorError GITGATE_PUSH_REFUSED. */
async function translate(ctx: PushContext, q: Quarantine, gate: TokenGate, live: RefOutcome[], outcome: PushOutcome, placesAnywhere: boolean): Promise<void> {
  const tips = live.filter((r) => r.newId !== ZERO_OID).map((r) => r.newId);
  const snapshot = await ctx.sanitized.snapshot();
  const objects = await newPushedObjects(q.pushed, ctx.sanitized.gitDir, tips, snapshot.ids);
  outcome.commits = [...objects.values()].filter((o) => o.type === 'commit').length;
  const olds = live.filter((r) => r.oldId !== ZERO_OID).map((r) => r.oldId);
  const servedIds = [...new Set([...servedReferences(objects, tips), ...olds])];
  const served = await upstreamIdsOfServed({ repo: ctx.repo, ids: servedIds, idMap: ctx.idMap, sanitizedGitDir: ctx.sanitized.gitDir, upstreamGitDir: ctx.upstreamGitDir, gate });
  const tools = await ctx.rewriteTools();
  const translator = new Translator({
    objects, served: served.ids, ambiguous: served.ambiguous, gate, checkBlob: blobCheck(tools.scanner, tools.minter), placesAnywhere,
    readUpstream: async (id) => {
      for await (const batch of readObjectBatches(ctx.upstreamGitDir, [id])) return batch[0];
      return undefined;
    },
  });
  await translator.translate(tips);
  await q.writeCandidates(translator.candidates);
  const state = await ctx.idMap.state(ctx.repo);
  await verifyRoundTrip({
    repo: ctx.repo, candidate: q.candidate, candidates: translator.candidates, syncedTips: state?.tips ?? [], idMap: ctx.idMap,
    scanner: tools.scanner, minter: tools.minter, known: tools.known, allowUnscannable: ctx.allowUnscannable, scratchPack: q.scratch('verify.pack'),
  });
  for (const r of live) {
    if (r.oldId !== ZERO_OID) r.upstreamOldId = translator.upstreamOf(r.oldId);
    if (r.newId !== ZERO_OID) r.upstreamNewId = translator.upstreamOf(r.newId);
  }
  // The ids the agent pushed, on record before upstream has the objects: the next sync is checked against them.
  await ctx.idMap.recordPushed(ctx.repo, translator.candidates.filter((c) => c.type === 'commit' || c.type === 'tag').map((c) => ({ upstreamId: c.upstreamId, sanitizedId: c.pushedId })));
}

/** Keeps the proven candidates and each ref's upstream update as a held push; every live ref is answered 'held'. */
function hold(ctx: PushContext, q: Quarantine, req: PushRequest, live: RefOutcome[], outcome: PushOutcome): void {
  const id = randomUUID();
  keepHeld(ctx.dir, {
    id, repo: ctx.repo, pusher: req.hold!.pusher, heldAt: new Date().toISOString(), atomic: req.atomic,
    refs: live.map((r) => ({ ref: r.ref, oldId: r.oldId, newId: r.newId, upstreamRef: r.upstreamRef!, upstreamOldId: r.upstreamOldId ?? null, upstreamNewId: r.upstreamNewId ?? null })),
    tokensRestored: outcome.tokensRestored, commits: outcome.commits,
  }, (dest) => q.keepCandidate(dest));
  outcome.held = id;
  for (const r of live) {
    refuseRef(r, heldReason(id));
    r.held = id;
  }
  ctx.log.info('push held for approval', { repo: ctx.repo, id, refs: live.length });
}

/**
 * Pushes held push `id` upstream with the leases it recorded, then syncs; the held directory is removed
 * whatever the outcome. A ref upstream moved meanwhile is refused as non-fast-forward. Throws MirrorError
 * GITGATE_HELD_PUSH_UNKNOWN when there is no such held push, GITGATE_UPSTREAM_FAILED when upstream fails.
 */
export async function releaseHeldPush(ctx: PushContext, id: string, progress: (line: string) => void = () => {}): Promise<PushOutcome> {
  const held = readHeld(ctx.dir, id);
  try {
    const live: RefOutcome[] = held.refs.map((r) => ({
      ref: r.ref, oldId: r.oldId, newId: r.newId, ok: true, upstreamRef: r.upstreamRef,
      ...(r.upstreamOldId !== null ? { upstreamOldId: r.upstreamOldId } : {}), ...(r.upstreamNewId !== null ? { upstreamNewId: r.upstreamNewId } : {}),
    }));
    await pushUpstream(ctx, heldObjects(ctx.dir, id, ctx.upstreamGitDir), held.atomic, live);
    await settle(ctx, live, progress);
    ctx.log.info('held push released', { repo: ctx.repo, id, ok: live.filter((r) => r.ok).length, refused: live.filter((r) => !r.ok).length });
    return { refs: live, tokensRestored: held.tokensRestored, commits: held.commits };
  } finally {
    removeHeld(ctx.dir, id);
  }
}

/** Pushes the translated refs upstream, each leased on its old upstream id; a rejected ref is refused in git's words. */
async function pushUpstream(ctx: PushContext, objects: { view: StoreView; packs: string }, atomic: boolean, live: RefOutcome[]): Promise<void> {
  const results = await ctx.upstream.push(ctx.source, live.map((r) => ({
    ref: r.upstreamRef!, newId: r.upstreamNewId ?? null, expectedOld: r.upstreamOldId ?? null,
  })), { objects: objects.view.env, atomic });
  const landed = live.filter((_, i) => results[i]!.ok);
  // The upstream store takes the pushed objects and refs now: the sync back then has nothing to fetch.
  if (landed.length > 0) await ctx.upstream.adoptPush(objects.packs, landed.map((r) => ({ name: r.upstreamRef!, id: r.upstreamNewId ?? null })));
  results.forEach((res, i) => {
    const r = live[i]!;
    if (res.ok) return;
    const reason = res.reason === 'stale info' || res.reason === 'fetch first' || res.reason === 'non-fast-forward'
      ? 'non-fast-forward (upstream moved since your fetch: fetch, merge or rebase, then push again)'
      : `upstream refused it (${res.reason ?? 'no reason given'})`;
    refuseRef(r, reason);
  });
}

/** Syncs, so the agent's next fetch finds its refs; checks that they came back under the pushed ids. */
async function settle(ctx: PushContext, live: RefOutcome[], progress: (line: string) => void): Promise<void> {
  if (!live.some((r) => r.ok)) return;
  progress('gitgate: syncing the pushed branch back\n');
  await ctx.sync();
  const served = new Map((await ctx.sanitized.snapshot()).refs.map((r) => [r.name, r.id]));
  for (const r of live) {
    if (!r.ok) continue;
    const now = served.get(r.ref) ?? ZERO_OID;
    if (now !== r.newId) {
      ctx.log.error('pushed ref came back under another id', { repo: ctx.repo, ref: r.ref, pushed: r.newId, served: now });
      progress(`gitgate: warning: ${r.ref} is served at ${now.slice(0, 12)}, not at the ${r.newId.slice(0, 12)} you pushed; fetch before pushing again\n`);
    }
  }
}
