/**
 * Queries over the typed views (audit-schema.ts): one filter shape for every view, rows mapped to
 * camelCase with JSON columns parsed. Newest first.
 */
import type { Database } from '@gitgate/db';
import type { AuditKind, SessionOutcome } from './audit-event.js';
import { jsonText } from './audit-schema-pg.js';

/**
 * Filters of a query; all optional and combined with AND. `since` is inclusive, `until` exclusive
 * (compared with the row's `at`). `identity` matches the actor (for detokenize events also the
 * requester or approver). `token` filters sessions to those that exposed the token. `limit`
 * defaults to 1000.
 */
export interface AuditQuery {
  repo?: string;
  identity?: string;
  token?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

/** Columns every row type shares. `at` is ISO 8601 UTC with milliseconds. */
export interface RecordColumns {
  seq: number;
  at: string;
  actor: string;
  repo: string | null;
}

/** One git HTTP request (view `sessions`). */
export interface SessionRow extends RecordColumns {
  id: string;
  subject: string | null;
  groups: string[] | null;
  clientAddress: string | null;
  userAgent: string | null;
  service: string | null;
  endpoint: string | null;
  protocolVersion: number | null;
  wants: string[] | null;
  wantCount: number | null;
  haves: string[] | null;
  haveCount: number | null;
  shallow: string[] | null;
  depth: number | null;
  deepenSince: number | null;
  deepenNot: string[] | null;
  deepenRelative: boolean | null;
  filter: string | null;
  objectsSent: number | null;
  bytesSent: number | null;
  durationMs: number | null;
  outcome: SessionOutcome | null;
  errorCode: string | null;
  refsAdvertised: number | null;
}

/** One token served in one session (view `exposures`). */
export interface ExposureRow extends RecordColumns {
  sessionId: string;
  token: string;
  objectId: string | null;
}

/** One pushed ref update (view `pushes`). */
export interface PushRow extends RecordColumns {
  id: string;
  ref: string;
  outcome: string | null;
  reason: string | null;
  oldId: string | null;
  newId: string | null;
  upstreamOldId: string | null;
  upstreamNewId: string | null;
  tokensRestored: string[] | null;
  commits: number | null;
  clientAddress: string | null;
  userAgent: string | null;
}

/** One sync from upstream (view `syncs`). */
export interface SyncRow extends RecordColumns {
  objects: number | null;
  rewritten: number | null;
  secrets: number | null;
  secretsByRule: Record<string, number> | null;
  durationMs: number | null;
  outcome: string | null;
  errorCode: string | null;
}

/** One detokenize or revocation event (view `detokenize_events`). */
export interface DetokenizeRow extends RecordColumns {
  kind: AuditKind;
  requestId: string | null;
  token: string | null;
  requester: string | null;
  approver: string | null;
  reason: string | null;
  comment: string | null;
  expiresAt: string | null;
}

/** One failed authentication (view `auth_failures`). */
export interface AuthFailureRow extends RecordColumns {
  reason: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  path: string | null;
}

/** One admin action or purge (view `admin_actions`). */
export interface AdminRow extends RecordColumns {
  kind: AuditKind;
  action: string | null;
  details: unknown;
}

/** Default and largest sensible page of a query. */
export const DEFAULT_LIMIT = 1000;

interface ViewSpec {
  view: string;
  /** SQL condition for `identity`; every `?` binds the identity. */
  identity: string;
  /** SQL condition for `token` (one `?`), or undefined when the view has no token. */
  token?: string;
  /** The same condition for PostgreSQL where it differs. */
  tokenPostgres?: string;
  /** Columns holding JSON arrays or objects. */
  json: readonly string[];
  /** Columns holding JSON booleans (SQLite returns 0/1, PostgreSQL true/false). */
  booleans: readonly string[];
}

/** The views a query can read, by name. */
export const views = {
  sessions: {
    view: 'sessions',
    identity: 'actor = ?',
    token: "id IN (SELECT session_id FROM exposures WHERE token = ?)",
    json: ['groups', 'wants', 'haves', 'shallow', 'deepen_not'],
    booleans: ['deepen_relative'],
  },
  exposures: { view: 'exposures', identity: 'actor = ?', token: 'token = ?', json: [], booleans: [] },
  syncs: { view: 'syncs', identity: 'actor = ?', json: ['secrets_by_rule'], booleans: [] },
  pushes: {
    view: 'pushes',
    identity: 'actor = ?',
    token: '? IN (SELECT value FROM json_each(tokens_restored))',
    tokenPostgres: 'tokens_restored @> jsonb_build_array(?::text)',
    json: ['tokens_restored'],
    booleans: [],
  },
  detokenize: {
    view: 'detokenize_events',
    identity: '(actor = ? OR requester = ? OR approver = ?)',
    token: 'token = ?',
    json: [],
    booleans: [],
  },
  authFailures: { view: 'auth_failures', identity: 'actor = ?', json: [], booleans: [] },
  adminActions: { view: 'admin_actions', identity: 'actor = ?', json: ['details'], booleans: [] },
} as const satisfies Record<string, ViewSpec>;

function optionalString(q: AuditQuery, key: 'repo' | 'identity' | 'token'): string | undefined {
  const value = q[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new TypeError(`${key} must be a non-empty string`);
  return value;
}

function optionalDate(q: AuditQuery, key: 'since' | 'until'): string | undefined {
  const value = q[key];
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${key} must be a valid Date`);
  return value.toISOString();
}

/** Builds WHERE and parameters for `q` over `spec`. Throws TypeError on a bad filter or one the view lacks. */
function whereClause(spec: ViewSpec, q: AuditQuery, dialect: Database['dialect']): { sql: string; params: unknown[]; limit: number } {
  if (q === null || typeof q !== 'object') throw new TypeError('query must be an object');
  const conditions: string[] = [];
  const params: unknown[] = [];
  const repo = optionalString(q, 'repo');
  if (repo !== undefined) {
    conditions.push('repo = ?');
    params.push(repo);
  }
  const identity = optionalString(q, 'identity');
  if (identity !== undefined) {
    conditions.push(spec.identity);
    const placeholders = spec.identity.split('?').length - 1;
    for (let i = 0; i < placeholders; i++) params.push(identity);
  }
  const token = optionalString(q, 'token');
  if (token !== undefined) {
    if (spec.token === undefined) throw new TypeError(`${spec.view} cannot be filtered by token`);
    conditions.push(dialect === 'postgres' ? spec.tokenPostgres ?? spec.token : spec.token);
    params.push(token);
  }
  const since = optionalDate(q, 'since');
  if (since !== undefined) {
    conditions.push('at >= ?');
    params.push(since);
  }
  const until = optionalDate(q, 'until');
  if (until !== undefined) {
    conditions.push('at < ?');
    params.push(until);
  }
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('limit must be a positive integer');
  return { sql: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params, limit };
}

function camel(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** JSON text back to a value; text that is not JSON (a caller stored a plain string) stays as is. */
function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Maps a view row to its camelCase shape, parsing JSON columns and turning 0/1 into booleans. */
function mapRow<R>(spec: ViewSpec, row: Record<string, unknown>): R {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    let v = value;
    if (spec.json.includes(column)) v = parseJson(v);
    else if (spec.booleans.includes(column) && v !== null) v = v === 1 || v === true;
    out[camel(column)] = v;
  }
  return out as R;
}

/** Runs a filtered query over one view, newest first. Throws TypeError on a bad filter. */
export async function queryView<R>(db: Database, spec: ViewSpec, q: AuditQuery): Promise<R[]> {
  const where = whereClause(spec, q, db.dialect);
  const rows = await db.all<Record<string, unknown>>(
    `SELECT * FROM ${spec.view} ${where.sql} ORDER BY seq DESC LIMIT ?`, [...where.params, where.limit]);
  return rows.map((row) => mapRow<R>(spec, row));
}

/** One session with the time its fetch began and every token it exposed (in seq order). */
export interface SessionDetail {
  session: SessionRow;
  /** `at` of the session-start record, or null for requests that have none (info/refs). */
  startedAt: string | null;
  exposures: ExposureRow[];
}

/** The session with this id, or undefined while it has no `session` record. */
export async function findSession(db: Database, id: string): Promise<SessionDetail | undefined> {
  if (typeof id !== 'string' || id === '') throw new TypeError('session id must be a non-empty string');
  const row = await db.get<Record<string, unknown>>('SELECT * FROM sessions WHERE id = ? ORDER BY seq DESC LIMIT 1', [id]);
  if (!row) return undefined;
  const start = await db.get<{ at: string }>(
    `SELECT at FROM records WHERE kind = 'session-start' AND ${jsonText(db.dialect, 'data', 'id')} = ? ORDER BY seq LIMIT 1`, [id]);
  const exposures = await db.all<Record<string, unknown>>('SELECT * FROM exposures WHERE session_id = ? ORDER BY seq', [id]);
  return {
    session: mapRow<SessionRow>(views.sessions, row),
    startedAt: start?.at ?? null,
    exposures: exposures.map((r) => mapRow<ExposureRow>(views.exposures, r)),
  };
}
