/**
 * Git smart-HTTP routes (gitprotocol-http): the ref advertisement and upload-pack, parsed and validated
 * by the gateway before git sees anything; push and dumb HTTP refused with a sentence saying why.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { serializeV0Advertisement, v2Advertisement, lsRefsResponse, parseLsRefsArgs, v0AdvertisedRefs, errorPkt } from '@gitgate/protocol';
import type { PushSettings, RepoMirror } from '@gitgate/mirror';
import { createSyncRunner, type SyncRunner } from './sync-runner.js';
import { readBody } from './request-body.js';
import { runUploadPack } from './upload-pack.js';
import type { PushApprovalApi } from './push-approval-api.js';
import { advertiseReceivePack, receivePack } from './receive-pack.js';
import { PushThrottle, type PushThrottleOptions } from './push-throttle.js';
import { httpErrorOf } from '@gitgate/errors';
import { ServerError, codes } from './errors.js';
import { noopLogger, type Logger } from './logger.js';
import { anonymousAuthenticator, openPolicy, clientOf, authenticateRequest, type Authenticator, type Identity, type ReadPolicy } from './identity.js';
import { RefusalAudit } from './refusal-audit.js';
import { nullAudit, type AuditEvent, type AuditSink } from './audit-sink.js';
import type { GatewayMetrics } from './metrics.js';
import { createHash, randomUUID } from 'node:crypto';
import { ExposureCache, type FetchShape } from './exposure-cache.js';
import { planUploadPack, V0_CAPABILITIES, type FetchNote, type ObjectLookup, type PlannedFetch } from './upload-pack-plan.js';

/** What the v2 advertisement offers: no object-info, bundle-uri, packfile-uris, ref-in-want, sideband-all. */
const V2_LS_REFS = ['unborn'];
const V2_FETCH = ['shallow', 'wait-for-done', 'filter'];

export interface GitRoutesOptions {
  repos: ReadonlyMap<string, RepoMirror>;
  agent: string;
  logger?: Logger;
  /** Largest decoded request body accepted (default 16 MiB). */
  maxBodyBytes?: number;
  authenticator?: Authenticator;
  policy?: ReadPolicy;
  audit?: AuditSink;
  /** Folds refused calls and failed logins into the audit (shared with the API; default: one over `audit`). */
  refusals?: RefusalAudit;
  metrics?: GatewayMetrics;
  /** Runs and records the sync before an advertisement (default: one built from audit, metrics, logger). */
  syncRunner?: SyncRunner;
  /** A repository's push settings; undefined (the default for every repository): read-only. */
  pushSettings?: (repo: string) => PushSettings | undefined;
  /** Largest decoded push body (commands and pack) accepted (default 512 MiB). */
  maxPushBytes?: number;
  /** How many refused ref updates an identity may have per window before its pushes are held off (default 20 per 10 minutes). */
  pushThrottle?: PushThrottleOptions;
  /** Where held pushes wait for approval (push.requireApproval; auth mode oidc). */
  pushApprovals?: PushApprovalApi;
}

/** What one git HTTP request did (with what a fetch asked for), recorded as an audit `session` row. */
interface Session extends FetchNote {
  id: string;
  identity: Identity;
  clientAddress: string;
  userAgent: string;
  endpoint: string;
  protocolVersion: 0 | 2;
  objectsSent: number | null;
  bytesSent: number;
  refsAdvertised?: number;
  outcome: 'ok' | 'refused' | 'error';
  errorCode?: string;
  service: 'upload-pack' | 'receive-pack';
}

const ADVERTISEMENT = 'application/x-git-upload-pack-advertisement';
const RESULT = 'application/x-git-upload-pack-result';

type GitEndpoint = 'info/refs' | 'git-upload-pack' | 'git-receive-pack' | 'dumb';

/** Splits a request path into repository name and git endpoint; null when it is not a git path. */
export function parseGitPath(path: string): { repo: string; endpoint: GitEndpoint } | null {
  const m = /^\/(.+?)\/(info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.+|info\/packs|info\/(?:http-)?alternates)$/.exec(path);
  if (!m) return null;
  let repo: string;
  try {
    repo = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  if (repo.endsWith('.git')) repo = repo.slice(0, -4);
  const e = m[2];
  const endpoint: GitEndpoint = e === 'info/refs' || e === 'git-upload-pack' || e === 'git-receive-pack' ? e : 'dumb';
  return { repo, endpoint };
}

/** Whether the client asked for protocol v2 (Git-Protocol header, colon-separated key=value list). */
export function wantsV2(req: IncomingMessage): boolean {
  const h = req.headers['git-protocol'];
  const value = Array.isArray(h) ? h.join(':') : h ?? '';
  return value.split(':').some((p) => p.trim() === 'version=2');
}

/** What every git request shares: options resolved once, the sync runner and the exposure cache. */
interface GitContext {
  opts: GitRoutesOptions;
  log: Logger;
  maxBody: number;
  authenticator: Authenticator;
  policy: ReadPolicy;
  audit: AuditSink;
  refusals: RefusalAudit;
  sync: SyncRunner;
  exposures: ExposureCache<{ token: string; objectId: string }[]>;
  pushThrottle: PushThrottle;
}

/** The express handler for every git path. */
export function gitRoutes(opts: GitRoutesOptions): RequestHandler {
  const log = opts.logger ?? noopLogger;
  const audit = opts.audit ?? nullAudit;
  const ctx: GitContext = {
    opts, log, audit,
    maxBody: opts.maxBodyBytes ?? 16 * 1024 * 1024,
    authenticator: opts.authenticator ?? anonymousAuthenticator,
    policy: opts.policy ?? openPolicy,
    refusals: opts.refusals ?? new RefusalAudit({ audit }),
    sync: opts.syncRunner ?? createSyncRunner({ audit, metrics: opts.metrics, logger: log }),
    exposures: new ExposureCache<{ token: string; objectId: string }[]>(),
    pushThrottle: new PushThrottle(opts.pushThrottle),
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const parsed = parseGitPath(req.path);
    if (!parsed) {
      next();
      return;
    }
    handleGitRequest(ctx, parsed, req, res);
  };
}

type GitPath = NonNullable<ReturnType<typeof parseGitPath>>;

/** Runs one git request and records it as a `session` row (unless its authentication failure was recorded instead). */
function handleGitRequest(ctx: GitContext, parsed: GitPath, req: Request, res: Response): void {
  const started = Date.now();
  const session: Session = {
    id: randomUUID(), identity: { subject: 'anonymous', groups: [] }, ...clientOf(req),
    endpoint: parsed.endpoint, protocolVersion: wantsV2(req) ? 2 : 0, wants: [], haves: [], shallow: [],
    objectsSent: null, bytesSent: 0, outcome: 'ok', service: isPush(parsed, req) ? 'receive-pack' : 'upload-pack',
  };
  const state = { audited: true };
  const finish = (): void => {
    // A request that sent a pack is a clone or a fetch: time it from request to the pack's end.
    if (session.objectsSent !== null && session.outcome === 'ok') ctx.opts.metrics?.cloneDuration.observe(undefined, (Date.now() - started) / 1000);
    if (!state.audited) return;
    ctx.audit.record({ kind: 'session', actor: session.identity.subject, repo: parsed.repo, data: { ...session, repo: parsed.repo, durationMs: Date.now() - started } });
  };
  dispatch(ctx, parsed, req, res, session, state).then(
    () => {
      ctx.log.info('git request', { repo: parsed.repo, endpoint: session.endpoint, status: res.statusCode, ms: Date.now() - started, session: session.id });
      finish();
    },
    (err: unknown) => {
      const { status, code, message } = httpErrorOf(err);
      session.outcome = status >= 500 ? 'error' : 'refused';
      session.errorCode = code;
      ctx.log.warn('git request refused', { repo: parsed.repo, endpoint: session.endpoint, status, code, session: session.id, ...(status === 500 ? { error: (err as Error)?.message } : {}) });
      finish();
      if (!res.headersSent) {
        if (status === 401) res.set('WWW-Authenticate', 'Basic realm="gitgate", charset="UTF-8"');
        res.status(status).type('text/plain').set('Cache-Control', 'no-cache').send(`gitgate: ${status === 401 ? 'authentication required: send your OIDC token as the password (any username) or as Authorization: Bearer' : message}\n`);
      } else {
        res.end();
      }
    },
  );
}

/** Refuses what is never offered, authenticates, authorizes, then advertises or runs upload-pack. */
async function dispatch(ctx: GitContext, parsed: GitPath, req: Request, res: Response, session: Session, state: { audited: boolean }): Promise<void> {
  if (parsed.endpoint === 'dumb' || (parsed.endpoint === 'info/refs' && req.query.service === undefined)) {
    throw new ServerError(codes.dumbHttp, 'gitgate serves the smart HTTP protocol only; the dumb HTTP protocol is not offered (unset GIT_SMART_HTTP).');
  }
  try {
    session.identity = await authenticateRequest(ctx.authenticator, ctx.refusals, req, parsed.repo);
  } catch (e) {
    // Recorded as an auth-failure (folded) instead of a session row.
    state.audited = false;
    throw e;
  }
  const mirror = ctx.opts.repos.get(parsed.repo);
  // A repository the caller may not read answers exactly as one that does not exist: no enumeration.
  if (!mirror || !ctx.policy.canRead(session.identity, mirror.name)) {
    throw new ServerError(codes.unknownRepo, `repository ${parsed.repo.slice(0, 200)} is not served by this gateway`);
  }
  if (session.service === 'receive-pack') {
    await dispatchPush(ctx, parsed, mirror, req, res, session);
    return;
  }
  if (parsed.endpoint === 'info/refs') {
    refuseWhileAuditFails(ctx);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ServerError(codes.methodNotAllowed, 'info/refs takes GET');
    if (req.query.service !== 'git-upload-pack') throw new ServerError(codes.notOffered, 'only the git-upload-pack service is offered');
    await advertise(ctx, mirror, session, res);
  } else {
    if (req.method !== 'POST') throw new ServerError(codes.methodNotAllowed, 'git-upload-pack takes POST');
    const body = await readBody(req, ctx.maxBody);
    await uploadPack(ctx, mirror, session, body, res);
  }
}

/** Whether a git request is part of a push (receive-pack's advertisement or its POST). */
function isPush(parsed: GitPath, req: Request): boolean {
  return parsed.endpoint === 'git-receive-pack' || (parsed.endpoint === 'info/refs' && req.query.service === 'git-receive-pack');
}

/**
 * A push request of a caller who may read the repository: refused (403) unless the repository has a push
 * block and the caller is one of its writers, and while the audit cannot be written; then advertised or run.
 */
async function dispatchPush(ctx: GitContext, parsed: GitPath, mirror: RepoMirror, req: Request, res: Response, session: Session): Promise<void> {
  const settings = ctx.opts.pushSettings?.(mirror.name);
  if (settings === undefined) {
    throw new ServerError(codes.readOnly, 'gitgate is a read-only gateway: push is not accepted here; push to the upstream repository instead.');
  }
  if (!(ctx.policy.canWrite?.(session.identity, mirror.name) ?? false)) {
    throw new ServerError(codes.notWriter, `you may not push to ${mirror.name}: you are not in its writers' groups`);
  }
  refuseWhileAuditFails(ctx);
  const subject = session.identity.subject;
  if (!ctx.pushThrottle.allows(subject)) {
    throw new ServerError(codes.pushThrottled, `too many of your pushes were refused in the last minutes; try again in ${ctx.pushThrottle.retryAfterSeconds(subject)} s`);
  }
  const push = { agent: ctx.opts.agent, log: ctx.log, audit: ctx.audit, metrics: ctx.opts.metrics, onRefused: (n: number) => ctx.pushThrottle.refused(subject, n),
    approvals: ctx.opts.pushApprovals,
  };
  if (parsed.endpoint === 'info/refs') {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ServerError(codes.methodNotAllowed, 'info/refs takes GET');
    await ctx.sync(mirror);
    await advertiseReceivePack(push, mirror, settings, session, res);
    return;
  }
  if (req.method !== 'POST') throw new ServerError(codes.methodNotAllowed, 'git-receive-pack takes POST');
  const body = await readBody(req, ctx.opts.maxPushBytes ?? 512 * 1024 * 1024);
  await receivePack(push, mirror, settings, session, body, res);
}

/** The ref advertisement of info/refs, after a sync; v0 from the store's ref snapshot (no git process). */
async function advertise(ctx: GitContext, mirror: RepoMirror, session: Session, res: ServerResponse): Promise<void> {
  await ctx.sync(mirror);
  let body: Buffer;
  if (session.protocolVersion === 2) {
    body = v2Advertisement({ agent: ctx.opts.agent, lsRefs: V2_LS_REFS, fetch: V2_FETCH, objectFormat: 'sha1' });
  } else {
    const listing = await mirror.sanitized.snapshot();
    const head = listing.head;
    const capabilities = [
      ...V0_CAPABILITIES,
      ...(head?.id && head.target !== null ? [`symref=HEAD:${head.target}`] : []),
      'filter', 'object-format=sha1', `agent=${ctx.opts.agent}`,
    ];
    const refs = v0AdvertisedRefs(listing);
    session.refsAdvertised = refs.length;
    body = serializeV0Advertisement({ refs, capabilities, version1: false });
  }
  (res as Response).status(200).set({ 'Content-Type': ADVERTISEMENT, 'Cache-Control': 'no-cache, max-age=0, must-revalidate', Pragma: 'no-cache' });
  session.bytesSent = body.length;
  res.end(body);
}

/** An upload-pack POST: planned without side effects (upload-pack-plan.ts), then refused, listed or served. */
async function uploadPack(ctx: GitContext, mirror: RepoMirror, session: Session, body: Buffer, res: ServerResponse): Promise<void> {
  // Parsing errors surface as 400 (thrown before any byte of the response is written).
  const plan = await planUploadPack(body, session.protocolVersion === 2, storeLookup(mirror));
  if (plan.endpoint !== undefined) session.endpoint = plan.endpoint;
  if (plan.kind !== 'ls-refs' && plan.note) Object.assign(session, plan.note);
  if (plan.kind === 'refuse') {
    session.outcome = 'refused';
    session.errorCode = 'GITGATE_REFUSED';
    ctx.log.warn('git request refused', { repo: mirror.name, reason: plan.message.slice(0, 120), session: session.id });
    (res as Response).status(200).set({ 'Content-Type': RESULT, 'Cache-Control': 'no-cache' });
    res.end(errorPkt(`gitgate: ${plan.message}`));
  } else if (plan.kind === 'ls-refs') {
    await listRefs(ctx, mirror, session, plan.args, res);
  } else {
    await serveFetch(ctx, mirror, session, plan, res);
  }
}

/** v2 ls-refs, answered from the store's ref snapshot, byte for byte what upload-pack would say. */
async function listRefs(ctx: GitContext, mirror: RepoMirror, session: Session, args: string[], res: ServerResponse): Promise<void> {
  refuseWhileAuditFails(ctx);
  const listing = lsRefsResponse(await mirror.sanitized.snapshot(), parseLsRefsArgs(args));
  (res as Response).status(200).set({ 'Content-Type': RESULT, 'Cache-Control': 'no-cache' });
  session.bytesSent = listing.length;
  res.end(listing);
}

/**
 * Wants and shallows must be objects of the sanitized store. Ids the served refs name (every want of a
 * plain clone) are known without asking git; only the rest are looked up with one `cat-file --batch-check`.
 */
function storeLookup(mirror: RepoMirror): ObjectLookup {
  return async (ids) => {
    const listed = (await mirror.sanitized.snapshot()).ids;
    const unknown = ids.filter((id) => !listed.has(id));
    const found = unknown.length === 0 ? new Set<string>() : await mirror.sanitized.has(unknown);
    return new Set(ids.filter((id) => listed.has(id) || found.has(id)));
  };
}

/**
 * Serves a validated fetch: upload-pack's output is held until its pack starts, the session-start and
 * exposure rows are made durable, then the bytes flow (invariant 7: no byte before its record).
 */
async function serveFetch(ctx: GitContext, mirror: RepoMirror, session: Session, plan: PlannedFetch, res: ServerResponse): Promise<void> {
  const notices = plan.noProgress || !plan.sideband ? [] : noticesFor(mirror);
  const abort = new AbortController();
  res.on('close', () => { if (!res.writableFinished) abort.abort(); });
  (res as Response).status(200).set({ 'Content-Type': RESULT, 'Cache-Control': 'no-cache' });
  const small = await mirror.nearServedTip(plan.shape.haves);
  const result = await runUploadPack({
    store: mirror.sanitized, protocol: session.protocolVersion, sideband: plan.sideband, request: plan.request,
    small,
    notices, res, signal: abort.signal, beforePack: recordBeforePack(ctx, mirror, session, plan),
  });
  session.bytesSent = result.bytesSent;
  session.objectsSent = result.packObjects;
  // Nothing of the response was written: the error handler answers 503 with its sentence.
  if (result.refused !== undefined) throw result.refused;
  if (result.exitCode !== 0) {
    session.outcome = 'error';
    session.errorCode = 'GITGATE_UPLOAD_PACK_FAILED';
    ctx.log.warn('upload-pack failed', { repo: mirror.name, exitCode: result.exitCode, stderr: result.stderr.slice(0, 300), session: session.id });
  }
  res.end();
}

/**
 * The step awaited when the pack is about to start: the session-start row and one exposure row per
 * token the pack can carry are durable by then; throws a 503 ServerError when either cannot be had.
 * Both are started with the request, so the pack rarely waits: the session-start row is written while
 * git starts (a session starts whether or not a pack follows), and the exposures are computed
 * meanwhile. A fetch that ends negotiation (`done`) will get a pack, so its exposure rows go in the
 * same write; a negotiation round, which may end without a pack, writes them when its pack starts, and
 * only if there are any. If git fails before its pack, the rows stay: the session row records the
 * failure and no objects sent.
 */
function recordBeforePack(ctx: GitContext, mirror: RepoMirror, session: Session, plan: PlannedFetch): () => Promise<void> {
  const actor = session.identity.subject;
  const start: AuditEvent = { kind: 'session-start', actor, repo: mirror.name, data: { id: session.id, repo: mirror.name, identity: session.identity } };
  const found = exposuresFor(ctx, mirror, plan.shape).catch((e: unknown) => {
    ctx.log.error('exposure audit failed', { repo: mirror.name, session: session.id, error: (e as Error).message });
    throw new ServerError(codes.exposureFailed);
  });
  found.catch(() => undefined);
  const exposures = async (): Promise<AuditEvent[]> => {
    const seen = new Set<string>();
    const events: AuditEvent[] = [];
    for (const f of await found) {
      if (!seen.has(f.token) && seen.add(f.token)) events.push({ kind: 'exposure', actor, repo: mirror.name, data: { sessionId: session.id, repo: mirror.name, token: f.token, objectId: f.objectId } });
    }
    return events;
  };
  if (plan.done) {
    const all = exposures().then((events) => durably(ctx, mirror, session, [start, ...events]));
    all.catch(() => undefined);
    return () => all;
  }
  const started = durably(ctx, mirror, session, [start]);
  started.catch(() => undefined);
  return async () => {
    const events = await exposures();
    await started;
    if (events.length > 0) await durably(ctx, mirror, session, events);
  };
}

/** Makes `events` durable in one write; throws the 503 ServerError when it cannot be. */
async function durably(ctx: GitContext, mirror: RepoMirror, session: Session, events: AuditEvent[]): Promise<void> {
  try {
    await ctx.audit.recordAllDurable(events);
  } catch (e) {
    ctx.log.error('audit write failed before a pack', { repo: mirror.name, session: session.id, code: (e as { code?: string }).code });
    throw new ServerError(codes.auditUnavailable, AUDIT_UNAVAILABLE);
  }
}

/** Refuses a ref listing (503) while the audit cannot be written: what it names would go unrecorded. */
function refuseWhileAuditFails(ctx: GitContext): void {
  if (ctx.audit.failing) throw new ServerError(codes.auditUnavailable, AUDIT_UNAVAILABLE);
}

/**
 * Which tokens the objects of a fetch of this shape carry (a superset of the pack's). A store none of
 * whose objects carries a token exposes none: no walk, and the haves are not even looked up. Otherwise the
 * haves the store does not hold are dropped (the walk would fail on them; git ignores them too), and a
 * shape seen before is answered from the cache: objects never change, and a sync records which new objects
 * carry tokens before any ref leads to them. The cache is keyed by the haves the store holds now, so a
 * have that a repack dropped since makes a new key, not a stale answer.
 */
async function exposuresFor(ctx: GitContext, mirror: RepoMirror, q: FetchShape): Promise<{ token: string; objectId: string }[]> {
  if (!(await mirror.carriesTokens())) return [];
  let shape = q;
  if (q.haves.length > 0) {
    const held = await storeLookup(mirror)(q.haves);
    shape = { ...q, haves: q.haves.filter((h) => held.has(h)) };
  }
  const key = ExposureCache.key(mirror.name, shape, shape.includeTag === true ? tagState(await mirror.sanitized.snapshot()) : '');
  const cached = key === null ? undefined : ctx.exposures.get(key);
  if (cached !== undefined) return cached;
  const list = await mirror.exposedTokens(shape);
  if (key !== null) ctx.exposures.set(key, list);
  return list;
}

/** Tag digests by ref snapshot: a snapshot is replaced, never changed, when refs move. */
const tagStates = new WeakMap<object, string>();

/** A digest of the served tag refs (name and id), for exposure cache keys of include-tag fetches. */
function tagState(snapshot: { refs: readonly { name: string; id: string }[] }): string {
  let digest = tagStates.get(snapshot);
  if (digest === undefined) {
    const h = createHash('sha256');
    for (const r of snapshot.refs) if (r.name.startsWith('refs/tags/')) h.update(`${r.name} ${r.id}\n`);
    digest = h.digest('hex');
    tagStates.set(snapshot, digest);
  }
  return digest;
}

/** The gateway's notices on side-band 2: what is served, and the last sync when it just happened. */
function noticesFor(mirror: RepoMirror): string[] {
  const out = [`gitgate: serving sanitized ${mirror.name}; secrets appear as [[TOKEN_<type>_<id>]]\n`];
  const last = mirror.lastSync;
  if (last && !last.upToDate && Date.now() - last.finishedAt < 60_000) {
    out.push(`gitgate: synced ${last.objects} new upstream objects (${last.rewritten} rewritten, ${last.secrets} secrets tokenized) in ${(last.ms / 1000).toFixed(1)} s\n`);
  }
  return out;
}

/** The one-line answer (503) when the audit cannot be written. */
const AUDIT_UNAVAILABLE = 'the audit log cannot be written right now, so nothing is served until it can; try again later';
