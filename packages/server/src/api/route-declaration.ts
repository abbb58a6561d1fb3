/**
 * The shape of one API route's declaration (after fastify's `schema`): method, path, what it takes and
 * what it answers. The router validates requests from it and the OpenAPI document is generated from it.
 */

/** A query parameter or body field: a string (optionally an ISO 8601 time) or a bounded integer sent as text. */
export type FieldSchema =
  | { readonly type: 'string'; readonly format?: 'date-time'; readonly enum?: readonly string[] }
  | { readonly type: 'integer'; readonly minimum: 1; readonly maximum: number };

/** One answer of a route, as OpenAPI describes it. */
export interface ResponseDeclaration {
  readonly description: string;
  /** JSON schema of the body; the Error schema when absent. */
  readonly schema?: object;
}

/** What a route needs before its input is read, checked in this order (403 for admin, 501 for the rest). */
export type RouteRequirement = 'admin' | 'detokenize' | 'pushApprovals' | 'auditQueries';

/** One declared API route. */
export interface RouteDeclaration {
  readonly method: 'get' | 'post';
  /** Express path under /api/v1, `:name` for a path parameter. */
  readonly path: string;
  /** The action name used in logs and the `api-refusal` audit rows. */
  readonly action: string;
  readonly summary: string;
  readonly requires?: readonly RouteRequirement[];
  /** Query parameters taken (anything else is a 400). */
  readonly query?: Readonly<Record<string, FieldSchema>>;
  /** Body fields taken (a body on a route without `body` is a 400), and which of them are required. */
  readonly body?: { readonly required?: readonly string[]; readonly fields: Readonly<Record<string, FieldSchema>> };
  /** The success status and its answer. */
  readonly ok: { readonly status: 200 | 201; readonly description: string; readonly schema: object };
  /** Answers besides success and the 400/401/403/404 every route has. */
  readonly responses?: Readonly<Record<number, string>>;
}
