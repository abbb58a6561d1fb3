/** The declaration of every /api/v1 route: the one source of its validation and of the OpenAPI document. */
import type { FieldSchema, RouteDeclaration } from './route-declaration.js';

const text: FieldSchema = { type: 'string' };
const time: FieldSchema = { type: 'string', format: 'date-time' };
const request = (): object => ({ $ref: '#/components/schemas/Request' });
const list = (item: string): object => ({ type: 'object', properties: { items: { type: 'array', items: { $ref: `#/components/schemas/${item}` } } } });

/** The filters an audit view takes (syncs carry no token). */
const auditFilters = { repo: text, identity: text, token: text, since: time, until: time, limit: { type: 'integer', minimum: 1, maximum: 10000 } } as const;
const { token: _noToken, ...syncFilters } = auditFilters;

const pushRequest = (): object => ({ $ref: '#/components/schemas/PushRequest' });

const decision = (verb: 'approve' | 'deny', summary: string, kind: 'detokenize' | 'push' = 'detokenize'): RouteDeclaration => ({
  method: 'post', path: `/${kind}-requests/:id/${verb}`, action: `${kind}.${verb}`, summary,
  ...(kind === 'push' ? { requires: ['pushApprovals'] as const } : {}),
  body: { fields: { comment: text } },
  ok: { status: 200, description: 'the request after the decision', schema: kind === 'push' ? pushRequest() : request() },
  responses: verb === 'deny' ? { 409: 'not pending', 400: 'no comment (`GITGATE_COMMENT_REQUIRED`): a denial says why' } : { 409: 'not pending' },
});

const auditView = (path: string, action: string, summary: string, description: string, query: Readonly<Record<string, FieldSchema>>): RouteDeclaration => ({
  method: 'get', path, action, summary, requires: ['admin', 'auditQueries'], query,
  ok: { status: 200, description, schema: list('AuditRow') },
});

/** Every API route, in the order they are matched. */
export const apiRoutes: readonly RouteDeclaration[] = [
  {
    method: 'get', path: '/me', action: 'me', summary: 'Who the token belongs to: subject, groups, issuer, and what the policy lets them do (the approvals page checks a sign-in with it)',
    ok: { status: 200, description: 'the caller', schema: { $ref: '#/components/schemas/Me' } },
  },
  {
    method: 'post', path: '/detokenize-requests', action: 'detokenize.create', summary: 'Ask for the real value behind a token',
    requires: ['detokenize'], body: { required: ['token'], fields: { token: text, reason: text } },
    ok: { status: 201, description: 'created, pending approval', schema: request() },
    responses: { 409: 'token revoked, or the caller already has an open request for it (its id in `error.openRequestId`)' },
  },
  {
    method: 'get', path: '/detokenize-requests', action: 'detokenize.list', summary: 'Requests the caller may approve, or with mine=1 the caller\'s own (any identity), with context (never the secret)',
    requires: ['detokenize'],
    query: { status: { type: 'string', enum: ['pending', 'approved', 'denied', 'expired', 'revoked', 'revealed'] }, limit: { type: 'integer', minimum: 1, maximum: 1000 }, mine: { type: 'integer', minimum: 1, maximum: 1 } },
    ok: { status: 200, description: 'requests', schema: list('Request') },
  },
  {
    method: 'get', path: '/detokenize-requests/:id', action: 'detokenize.get', summary: 'Status and context, for the requester, approvers and admins; never the secret (reveal with POST …/reveal)',
    requires: ['detokenize'],
    ok: { status: 200, description: 'the request', schema: request() },
  },
  {
    method: 'post', path: '/detokenize-requests/:id/reveal', action: 'detokenize.reveal',
    summary: 'The secret of an approved request, for its requester alone (once with oneTimeReveal); a POST, so a retried or prefetched GET never uses up the grant',
    requires: ['detokenize'],
    ok: { status: 200, description: 'the request with `secret` and `secretEncoding`', schema: request() },
    responses: {
      403: 'not the requester, or the requester lost the requester role or read access to every repository of the token since the approval',
      405: 'a method other than POST',
      409: 'not approved (pending or denied)',
      410: 'already revealed, grant expired, or revoked',
      503: 'the reveal could not be written to the audit; nothing was revealed and the grant is unused',
    },
  },
  decision('approve', 'Approve (approver groups only; never your own request)'),
  decision('deny', 'Deny (approver groups only)'),
  {
    method: 'get', path: '/push-requests', action: 'push.list', summary: 'Held pushes (push.requireApproval) for detokenize approvers: repo, refs, pusher, commits, tokens restored (never a value)',
    requires: ['pushApprovals'],
    query: { status: { type: 'string', enum: ['pending', 'approved', 'denied', 'expired', 'released', 'failed'] }, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
    ok: { status: 200, description: 'push requests', schema: list('PushRequest') },
  },
  {
    method: 'get', path: '/push-requests/:id', action: 'push.get', summary: 'One push request, for its pusher and approvers',
    requires: ['pushApprovals'], ok: { status: 200, description: 'the push request', schema: pushRequest() },
  },
  decision('approve', 'Approve a held push (approver groups; never your own push); the last approval needed pushes it upstream', 'push'),
  decision('deny', 'Deny a held push (approver groups); it is discarded', 'push'),
  {
    method: 'get', path: '/tokens/:token', action: 'token.info', summary: 'Token metadata for admins (never the secret)',
    requires: ['detokenize'], ok: { status: 200, description: 'metadata', schema: { type: 'object' } },
  },
  {
    method: 'post', path: '/tokens/:token/revoke', action: 'token.revoke', summary: 'Revoke a token (admins): pending requests fail, no later reveal',
    requires: ['detokenize'], ok: { status: 200, description: 'revoked', schema: { type: 'object' } },
  },
  auditView('/audit/sessions', 'audit.sessions', 'Git requests (admins)', 'sessions', auditFilters),
  auditView('/audit/exposures', 'audit.exposures', 'Which identities received which tokens (admins)', 'exposures', auditFilters),
  auditView('/audit/pushes', 'audit.pushes', 'Pushed ref updates, one per ref; token: those that restored it (admins)', 'pushes', auditFilters),
  auditView('/audit/requests', 'audit.requests', 'Detokenize lifecycle events (admins)', 'events', auditFilters),
  auditView('/audit/syncs', 'audit.syncs', 'Upstream syncs (admins)', 'syncs', syncFilters),
  {
    method: 'get', path: '/audit/sessions/:id', action: 'audit.session', summary: 'One git request with the tokens it received (admins)',
    requires: ['admin'], ok: { status: 200, description: 'session', schema: { type: 'object' } },
  },
  {
    method: 'get', path: '/audit/verify', action: 'audit.verify', summary: 'Check the audit hash chain (admins)',
    requires: ['admin', 'auditQueries'], ok: { status: 200, description: 'result', schema: { type: 'object' } },
  },
];
