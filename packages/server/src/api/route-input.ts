/**
 * Validates a request against its route's declaration: no query parameter or body field it does not
 * declare, each value of its declared type. Every refusal is an AccessError GITGATE_BAD_INPUT (400) with
 * a sentence naming the field, never its value.
 */
import { AccessError, codes } from '@gitgate/access';
import type { FieldSchema, RouteDeclaration } from './route-declaration.js';

/** A validated value: a string, an integer (from its text) or a time. */
export type FieldValue = string | number | Date | undefined;

/** The validated query and body of a request, by field name (absent fields are undefined). */
export interface RouteInput {
  query: Readonly<Record<string, FieldValue>>;
  body: Readonly<Record<string, FieldValue>>;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const INTEGER = /^[1-9]\d{0,5}$/;
/** Longest string a field takes. */
const MAX_STRING = 4096;

/** A 400 with a sentence. */
export function badInput(message: string): AccessError {
  return new AccessError(codes.badInput, message);
}

/** Whether a parsed JSON body is absent or `{}` (both mean "no body"). */
function isEmptyBody(body: unknown): boolean {
  return body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
}

/** Refuses names a route does not declare; `what` is 'query parameter' or 'body field'. */
function refuseUndeclared(names: string[], allowed: string[], what: string): void {
  for (const k of names) {
    if (!allowed.includes(k)) throw badInput(`unknown ${what} ${JSON.stringify(k.slice(0, 100))} (allowed: ${allowed.join(', ') || 'none'})`);
  }
}

/**
 * Refuses query parameters and body fields the route does not declare, and a body that is not a JSON
 * object (or any body on a route that takes none). Values are checked later by `readInput`.
 */
export function checkNames(route: RouteDeclaration, query: object, body: unknown): void {
  refuseUndeclared(Object.keys(query), Object.keys(route.query ?? {}), 'query parameter');
  if (isEmptyBody(body)) return;
  if (!route.body) throw badInput('this call takes no request body');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badInput('the request body must be a JSON object');
  refuseUndeclared(Object.keys(body), Object.keys(route.body.fields), 'body field');
}

/** One field's value checked against its schema (an `enum` is checked by the service, after its role checks). */
function readField(name: string, schema: FieldSchema, raw: unknown, required: boolean): FieldValue {
  if (raw === undefined || raw === null || raw === '') {
    if (required) throw badInput(`${name} is required`);
    return undefined;
  }
  if (typeof raw !== 'string' || raw.length > MAX_STRING) throw badInput(`${name} must be a string of at most ${MAX_STRING} characters`);
  if (schema.type === 'integer') {
    if (!INTEGER.test(raw) || Number(raw) > schema.maximum) throw badInput(`${name} must be an integer from ${schema.minimum} to ${schema.maximum}`);
    return Number(raw);
  }
  if (schema.format === 'date-time') {
    const t = ISO_TIME.test(raw) ? Date.parse(raw) : NaN;
    if (Number.isNaN(t)) throw badInput(`${name} must be an ISO 8601 time such as 2030-01-31T12:00:00Z`);
    return new Date(t);
  }
  return raw;
}

/** Every declared field of one source (query or body), validated; `required` names those that must be present. */
function readFields(fields: Readonly<Record<string, FieldSchema>> | undefined, source: Record<string, unknown>, required: readonly string[] = []): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [name, schema] of Object.entries(fields ?? {})) out[name] = readField(name, schema, source[name], required.includes(name));
  return out;
}

/** The route's query and body, validated against its declaration. Throws AccessError GITGATE_BAD_INPUT. */
export function readInput(route: RouteDeclaration, query: Record<string, unknown>, body: unknown): RouteInput {
  const fields = body !== null && typeof body === 'object' ? body as Record<string, unknown> : {};
  return {
    query: readFields(route.query, query),
    body: readFields(route.body?.fields, fields, route.body?.required),
  };
}
