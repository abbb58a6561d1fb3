/** The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json and written to docs/openapi.yaml. */
const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object): object => ({ 'application/json': { schema } });
const ok = (description: string, schema: object): object => ({ description, content: json(schema) });
const errors = {
  400: { description: 'bad input: malformed JSON, a query parameter or body field the route does not take, or a bad value', content: json(error) },
  401: { description: 'missing or invalid OIDC token', content: json(error) },
  403: { description: 'not allowed for this identity', content: json(error) },
  404: { description: 'no such object, or none this identity may see (a token seen only in repositories the caller cannot read answers as an unknown token)', content: json(error) },
};
const auditParam = (name: string): object => ({
  name, in: 'query', required: false,
  schema: name === 'limit' ? { type: 'integer', minimum: 1, maximum: 10000 } : name === 'since' || name === 'until' ? { type: 'string', format: 'date-time' } : { type: 'string' },
});
const auditQuery = ['repo', 'identity', 'token', 'since', 'until', 'limit'].map(auditParam);
const syncQuery = ['repo', 'identity', 'since', 'until', 'limit'].map(auditParam);
const list = (item: string): object => ({ type: 'object', properties: { items: { type: 'array', items: { $ref: `#/components/schemas/${item}` } } } });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'gitgate API',
    version: '1',
    description: 'Just-in-time detokenize requests, token administration and audit queries. Authenticate with the same OIDC token git uses: `Authorization: Bearer <jwt>`.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }],
  paths: {
    '/detokenize-requests': {
      post: {
        summary: 'Ask for the real value behind a token',
        requestBody: { required: true, content: json({ type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string' }, reason: { type: 'string' } } }) },
        responses: { 201: ok('created, pending approval', { $ref: '#/components/schemas/Request' }), ...errors, 409: { description: 'token revoked', content: json(error) } },
      },
      get: {
        summary: 'Requests the caller may approve, with context (never the secret)',
        parameters: [
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'approved', 'denied', 'expired', 'revoked', 'revealed'] } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: { 200: ok('requests', list('Request')), ...errors },
      },
    },
    '/detokenize-requests/{id}': {
      get: {
        summary: 'Status; once approved the requester alone receives `secret` (once with oneTimeReveal)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: ok('the request', { $ref: '#/components/schemas/Request' }), ...errors,
          403: { description: 'the requester lost the requester role or read access to every repository of the token since the approval', content: json(error) },
          410: { description: 'already revealed, grant expired, or revoked', content: json(error) },
          503: { description: 'the reveal could not be written to the audit; nothing was revealed and the grant is unused', content: json(error) },
        },
      },
    },
    '/detokenize-requests/{id}/approve': {
      post: {
        summary: 'Approve (approver groups only; never your own request)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { content: json({ type: 'object', additionalProperties: false, properties: { comment: { type: 'string' } } }) },
        responses: { 200: ok('the request after the decision', { $ref: '#/components/schemas/Request' }), ...errors, 409: { description: 'not pending', content: json(error) } },
      },
    },
    '/detokenize-requests/{id}/deny': {
      post: {
        summary: 'Deny (approver groups only)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { content: json({ type: 'object', additionalProperties: false, properties: { comment: { type: 'string' } } }) },
        responses: { 200: ok('the request after the decision', { $ref: '#/components/schemas/Request' }), ...errors, 409: { description: 'not pending', content: json(error) } },
      },
    },
    '/tokens/{token}': {
      get: { summary: 'Token metadata for admins (never the secret)', parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('metadata', { type: 'object' }), ...errors } },
    },
    '/tokens/{token}/revoke': {
      post: { summary: 'Revoke a token (admins): pending requests fail, no later reveal', parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('revoked', { type: 'object' }), ...errors } },
    },
    '/audit/sessions': { get: { summary: 'Git requests (admins)', parameters: auditQuery, responses: { 200: ok('sessions', list('AuditRow')), ...errors } } },
    '/audit/sessions/{id}': { get: { summary: 'One git request with the tokens it received (admins)', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('session', { type: 'object' }), ...errors } } },
    '/audit/exposures': { get: { summary: 'Which identities received which tokens (admins)', parameters: auditQuery, responses: { 200: ok('exposures', list('AuditRow')), ...errors } } },
    '/audit/requests': { get: { summary: 'Detokenize lifecycle events (admins)', parameters: auditQuery, responses: { 200: ok('events', list('AuditRow')), ...errors } } },
    '/audit/syncs': { get: { summary: 'Upstream syncs (admins)', parameters: syncQuery, responses: { 200: ok('syncs', list('AuditRow')), ...errors } } },
    '/audit/verify': { get: { summary: 'Check the audit hash chain (admins)', responses: { 200: ok('result', { type: 'object' }), ...errors } } },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } } } } },
      Request: {
        type: 'object',
        properties: {
          id: { type: 'string' }, status: { type: 'string' }, token: { type: 'string' }, requester: { type: 'string' },
          reason: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' }, approvals: { type: 'array', items: { type: 'object' } },
          secret: { type: 'string', description: 'present only for the requester, once approved' },
        },
      },
      AuditRow: { type: 'object', properties: { seq: { type: 'integer' }, at: { type: 'string' }, actor: { type: 'string' }, repo: { type: ['string', 'null'] } }, additionalProperties: true },
    },
  },
} as const;
