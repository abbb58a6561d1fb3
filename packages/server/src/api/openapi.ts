/**
 * The OpenAPI 3.1 description of /api/v1, generated from the route declarations (api-routes.ts); served
 * at /api/v1/openapi.json and written to docs/openapi.yaml by scripts/gen-openapi.mjs.
 */
import { apiRoutes } from './api-routes.js';
import type { FieldSchema, RouteDeclaration } from './route-declaration.js';

const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object): object => ({ 'application/json': { schema } });
const answer = (description: string, schema: object = error): object => ({ description, content: json(schema) });
/** The answers every route can give besides its own. */
const common = {
  400: answer('bad input: malformed JSON, a query parameter or body field the route does not take, or a bad value'),
  401: answer('missing or invalid OIDC token'),
  403: answer('not allowed for this identity'),
  404: answer('no such object, or none this identity may see (a token seen only in repositories the caller cannot read answers as an unknown token)'),
};

const parameterSchema = (s: FieldSchema): object => (s.type === 'integer' ? { type: 'integer', minimum: s.minimum, maximum: s.maximum } : { ...s });

/** The path in OpenAPI form (`{id}` for `:id`) and its path parameters. */
function pathOf(route: RouteDeclaration): { path: string; params: object[] } {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  return {
    path: route.path.replace(/:(\w+)/g, '{$1}'),
    params: names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
  };
}

/** One route's operation object. */
function operationOf(route: RouteDeclaration, pathParams: object[]): object {
  const query = Object.entries(route.query ?? {}).map(([name, s]) => ({ name, in: 'query', required: false, schema: parameterSchema(s) }));
  const parameters = [...pathParams, ...query];
  const own = Object.fromEntries(Object.entries(route.responses ?? {}).map(([status, description]) => [status, answer(description)]));
  const body = route.body && {
    ...(route.body.required?.length ? { required: true } : {}),
    content: json({
      type: 'object', ...(route.body.required?.length ? { required: [...route.body.required] } : {}), additionalProperties: false,
      properties: Object.fromEntries(Object.entries(route.body.fields).map(([name, s]) => [name, parameterSchema(s)])),
    }),
  };
  return {
    summary: route.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: { [route.ok.status]: answer(route.ok.description, route.ok.schema), ...common, ...own },
  };
}

/** The `paths` object of every declared route. */
function pathsOf(routes: readonly RouteDeclaration[]): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const { path, params } = pathOf(route);
    (paths[path] ??= {})[route.method] = operationOf(route, params);
  }
  return paths;
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'gitgate API',
    version: '1',
    description: 'Just-in-time detokenize requests, held push approvals, token administration and audit queries. Authenticate with the same OIDC token git uses: `Authorization: Bearer <jwt>`.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }],
  paths: pathsOf(apiRoutes),
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: {
        type: 'object', required: ['error'],
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' }, message: { type: 'string' },
              requestId: { type: 'string', description: 'this call\'s id in the gateway\'s log' },
              openRequestId: { type: 'string', description: 'on a 409 of POST /detokenize-requests: the caller\'s open request for the same token' },
            },
          },
        },
      },
      Request: {
        type: 'object',
        properties: {
          id: { type: 'string' }, status: { type: 'string' }, token: { type: 'string' }, requester: { type: 'string' },
          reason: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' }, approvals: { type: 'array', items: { type: 'object' } },
          context: {
            type: 'object',
            description: 'where the token was seen: repo, path and commit as served (the sanitized id a clone holds); upstreamCommit only for approvers and admins',
            properties: {
              type: { type: 'string' }, repo: { type: ['string', 'null'] }, path: { type: ['string', 'null'] }, commit: { type: ['string', 'null'] },
              upstreamCommit: { type: ['string', 'null'] }, rule: { type: ['string', 'null'] }, occurrences: { type: 'integer' }, maskedPreview: { type: 'string' },
            },
          },
          secret: { type: 'string', description: 'only in the answer of POST /detokenize-requests/{id}/reveal' },
          secretEncoding: { type: 'string', enum: ['utf8', 'base64'] },
        },
      },
      PushRequest: {
        type: 'object',
        properties: {
          id: { type: 'string' }, status: { type: 'string', enum: ['pending', 'approved', 'denied', 'expired', 'released', 'failed'] }, repo: { type: 'string' }, pusher: { type: 'string' },
          refs: { type: 'array', items: { type: 'object', properties: { ref: { type: 'string' }, oldId: { type: 'string' }, newId: { type: 'string' }, ok: { type: 'boolean' }, reason: { type: 'string' } } } },
          commits: { type: 'integer' }, tokensRestored: { type: 'array', items: { type: 'string' } }, expiresAt: { type: 'string', format: 'date-time' }, approvals: { type: 'array', items: { type: 'object' } },
        },
      },
      Me: {
        type: 'object', required: ['subject', 'groups', 'requester', 'approver', 'admin'],
        properties: {
          subject: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } },
          requester: { type: 'boolean', description: 'may ask for a token\'s secret' }, approver: { type: 'boolean', description: 'may approve or deny requests' }, admin: { type: 'boolean' },
        },
      },
      AuditRow: { type: 'object', properties: { seq: { type: 'integer' }, at: { type: 'string' }, actor: { type: 'string' }, repo: { type: ['string', 'null'] } }, additionalProperties: true },
    },
  },
} as const;
