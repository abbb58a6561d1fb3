/**
 * REST API under /api/v1 (JSON): detokenize requests, held push requests, token administration, audit queries. Every call
 * is authenticated with the same OIDC tokens as git (Authorization: Bearer), and every call is audited:
 * state changes by the services, refusals (401, 4xx, 503) here, folded by RefusalAudit. Every route
 * declares the query parameters and body fields it takes; anything else is refused with 400.
 */
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import { authenticateRequest, type Authenticator, type Identity } from '../identity.js';
import type { AuditSink } from '../audit-sink.js';
import { RefusalAudit } from '../refusal-audit.js';
import { httpErrorOf } from '@gitgate/errors';
import { AccessError, codes as accessCodes } from '@gitgate/access';
import { ServerError, codes } from '../errors.js';
import { noopLogger, type Logger } from '../logger.js';
import { openApiDocument } from './openapi.js';
import { apiRoutes } from './api-routes.js';
import { checkNames, readInput, badInput, type RouteInput } from './route-input.js';
import { errorDetails } from './error-details.js';
import { wrongMethodRoutes } from './wrong-method.js';
import type { RouteDeclaration, RouteRequirement } from './route-declaration.js';
import type { PushApprovalApi } from '../push-approval-api.js';

/** The detokenize operations the API exposes (implemented by @gitgate/access's DetokenizeService). */
export interface DetokenizeApi {
  create(id: Identity, input: { token: string; reason?: string }): Promise<object>;
  listForApprover(id: Identity, q: { status?: string; limit?: number }): Promise<object[]>;
  listForRequester(id: Identity, q: { status?: string; limit?: number }): Promise<object[]>;
  reveal(id: Identity, requestId: string): Promise<object>;
  approve(id: Identity, requestId: string, comment?: string): Promise<object>;
  deny(id: Identity, requestId: string, comment?: string): Promise<object>;
  get(id: Identity, requestId: string): Promise<object>;
  /** What `id` may do under the policy in force. */
  roles(id: Identity): { requester: boolean; approver: boolean; admin: boolean };
  revokeToken(id: Identity, token: string): Promise<void>;
  tokenInfo(id: Identity, token: string): Promise<object>;
}

/** The audit queries the API exposes to admins (implemented by @gitgate/audit's AuditLog). */
export interface AuditQueries {
  sessions(q: AuditFilter): Promise<object[]>;
  exposures(q: AuditFilter): Promise<object[]>;
  pushes(q: AuditFilter): Promise<object[]>;
  detokenize(q: AuditFilter): Promise<object[]>;
  syncs(q: AuditFilter): Promise<object[]>;
  session(id: string): Promise<object | undefined>;
  verify(): Promise<object>;
}
export interface AuditFilter { repo?: string; identity?: string; token?: string; since?: Date; until?: Date; limit?: number }

export interface ApiOptions {
  authenticator: Authenticator;
  detokenize?: DetokenizeApi;
  /** Held pushes (push.requireApproval); absent: the push-requests routes answer 501. */
  pushApprovals?: PushApprovalApi;
  auditQueries?: AuditQueries;
  isAdmin: (id: Identity) => boolean;
  audit: AuditSink;
  /** Folds repeated refusals (shared with the git routes); one over `audit` by default. */
  refusals?: RefusalAudit;
  logger?: Logger;
}

type Handler = (req: Request, identity: Identity, input: RouteInput) => Promise<{ status?: number; body: unknown }>;

/** Builds the /api/v1 router: one handler per declared route (api-routes.ts), validated from its declaration. */
export function apiRouter(opts: ApiOptions): Router {
  const refusals = opts.refusals ?? new RefusalAudit({ audit: opts.audit });
  const r = express.Router();
  r.use(express.json({ limit: '64kb' }));
  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  const handlers = routeHandlers(opts);
  for (const route of apiRoutes) {
    const h = handlers[route.action];
    if (h === undefined) throw new TypeError(`API route ${route.action} is declared without a handler`);
    r[route.method](route.path, serveRoute(opts, refusals, route, h));
  }
  r.use(wrongMethodRoutes(apiRoutes, (req, status, code) => refusedCall(refusals, req, 'anonymous', 'wrong-method', status, code)));
  r.use((req, res) => {
    refusedCall(refusals, req, 'anonymous', 'unknown-route', 404, 'GITGATE_NOT_FOUND');
    res.status(404).json({ error: { code: 'GITGATE_NOT_FOUND', message: 'no such API route' } });
  });
  // Malformed JSON bodies and other errors from express itself (before authentication).
  r.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    refusedCall(refusals, req, 'anonymous', 'malformed-body', status, status === 400 ? 'GITGATE_BAD_INPUT' : 'GITGATE_INTERNAL');
    res.status(status).json({ error: { code: status === 400 ? 'GITGATE_BAD_INPUT' : 'GITGATE_INTERNAL', message: status < 500 ? 'malformed request body' : 'internal error' } });
  });
  return r;
}

const clientAddress = (req: Request): string => req.socket.remoteAddress ?? '';

/** Audits a refused call: who, which action, which code; never a body, a header or a secret. */
function refusedCall(refusals: RefusalAudit, req: Request, actor: string, action: string, status: number, code: string, target?: string): void {
  refusals.record(`${actor}\n${action}\n${code}`, {
    kind: 'api-refusal', actor,
    data: { action, status, code, clientAddress: clientAddress(req), ...(target ? { target: target.slice(0, 200) } : {}) },
  });
}

/** Checks what a route needs, in its declared order: admin (403), then configured services (501). */
function checkRequirements(opts: ApiOptions, requires: readonly RouteRequirement[], identity: Identity): void {
  for (const need of requires) {
    if (need === 'admin' && !opts.isAdmin(identity)) throw new AccessError(accessCodes.forbidden, 'this call is for admins');
    if (need === 'detokenize' && !opts.detokenize) throw new ServerError(codes.notConfigured, 'detokenize is not configured on this gateway (it needs auth mode oidc and a detokenize policy)');
    if (need === 'pushApprovals' && !opts.pushApprovals) throw new ServerError(codes.notConfigured, 'push approvals are not configured on this gateway (they need auth mode oidc)');
    if (need === 'auditQueries' && !opts.auditQueries) throw new ServerError(codes.notConfigured, 'audit is not available');
  }
}

/**
 * The express handler of one declared route: authenticate, refuse undeclared input, check the route's
 * requirements, validate its input, run it; every error answered through the one mapping (httpErrorOf)
 * and every refusal audited.
 */
function serveRoute(opts: ApiOptions, refusals: RefusalAudit, route: RouteDeclaration, h: Handler): (req: Request, res: Response, next: NextFunction) => void {
  const log = opts.logger ?? noopLogger;
  const action = route.action;
  return (req, res, next) => {
    const started = Date.now();
    const requestId = randomUUID();
    let actor = 'anonymous';
    (async () => {
      const identity = await authenticateRequest(opts.authenticator, refusals, req);
      actor = identity.subject;
      checkNames(route, req.query, req.body);
      checkRequirements(opts, route.requires ?? [], identity);
      const out = await h(req, identity, readInput(route, req.query, req.body));
      res.status(out.status ?? route.ok.status).json(out.body);
      log.info('api request', { action, status: out.status ?? route.ok.status, actor, ms: Date.now() - started, requestId });
    })().catch((e: unknown) => {
      const { status, code, message } = httpErrorOf(e);
      if (status >= 500) log.error('api request failed', { action, actor, code, requestId, error: (e as Error)?.message });
      else log.info('api request refused', { action, status, actor, code, requestId });
      if (!(e as { audited?: unknown }).audited) refusedCall(refusals, req, actor, action, status, code, [req.params.id, req.params.token].find((v): v is string => typeof v === 'string'));
      if (res.headersSent) return next(e);
      if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="gitgate"');
      res.status(status).json({ error: { code, message, requestId, ...errorDetails(e) } });
    });
  };
}

const asString = (v: unknown): string | undefined => v as string | undefined;

/** What each declared action does, given input already validated from its declaration. */
function routeHandlers(opts: ApiOptions): Readonly<Record<string, Handler>> {
  // Present whenever a route that requires them runs (checkRequirements).
  const detokenize = (): DetokenizeApi => opts.detokenize!;
  const audit = (): AuditQueries => opts.auditQueries!;
  const pushes = (): PushApprovalApi => opts.pushApprovals!;
  const auditList = (name: 'sessions' | 'exposures' | 'pushes' | 'detokenize' | 'syncs'): Handler => async (_req, _id, { query: q }) => {
    const since = q.since as Date | undefined;
    const until = q.until as Date | undefined;
    if (since && until && since.getTime() > until.getTime()) throw badInput('since must not be later than until');
    const items = await audit()[name]({ repo: asString(q.repo), identity: asString(q.identity), token: asString(q.token), since, until, limit: q.limit as number | undefined });
    return { body: { items } };
  };
  return {
    me: async (_req, id) => {
      const roles = opts.detokenize?.roles(id) ?? { requester: false, approver: false, admin: opts.isAdmin(id) };
      return { body: { subject: id.subject, groups: id.groups, ...roles } };
    },
    'detokenize.create': async (_req, id, { body }) => ({ body: await detokenize().create(id, { token: body.token as string, reason: asString(body.reason) }) }),
    'detokenize.list': async (_req, id, { query }) => {
      const q = { status: asString(query.status), limit: query.limit as number | undefined };
      return { body: { items: await (query.mine === 1 ? detokenize().listForRequester(id, q) : detokenize().listForApprover(id, q)) } };
    },
    'detokenize.get': async (req, id) => ({ body: await detokenize().get(id, String(req.params.id)) }),
    'detokenize.reveal': async (req, id) => ({ body: await detokenize().reveal(id, String(req.params.id)) }),
    'detokenize.approve': async (req, id, { body }) => ({ body: await detokenize().approve(id, String(req.params.id), asString(body.comment)) }),
    'detokenize.deny': async (req, id, { body }) => ({ body: await detokenize().deny(id, String(req.params.id), asString(body.comment)) }),
    'push.list': async (_req, id, { query }) => ({ body: { items: await pushes().listForApprover(id, { status: asString(query.status), limit: query.limit as number | undefined }) } }),
    'push.get': async (req, id) => ({ body: await pushes().get(id, String(req.params.id)) }),
    'push.approve': async (req, id, { body }) => ({ body: await pushes().approve(id, String(req.params.id), asString(body.comment)) }),
    'push.deny': async (req, id, { body }) => ({ body: await pushes().deny(id, String(req.params.id), asString(body.comment)) }),
    'token.revoke': async (req, id) => {
      await detokenize().revokeToken(id, String(req.params.token));
      return { body: { token: req.params.token, revoked: true } };
    },
    'token.info': async (req, id) => ({ body: await detokenize().tokenInfo(id, String(req.params.token)) }),
    'audit.sessions': auditList('sessions'),
    'audit.exposures': auditList('exposures'),
    'audit.pushes': auditList('pushes'),
    'audit.requests': auditList('detokenize'),
    'audit.syncs': auditList('syncs'),
    'audit.session': async (req) => {
      const s = await opts.auditQueries?.session(String(req.params.id));
      if (!s) throw new AccessError(accessCodes.notFound, 'no such session');
      return { body: s };
    },
    'audit.verify': async () => ({ body: await audit().verify() }),
  };
}
