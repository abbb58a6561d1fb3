/**
 * Git smart-HTTP routes (gitprotocol-http): the ref advertisement and upload-pack, parsed and validated
 * by the gateway before git sees anything; push and dumb HTTP refused with a sentence saying why.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import {
  parseV2Request, serializeV2Request, parseLsRefsArgs, parseFetchArgs, serializeFetchArgs,
  parseV0Request, serializeV0Request, serializeV0Advertisement, v2Advertisement, lsRefsResponse, v0AdvertisedRefs,
  errorPkt, type V0Request, type FetchArgs,
} from '@gitgate/protocol';
import type { RepoMirror } from '@gitgate/mirror';
import { createSyncRunner, type SyncRunner } from './sync-runner.js';
import { readBody } from './request-body.js';
import { runUploadPack } from './upload-pack.js';
import { ServerError, statusFor } from './errors.js';
import { noopLogger, type Logger } from './logger.js';
import { anonymousAuthenticator, openPolicy, clientOf, authFailureReason, type Authenticator, type Identity, type ReadPolicy } from './identity.js';
import { nullAudit, type AuditSink } from './audit-sink.js';
import type { GatewayMetrics } from './metrics.js';
import { randomUUID } from 'node:crypto';
import { ExposureCache, type FetchShape } from './exposure-cache.js';

/**
 * v0/v1 capabilities, in the order git 2.39's upload-pack advertises them for the sanitized store's
 * config; `symref=HEAD:<branch>` goes before `filter`, `object-format` and `agent` after. Reachable (never
 * "any") ids in want, so that partial clones can lazily fetch blobs over v0 too.
 */
const V0_CAPABILITIES = [
  'multi_ack', 'thin-pack', 'side-band', 'side-band-64k', 'ofs-delta', 'shallow', 'deepen-since', 'deepen-not',
  'deepen-relative', 'no-progress', 'include-tag', 'multi_ack_detailed', 'allow-reachable-sha1-in-want', 'no-done',
];
/** Capabilities a v0 client may send (those advertised plus identification). */
const V0_REQUEST_CAPABILITIES = new Set([...V0_CAPABILITIES, 'filter', 'agent', 'session-id', 'object-format']);
/**
 * v2 request capabilities accepted: those the v2 advertisement offers. git refuses `session-id` unless it
 * advertised it (transfer.advertiseSID), and ls-refs never reaches git, so the list has to say so.
 */
const V2_REQUEST_CAPABILITIES = new Set(['agent', 'object-format']);
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
  metrics?: GatewayMetrics;
  /** Runs and records the sync before an advertisement (default: one built from audit, metrics, logger). */
  syncRunner?: SyncRunner;
}

/** What one git HTTP request did, recorded as an audit `session` row. */
interface Session {
  id: string;
  identity: Identity;
  clientAddress: string;
  userAgent: string;
  endpoint: string;
  protocolVersion: 0 | 2;
  wants: string[];
  haves: string[];
  shallow: string[];
  depth?: number;
  deepenSince?: number;
  deepenNot?: string[];
  filter?: string;
  objectsSent: number | null;
  bytesSent: number;
  refsAdvertised?: number;
  outcome: 'ok' | 'refused' | 'error';
  errorCode?: string;
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

/** The express handler for every git path. */
export function gitRoutes(opts: GitRoutesOptions): RequestHandler {
  const log = opts.logger ?? noopLogger;
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const authenticator = opts.authenticator ?? anonymousAuthenticator;
  const policy = opts.policy ?? openPolicy;
  const audit = opts.audit ?? nullAudit;
  const sync = opts.syncRunner ?? createSyncRunner({ audit, metrics: opts.metrics, logger: log });
  const exposures = new ExposureCache<{ token: string; objectId: string }[]>();

  return (req: Request, res: Response, next: NextFunction): void => {
    const parsed = parseGitPath(req.path);
    if (!parsed) {
      next();
      return;
    }
    const started = Date.now();
    const session: Session = {
      id: randomUUID(), identity: { subject: 'anonymous', groups: [] }, ...clientOf(req),
      endpoint: parsed.endpoint, protocolVersion: wantsV2(req) ? 2 : 0, wants: [], haves: [], shallow: [],
      objectsSent: null, bytesSent: 0, outcome: 'ok',
    };
    let audited = true;
    const handle = async (): Promise<void> => {
      if (parsed.endpoint === 'git-receive-pack' || (parsed.endpoint === 'info/refs' && req.query.service === 'git-receive-pack')) {
        throw new ServerError('GITGATE_READ_ONLY', 403, 'gitgate is a read-only gateway: push is not accepted here; push to the upstream repository instead.');
      }
      if (parsed.endpoint === 'dumb' || (parsed.endpoint === 'info/refs' && req.query.service === undefined)) {
        throw new ServerError('GITGATE_DUMB_HTTP', 403, 'gitgate serves the smart HTTP protocol only; the dumb HTTP protocol is not offered (unset GIT_SMART_HTTP).');
      }
      try {
        session.identity = await authenticator.authenticate(req.headers.authorization);
      } catch (e) {
        audited = false;
        audit.record({
          kind: 'auth-failure', actor: 'anonymous', repo: parsed.repo,
          data: { reason: authFailureReason(e), clientAddress: session.clientAddress, userAgent: session.userAgent, path: req.path.slice(0, 300) },
        });
        throw e;
      }
      const mirror = opts.repos.get(parsed.repo);
      if (!mirror) throw new ServerError('GITGATE_UNKNOWN_REPO', 404, `repository ${parsed.repo.slice(0, 200)} is not served by this gateway`);
      if (!policy.canRead(session.identity, mirror.name)) {
        throw new ServerError('GITGATE_FORBIDDEN', 403, `${session.identity.subject} may not read ${mirror.name}`);
      }
      if (parsed.endpoint === 'info/refs') {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new ServerError('GITGATE_BAD_REQUEST', 405, 'info/refs takes GET');
        if (req.query.service !== 'git-upload-pack') throw new ServerError('GITGATE_NOT_OFFERED', 403, 'only the git-upload-pack service is offered');
        await advertise(mirror, session, res);
      } else {
        if (req.method !== 'POST') throw new ServerError('GITGATE_BAD_REQUEST', 405, 'git-upload-pack takes POST');
        const body = await readBody(req, maxBody);
        await uploadPack(mirror, session, body, res);
      }
    };
    const finish = (): void => {
      // A request that sent a pack is a clone or a fetch: time it from request to the pack's end.
      if (session.objectsSent !== null && session.outcome === 'ok') opts.metrics?.cloneDuration.observe(undefined, (Date.now() - started) / 1000);
      if (!audited) return;
      audit.record({ kind: 'session', actor: session.identity.subject, repo: parsed.repo, data: { ...session, service: 'upload-pack', repo: parsed.repo, durationMs: Date.now() - started } });
    };
    handle().then(
      () => {
        log.info('git request', { repo: parsed.repo, endpoint: session.endpoint, status: res.statusCode, ms: Date.now() - started, session: session.id });
        finish();
      },
      (err: unknown) => {
        const status = err instanceof ServerError ? err.status : statusFor(err);
        const message = err instanceof Error ? err.message : 'internal error';
        const code = (err as { code?: string }).code;
        session.outcome = status >= 500 ? 'error' : 'refused';
        session.errorCode = code ?? 'GITGATE_INTERNAL';
        log.warn('git request refused', { repo: parsed.repo, endpoint: session.endpoint, status, code, session: session.id });
        finish();
        if (!res.headersSent) {
          if (status === 401) res.set('WWW-Authenticate', 'Basic realm="gitgate", charset="UTF-8"');
          res.status(status).type('text/plain').set('Cache-Control', 'no-cache').send(`gitgate: ${status === 401 ? 'authentication required: send your OIDC token as the password (any username) or as Authorization: Bearer' : message}\n`);
        } else {
          res.end();
        }
      },
    );
  };

  async function advertise(mirror: RepoMirror, session: Session, res: ServerResponse): Promise<void> {
    await sync(mirror);
    let body: Buffer;
    if (session.protocolVersion === 2) {
      body = v2Advertisement({ agent: opts.agent, lsRefs: V2_LS_REFS, fetch: V2_FETCH, objectFormat: 'sha1' });
    } else {
      // Answered from the store's ref snapshot: no git process per advertisement.
      const listing = await mirror.sanitized.snapshot();
      const head = listing.head;
      const capabilities = [
        ...V0_CAPABILITIES,
        ...(head?.id && head.target !== null ? [`symref=HEAD:${head.target}`] : []),
        'filter', 'object-format=sha1', `agent=${opts.agent}`,
      ];
      const refs = v0AdvertisedRefs(listing);
      session.refsAdvertised = refs.length;
      body = serializeV0Advertisement({ refs, capabilities, version1: false });
    }
    (res as Response).status(200).set({ 'Content-Type': ADVERTISEMENT, 'Cache-Control': 'no-cache, max-age=0, must-revalidate', Pragma: 'no-cache' });
    session.bytesSent = body.length;
    res.end(body);
  }

  async function uploadPack(mirror: RepoMirror, session: Session, body: Buffer, res: ServerResponse): Promise<void> {
    const v2 = session.protocolVersion === 2;
    // Parsing errors surface as 400 (thrown before any byte of the response is written).
    let request: Buffer;
    let noProgress = false;
    let sideband = true;
    let exposure: FetchShape | null = null;
    const refuse = (message: string): void => {
      session.outcome = 'refused';
      session.errorCode = 'GITGATE_REFUSED';
      log.warn('git request refused', { repo: mirror.name, reason: message.slice(0, 120), session: session.id });
      (res as Response).status(200).set({ 'Content-Type': RESULT, 'Cache-Control': 'no-cache' });
      res.end(errorPkt(`gitgate: ${message}`));
    };
    if (v2) {
      const r = parseV2Request(body);
      const badCap = r.capabilities.find((c) => !V2_REQUEST_CAPABILITIES.has(c.split('=')[0]) || (c.startsWith('object-format=') && c !== 'object-format=sha1'));
      if (badCap !== undefined) return refuse(`capability ${JSON.stringify(badCap.slice(0, 60))} is not offered`);
      session.endpoint = r.command;
      if (r.command === 'ls-refs') {
        // Answered from the store's ref snapshot, byte for byte what upload-pack would say.
        const listing = lsRefsResponse(await mirror.sanitized.snapshot(), parseLsRefsArgs(r.args));
        (res as Response).status(200).set({ 'Content-Type': RESULT, 'Cache-Control': 'no-cache' });
        session.bytesSent = listing.length;
        res.end(listing);
        return;
      } else if (r.command === 'fetch') {
        const a = parseFetchArgs(r.args);
        noteRequest(session, a.wants, a.haves, a.shallows, a);
        const problem = fetchProblem(a);
        if (problem) return refuse(problem);
        const checked = await checkIds(mirror, a.wants, a.shallows, a.haves);
        if (checked.error) return refuse(checked.error);
        noProgress = a.noProgress;
        exposure = { wants: a.wants, haves: checked.haves, filter: a.filter };
        // Every have goes to git, known or not: dropping unknown ones turned a negotiation round whose
        // haves git would not know into a request without haves, which git answers with a pack.
        request = serializeV2Request({ ...r, args: serializeFetchArgs(a) });
      } else if (r.command === 'object-info') {
        return refuse('the object-info command is not offered');
      } else {
        return refuse(`unknown command ${JSON.stringify(r.command.slice(0, 40))}`);
      }
    } else {
      const r: V0Request = parseV0Request(body);
      session.endpoint = 'fetch';
      noteRequest(session, r.wants, r.haves, r.shallows, r);
      const badCap = r.capabilities.find((c) => !V0_REQUEST_CAPABILITIES.has(c.split('=')[0]));
      if (badCap !== undefined) return refuse(`capability ${JSON.stringify(badCap.slice(0, 60))} is not offered`);
      if (r.wants.length === 0) return refuse('the request names no object to fetch');
      const checked = await checkIds(mirror, r.wants, r.shallows, r.haves);
      if (checked.error) return refuse(checked.error);
      noProgress = r.capabilities.includes('no-progress');
      sideband = r.capabilities.includes('side-band') || r.capabilities.includes('side-band-64k');
      exposure = { wants: r.wants, haves: checked.haves, filter: r.filter };
      request = serializeV0Request(r);
    }
    const notices = noProgress || !sideband ? [] : noticesFor(mirror);
    const abort = new AbortController();
    res.on('close', () => { if (!res.writableFinished) abort.abort(); });
    (res as Response).status(200).set({ 'Content-Type': RESULT, 'Cache-Control': 'no-cache' });
    if (exposure) audit.record({ kind: 'session-start', actor: session.identity.subject, repo: mirror.name, data: { id: session.id, repo: mirror.name, identity: session.identity } });
    const result = await runUploadPack({ gitDir: mirror.sanitized.gitDir, protocol: v2 ? 2 : 0, sideband, request, notices, res, signal: abort.signal });
    session.bytesSent = result.bytesSent;
    session.objectsSent = result.packObjects;
    if (result.exitCode !== 0) {
      session.outcome = 'error';
      session.errorCode = 'GITGATE_UPLOAD_PACK_FAILED';
      log.warn('upload-pack failed', { repo: mirror.name, exitCode: result.exitCode, stderr: result.stderr.slice(0, 300), session: session.id });
    }
    res.end();
    if (exposure && result.packObjects !== null) recordExposures(mirror, session, exposure);
  }

  /**
   * Off the hot path: which tokens the objects this session could receive carry. A shape seen before is
   * answered from the cache: objects never change, and a sync records which new objects carry tokens
   * before any ref leads to them.
   */
  function recordExposures(mirror: RepoMirror, session: Session, q: FetchShape): void {
    const key = ExposureCache.key(mirror.name, q);
    const cached = key === null ? undefined : exposures.get(key);
    const found = cached !== undefined ? Promise.resolve(cached) : mirror.exposedTokens(q).then((list) => {
      if (key !== null) exposures.set(key, list);
      return list;
    });
    found.then(
      (found) => {
        const seen = new Set<string>();
        for (const f of found) if (!seen.has(f.token) && seen.add(f.token)) audit.record({ kind: 'exposure', actor: session.identity.subject, repo: mirror.name, data: { sessionId: session.id, token: f.token, objectId: f.objectId } });
      },
      (e: unknown) => log.error('exposure audit failed', { repo: mirror.name, session: session.id, error: (e as Error).message }),
    );
  }

  /**
   * Wants and shallows must be objects of the sanitized store; the haves that are, for the exposure
   * record, are returned. Ids the served refs name (every want of a plain clone) are known without asking
   * git; only the rest are looked up with one `cat-file --batch-check`.
   */
  async function checkIds(mirror: RepoMirror, wants: string[], shallows: string[], haves: string[]): Promise<{ error?: string; haves: string[] }> {
    const listed = (await mirror.sanitized.snapshot()).ids;
    const unknown = [...new Set([...wants, ...shallows, ...haves])].filter((id) => !listed.has(id));
    const found = unknown.length === 0 ? new Set<string>() : await mirror.sanitized.has(unknown);
    const present = (id: string): boolean => listed.has(id) || found.has(id);
    const missing = wants.find((w) => !present(w));
    if (missing) return { error: `want ${missing} is not an object of the sanitized repository`, haves: [] };
    const badShallow = shallows.find((s) => !present(s));
    if (badShallow) return { error: `shallow ${badShallow} is not an object of the sanitized repository`, haves: [] };
    return { haves: haves.filter(present) };
  }

  function noticesFor(mirror: RepoMirror): string[] {
    const out = [`gitgate: serving sanitized ${mirror.name}; secrets appear as [[TOKEN_<type>_<id>]]\n`];
    const last = mirror.lastSync;
    if (last && !last.upToDate && Date.now() - last.finishedAt < 60_000) {
      out.push(`gitgate: synced ${last.objects} new upstream objects (${last.rewritten} rewritten, ${last.secrets} secrets tokenized) in ${(last.ms / 1000).toFixed(1)} s\n`);
    }
    return out;
  }
}

/** A clear sentence for fetch arguments the gateway does not offer, or null. */
function fetchProblem(a: FetchArgs): string | null {
  if (a.wantRefs.length > 0) return 'want-ref is not offered; want object ids from ls-refs instead';
  if (a.packfileUris !== undefined) return 'packfile-uris is not offered';
  if (a.sidebandAll) return 'sideband-all is not offered';
  if (a.wants.length === 0) return 'the request names no object to fetch';
  return null;
}

/** Ids kept per list in an audit row; a negotiation can carry many haves. */
const AUDIT_ID_LIMIT = 1000;

/** Copies what a fetch asked for into its audit session. */
function noteRequest(session: Session, wants: string[], haves: string[], shallow: string[], o: { deepen?: number; deepenSince?: number; deepenNot: string[]; filter?: string }): void {
  session.wants = wants.slice(0, AUDIT_ID_LIMIT);
  session.haves = haves.slice(0, AUDIT_ID_LIMIT);
  session.shallow = shallow.slice(0, AUDIT_ID_LIMIT);
  session.depth = o.deepen;
  session.deepenSince = o.deepenSince;
  session.deepenNot = o.deepenNot.length > 0 ? o.deepenNot : undefined;
  session.filter = o.filter;
}
