/**
 * REST API under /api/v1 (JSON): detokenize requests, token administration, audit queries. Every call
 * is authenticated with the same OIDC tokens as git (Authorization: Bearer), and every call is audited:
 * state changes by the services, refusals (401, 4xx, 503) here, folded by RefusalAudit. Every route
 * declares the query parameters and body fields it takes; anything else is refused with 400.
 */
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import { authFailureReason, type Authenticator, type Identity } from '../identity.js';
import type { AuditSink } from '../audit-sink.js';
import { RefusalAudit } from '../refusal-audit.js';
import { httpErrorOf } from '@gitgate/errors';
import { AccessError, codes as accessCodes } from '@gitgate/access';
import { ServerError, codes } from '../errors.js';
import { noopLogger, type Logger } from '../logger.js';
import { openApiDocument } from './openapi.js';

/** The detokenize operations the API exposes (implemented by @gitgate/access's DetokenizeService). */
export interface DetokenizeApi {
  create(id: Identity, input: { token: string; reason?: string }): Promise<object>;
  listForApprover(id: Identity, q: { status?: string; limit?: number }): Promise<object[]>;
  approve(id: Identity, requestId: string, comment?: string): Promise<object>;
  deny(id: Identity, requestId: string, comment?: string): Promise<object>;
  get(id: Identity, requestId: string): Promise<object>;
  revokeToken(id: Identity, token: string): Promise<void>;
  tokenInfo(id: Identity, token: string): Promise<object>;
}

/** The audit queries the API exposes to admins (implemented by @gitgate/audit's AuditLog). */
export interface AuditQueries {
  sessions(q: AuditFilter): Promise<object[]>;
  exposures(q: AuditFilter): Promise<object[]>;
  detokenize(q: AuditFilter): Promise<object[]>;
  syncs(q: AuditFilter): Promise<object[]>;
  session(id: string): Promise<object | undefined>;
  verify(): Promise<object>;
}
export interface AuditFilter { repo?: string; identity?: string; token?: string; since?: Date; until?: Date; limit?: number }

export interface ApiOptions {
  authenticator: Authenticator;
  detokenize?: DetokenizeApi;
  auditQueries?: AuditQueries;
  isAdmin: (id: Identity) => boolean;
  audit: AuditSink;
  /** Folds repeated refusals (shared with the git routes); one over `audit` by default. */
  refusals?: RefusalAudit;
  logger?: Logger;
}

/** What a route takes besides its path parameters: allowed query parameter and body field names. */
interface RouteInput {
  query?: readonly string[];
  body?: readonly string[];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const LIMIT = /^[1-9]\d{0,5}$/;

function badInput(message: string): Error {
  return new AccessError(accessCodes.badInput, message);
}

type Handler = (req: Request, identity: Identity) => Promise<{ status?: number; body: unknown }>;

/** Builds the /api/v1 router. */
export function apiRouter(opts: ApiOptions): Router {
  const log = opts.logger ?? noopLogger;
  const refusals = opts.refusals ?? new RefusalAudit({ audit: opts.audit });
  const r = express.Router();
  r.use(express.json({ limit: '64kb' }));
  const clientAddress = (req: Request): string => req.socket.remoteAddress ?? '';
  /** Audits a refused call: who, which action, which code; never a body, a header or a secret. */
  const refused = (req: Request, actor: string, action: string, status: number, code: string, target?: string): void => {
    refusals.record(`${actor}\n${action}\n${code}`, {
      kind: 'api-refusal', actor,
      data: { action, status, code, clientAddress: clientAddress(req), ...(target ? { target: target.slice(0, 200) } : {}) },
    });
  };
  /** Refuses query parameters and body fields the route does not declare, and a body that is not an object. */
  const checkInput = (req: Request, input: RouteInput): void => {
    const allowedQuery = input.query ?? [];
    for (const k of Object.keys(req.query)) {
      if (!allowedQuery.includes(k)) throw badInput(`unknown query parameter ${JSON.stringify(k.slice(0, 100))} (allowed: ${allowedQuery.join(', ') || 'none'})`);
    }
    if (req.body === undefined || (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) && Object.keys(req.body as object).length === 0)) return;
    if (!input.body) throw badInput('this call takes no request body');
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw badInput('the request body must be a JSON object');
    for (const k of Object.keys(req.body as object)) {
      if (!input.body.includes(k)) throw badInput(`unknown body field ${JSON.stringify(k.slice(0, 100))} (allowed: ${input.body.join(', ')})`);
    }
  };

  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  const route = (method: 'get' | 'post', path: string, action: string, input: RouteInput, h: Handler): void => {
    r[method](path, (req: Request, res: Response, next: NextFunction) => {
      const started = Date.now();
      const requestId = randomUUID();
      let actor = 'anonymous';
      (async () => {
        let identity: Identity;
        try {
          identity = await opts.authenticator.authenticate(req.headers.authorization);
        } catch (e) {
          const reason = authFailureReason(e);
          refusals.record(`auth-failure\n${reason}\n${clientAddress(req)}`, { kind: 'auth-failure', actor: 'anonymous', data: { reason, clientAddress: clientAddress(req), userAgent: String(req.headers['user-agent'] ?? '').slice(0, 200), path: req.path.slice(0, 300) } });
          throw Object.assign(e as object, { audited: true });
        }
        actor = identity.subject;
        checkInput(req, input);
        const out = await h(req, identity);
        res.status(out.status ?? 200).json(out.body);
        log.info('api request', { action, status: out.status ?? 200, actor, ms: Date.now() - started, requestId });
      })().catch((e: unknown) => {
        const { status, code, message } = httpErrorOf(e);
        if (status >= 500) log.error('api request failed', { action, actor, code, requestId, error: (e as Error)?.message });
        else log.info('api request refused', { action, status, actor, code, requestId });
        if (!(e as { audited?: unknown }).audited) refused(req, actor, action, status, code, [req.params.id, req.params.token].find((v): v is string => typeof v === 'string'));
        if (res.headersSent) return next(e);
        if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="gitgate"');
        res.status(status).json({ error: { code, message, requestId } });
      });
    });
  };

  const needDetokenize = (): DetokenizeApi => {
    if (!opts.detokenize) throw new ServerError(codes.notConfigured, 'detokenize is not configured on this gateway (it needs auth mode oidc and a detokenize policy)');
    return opts.detokenize;
  };
  const needAdmin = (id: Identity): void => {
    if (!opts.isAdmin(id)) throw new AccessError(accessCodes.forbidden, 'this call is for admins');
  };
  const str = (v: unknown, name: string, required: boolean): string | undefined => {
    if (v === undefined || v === null || v === '') {
      if (required) throw badInput(`${name} is required`);
      return undefined;
    }
    if (typeof v !== 'string' || v.length > 4096) throw badInput(`${name} must be a string of at most 4096 characters`);
    return v;
  };
  const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? req.body as Record<string, unknown> : {});

  route('post', '/detokenize-requests', 'detokenize.create', { body: ['token', 'reason'] }, async (req, id) => ({
    status: 201,
    body: await needDetokenize().create(id, { token: str(body(req).token, 'token', true)!, reason: str(body(req).reason, 'reason', false) }),
  }));
  route('get', '/detokenize-requests', 'detokenize.list', { query: ['status', 'limit'] }, async (req, id) => ({
    body: { items: await needDetokenize().listForApprover(id, { status: str(req.query.status, 'status', false), limit: limitOf(req.query.limit, 1000) }) },
  }));
  route('get', '/detokenize-requests/:id', 'detokenize.get', {}, async (req, id) => ({ body: await needDetokenize().get(id, String(req.params.id)) }));
  route('post', '/detokenize-requests/:id/approve', 'detokenize.approve', { body: ['comment'] }, async (req, id) => ({
    body: await needDetokenize().approve(id, String(req.params.id), str(body(req).comment, 'comment', false)),
  }));
  route('post', '/detokenize-requests/:id/deny', 'detokenize.deny', { body: ['comment'] }, async (req, id) => ({
    body: await needDetokenize().deny(id, String(req.params.id), str(body(req).comment, 'comment', false)),
  }));
  route('post', '/tokens/:token/revoke', 'token.revoke', {}, async (req, id) => {
    await needDetokenize().revokeToken(id, String(req.params.token));
    return { body: { token: req.params.token, revoked: true } };
  });
  route('get', '/tokens/:token', 'token.info', {}, async (req, id) => ({ body: await needDetokenize().tokenInfo(id, String(req.params.token)) }));

  const limitOf = (v: unknown, max: number): number | undefined => {
    const s = str(v, 'limit', false);
    if (s === undefined) return undefined;
    if (!LIMIT.test(s) || Number(s) > max) throw badInput(`limit must be an integer from 1 to ${max}`);
    return Number(s);
  };
  const when = (v: unknown, n: string): Date | undefined => {
    const s = str(v, n, false);
    if (s === undefined) return undefined;
    const t = ISO_TIME.test(s) ? Date.parse(s) : NaN;
    if (Number.isNaN(t)) throw badInput(`${n} must be an ISO 8601 time such as 2030-01-31T12:00:00Z`);
    return new Date(t);
  };
  // The filters each audit view supports (syncs carry no token).
  const FILTERS = ['repo', 'identity', 'token', 'since', 'until', 'limit'] as const;
  const SYNC_FILTERS = ['repo', 'identity', 'since', 'until', 'limit'] as const;
  const auditList = (name: 'sessions' | 'exposures' | 'detokenize' | 'syncs'): Handler => async (req, id) => {
    needAdmin(id);
    if (!opts.auditQueries) throw new ServerError(codes.notConfigured, 'audit is not available');
    const q = req.query;
    const since = when(q.since, 'since');
    const until = when(q.until, 'until');
    if (since && until && since.getTime() > until.getTime()) throw badInput('since must not be later than until');
    const items = await opts.auditQueries[name]({
      repo: str(q.repo, 'repo', false), identity: str(q.identity, 'identity', false), token: str(q.token, 'token', false),
      since, until, limit: limitOf(q.limit, 10000),
    });
    return { body: { items } };
  };
  route('get', '/audit/sessions', 'audit.sessions', { query: FILTERS }, auditList('sessions'));
  route('get', '/audit/exposures', 'audit.exposures', { query: FILTERS }, auditList('exposures'));
  route('get', '/audit/requests', 'audit.requests', { query: FILTERS }, auditList('detokenize'));
  route('get', '/audit/syncs', 'audit.syncs', { query: SYNC_FILTERS }, auditList('syncs'));
  route('get', '/audit/sessions/:id', 'audit.session', {}, async (req, id) => {
    needAdmin(id);
    const s = await opts.auditQueries?.session(String(req.params.id));
    if (!s) throw new AccessError(accessCodes.notFound, 'no such session');
    return { body: s };
  });
  route('get', '/audit/verify', 'audit.verify', {}, async (_req, id) => {
    needAdmin(id);
    if (!opts.auditQueries) throw new ServerError(codes.notConfigured, 'audit is not available');
    return { body: await opts.auditQueries.verify() };
  });
  r.use((req, res) => {
    refused(req, 'anonymous', 'unknown-route', 404, 'GITGATE_NOT_FOUND');
    res.status(404).json({ error: { code: 'GITGATE_NOT_FOUND', message: 'no such API route' } });
  });
  // Malformed JSON bodies and other errors from express itself (before authentication).
  r.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    refused(req, 'anonymous', 'malformed-body', status, status === 400 ? 'GITGATE_BAD_INPUT' : 'GITGATE_INTERNAL');
    res.status(status).json({ error: { code: status === 400 ? 'GITGATE_BAD_INPUT' : 'GITGATE_INTERNAL', message: status < 500 ? 'malformed request body' : 'internal error' } });
  });
  return r;
}

