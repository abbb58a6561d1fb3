/**
 * REST API under /api/v1 (JSON): detokenize requests, token administration, audit queries. Every call
 * is authenticated with the same OIDC tokens as git (Authorization: Bearer), and every call is audited.
 */
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import { authFailureReason, type Authenticator, type Identity } from '../identity.js';
import type { AuditSink } from '../audit-sink.js';
import { statusFor } from '../errors.js';
import { noopLogger, type Logger } from '../logger.js';
import { openApiDocument } from './openapi.js';

/** The detokenize operations the API exposes (implemented by @gitgate/access's DetokenizeService). */
export interface DetokenizeApi {
  create(id: Identity, input: { token: string; reason?: string }): Promise<object>;
  listForApprover(id: Identity, q: { status?: string }): Promise<object[]>;
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
  logger?: Logger;
}

type Handler = (req: Request, identity: Identity) => Promise<{ status?: number; body: unknown }>;

/** Builds the /api/v1 router. */
export function apiRouter(opts: ApiOptions): Router {
  const log = opts.logger ?? noopLogger;
  const r = express.Router();
  r.use(express.json({ limit: '64kb' }));

  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  const route = (method: 'get' | 'post', path: string, action: string, h: Handler): void => {
    r[method](path, (req: Request, res: Response, next: NextFunction) => {
      const started = Date.now();
      const requestId = randomUUID();
      let actor = 'anonymous';
      (async () => {
        let identity: Identity;
        try {
          identity = await opts.authenticator.authenticate(req.headers.authorization);
        } catch (e) {
          opts.audit.record({ kind: 'auth-failure', actor: 'anonymous', data: { reason: authFailureReason(e), clientAddress: req.socket.remoteAddress ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 200), path: req.path.slice(0, 300) } });
          throw e;
        }
        actor = identity.subject;
        const out = await h(req, identity);
        res.status(out.status ?? 200).json(out.body);
        log.info('api request', { action, status: out.status ?? 200, actor, ms: Date.now() - started, requestId });
      })().catch((e: unknown) => {
        const status = typeof (e as { status?: unknown }).status === 'number' ? (e as { status: number }).status : statusFor(e);
        const code = String((e as { code?: unknown }).code ?? 'GITGATE_INTERNAL');
        const message = status >= 500 ? 'internal error' : (e as Error).message;
        if (status >= 500) log.error('api request failed', { action, actor, code, requestId, error: (e as Error).message });
        else log.info('api request refused', { action, status, actor, code, requestId });
        if (res.headersSent) return next(e);
        if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="gitgate"');
        res.status(status).json({ error: { code, message, requestId } });
      });
    });
  };

  const needDetokenize = (): DetokenizeApi => {
    if (!opts.detokenize) throw Object.assign(new Error('detokenize is not configured on this gateway (it needs auth mode oidc and a detokenize policy)'), { code: 'GITGATE_NOT_CONFIGURED', status: 501 });
    return opts.detokenize;
  };
  const needAdmin = (id: Identity): void => {
    if (!opts.isAdmin(id)) throw Object.assign(new Error('this call is for admins'), { code: 'GITGATE_FORBIDDEN', status: 403 });
  };
  const str = (v: unknown, name: string, required: boolean): string | undefined => {
    if (v === undefined || v === null || v === '') {
      if (required) throw Object.assign(new Error(`${name} is required`), { code: 'GITGATE_BAD_INPUT', status: 400 });
      return undefined;
    }
    if (typeof v !== 'string' || v.length > 4096) throw Object.assign(new Error(`${name} must be a string of at most 4096 characters`), { code: 'GITGATE_BAD_INPUT', status: 400 });
    return v;
  };
  const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? req.body as Record<string, unknown> : {});

  route('post', '/detokenize-requests', 'detokenize.create', async (req, id) => ({
    status: 201,
    body: await needDetokenize().create(id, { token: str(body(req).token, 'token', true)!, reason: str(body(req).reason, 'reason', false) }),
  }));
  route('get', '/detokenize-requests', 'detokenize.list', async (req, id) => ({
    body: { items: await needDetokenize().listForApprover(id, { status: str(req.query.status, 'status', false) }) },
  }));
  route('get', '/detokenize-requests/:id', 'detokenize.get', async (req, id) => ({ body: await needDetokenize().get(id, String(req.params.id)) }));
  route('post', '/detokenize-requests/:id/approve', 'detokenize.approve', async (req, id) => ({
    body: await needDetokenize().approve(id, String(req.params.id), str(body(req).comment, 'comment', false)),
  }));
  route('post', '/detokenize-requests/:id/deny', 'detokenize.deny', async (req, id) => ({
    body: await needDetokenize().deny(id, String(req.params.id), str(body(req).comment, 'comment', false)),
  }));
  route('post', '/tokens/:token/revoke', 'token.revoke', async (req, id) => {
    await needDetokenize().revokeToken(id, String(req.params.token));
    return { body: { token: req.params.token, revoked: true } };
  });
  route('get', '/tokens/:token', 'token.info', async (req, id) => ({ body: await needDetokenize().tokenInfo(id, String(req.params.token)) }));

  const auditList = (name: 'sessions' | 'exposures' | 'detokenize' | 'syncs'): Handler => async (req, id) => {
    needAdmin(id);
    if (!opts.auditQueries) throw Object.assign(new Error('audit is not available'), { code: 'GITGATE_NOT_CONFIGURED', status: 501 });
    const q = req.query;
    const when = (v: unknown, n: string): Date | undefined => {
      const s = str(v, n, false);
      if (s === undefined) return undefined;
      const t = Date.parse(s);
      if (Number.isNaN(t)) throw Object.assign(new Error(`${n} must be an ISO 8601 time`), { code: 'GITGATE_BAD_INPUT', status: 400 });
      return new Date(t);
    };
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 10000)) throw Object.assign(new Error('limit must be an integer from 1 to 10000'), { code: 'GITGATE_BAD_INPUT', status: 400 });
    const items = await opts.auditQueries[name]({
      repo: str(q.repo, 'repo', false), identity: str(q.identity, 'identity', false), token: str(q.token, 'token', false),
      since: when(q.since, 'since'), until: when(q.until, 'until'), limit,
    });
    return { body: { items } };
  };
  route('get', '/audit/sessions', 'audit.sessions', auditList('sessions'));
  route('get', '/audit/exposures', 'audit.exposures', auditList('exposures'));
  route('get', '/audit/requests', 'audit.requests', auditList('detokenize'));
  route('get', '/audit/syncs', 'audit.syncs', auditList('syncs'));
  route('get', '/audit/sessions/:id', 'audit.session', async (req, id) => {
    needAdmin(id);
    const s = await opts.auditQueries?.session(String(req.params.id));
    if (!s) throw Object.assign(new Error('no such session'), { code: 'GITGATE_NOT_FOUND', status: 404 });
    return { body: s };
  });
  route('get', '/audit/verify', 'audit.verify', async (_req, id) => {
    needAdmin(id);
    if (!opts.auditQueries) throw Object.assign(new Error('audit is not available'), { code: 'GITGATE_NOT_CONFIGURED', status: 501 });
    return { body: await opts.auditQueries.verify() };
  });
  r.use((_req, res) => {
    res.status(404).json({ error: { code: 'GITGATE_NOT_FOUND', message: 'no such API route' } });
  });
  // Malformed JSON bodies and other errors from express itself.
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    res.status(status).json({ error: { code: status === 400 ? 'GITGATE_BAD_INPUT' : 'GITGATE_INTERNAL', message: status < 500 ? 'malformed request body' : 'internal error' } });
  });
  return r;
}

