/**
 * What callers record: the event kinds, their data shapes (docs/audit.md, "Kinds") and the check
 * that turns an event into a row ready to chain. Callers pass tokens, never secret values: the audit
 * stores `data` exactly as given.
 */
import { canonicalJson } from './canonical-json.js';
import { isAmbiguousField } from './hash-chain.js';

/** Every kind of record, in the order docs/audit.md describes them. */
export const AUDIT_KINDS = [
  'session',
  'session-start',
  'exposure',
  'push',
  'sync',
  'auth-failure',
  'api-refusal',
  'detokenize-request',
  'detokenize-approve',
  'detokenize-deny',
  'detokenize-reveal',
  'detokenize-expire',
  'detokenize-revoke',
  'token-revoke',
  'admin',
  'purge',
] as const;

/** One kind of record. */
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** The detokenize life cycle kinds plus revocation, as the `detokenize_events` view holds them. */
export const DETOKENIZE_KINDS = [
  'detokenize-request',
  'detokenize-approve',
  'detokenize-deny',
  'detokenize-reveal',
  'detokenize-expire',
  'detokenize-revoke',
  'token-revoke',
] as const satisfies readonly AuditKind[];

/** Actor of records written by gitgate itself (sync, expiry, purge, crash recovery). */
export const SYSTEM_ACTOR = 'system';
/** Actor of requests that carried no valid identity. */
export const ANONYMOUS_ACTOR = 'anonymous';

/** One event to record. `actor` is the identity's subject, 'anonymous' or 'system'. */
export interface AuditEvent {
  kind: AuditKind;
  actor: string;
  /** The repository the event concerns (e.g. 'acme/api'), or null/absent. */
  repo?: string | null;
  /** Kind-specific fields (see the *Data types); stored as canonical JSON. Tokens only, never secrets. */
  data: Record<string, unknown>;
}

/** The identity a request was made with. */
export type AuditIdentity = { subject: string; groups: string[] };

/** How a git request ended. 'incomplete' is written by crash recovery for a fetch that never ended. */
export type SessionOutcome = 'ok' | 'refused' | 'error' | 'incomplete';

/** Data of a `session` record: one git HTTP request. Fields not known for an endpoint are null or absent. */
export type SessionData = {
  /** A uuid, shared with the session-start record and the exposure records of this request. */
  id: string;
  identity: AuditIdentity | null;
  clientAddress?: string | null;
  userAgent?: string | null;
  repo?: string | null;
  service?: 'upload-pack';
  /** 'info/refs', 'ls-refs' or 'fetch' (a v0/v1 upload-pack POST is a 'fetch' too). */
  endpoint?: string;
  protocolVersion?: number | null;
  /** Object ids the client asked for. */
  wants?: string[];
  /** Object ids the client said it has. */
  haves?: string[];
  /** Object ids the client said are shallow on its side. */
  shallow?: string[];
  depth?: number | null;
  /** deepen-since as seconds since the epoch. */
  deepenSince?: number | null;
  deepenNot?: string[];
  deepenRelative?: boolean;
  filter?: string | null;
  objectsSent?: number | null;
  bytesSent?: number | null;
  durationMs?: number | null;
  outcome: SessionOutcome;
  errorCode?: string | null;
  refsAdvertised?: number | null;
};

/** Data of a `session-start` record, written (durably) when a fetch begins. */
export type SessionStartData = {
  id: string;
  repo: string;
  identity: AuditIdentity | null;
};

/** Data of an `exposure` record: one token served in one session (once per token per session). */
export type ExposureData = {
  sessionId: string;
  repo: string;
  token: string;
  /** The sanitized object that carried the token (the first one served in this session). */
  objectId: string;
};

/**
 * How one pushed ref update ended: accepted and pushed upstream, held for approval (push.requireApproval;
 * its release is a second row with the same `pushRequestId`), refused (policy, rules, scan), or failed.
 */
export type PushOutcome = 'ok' | 'held' | 'refused' | 'error';

/**
 * Data of a `push` record: one ref update of one push (receive-pack request). The actor is the
 * pusher's subject, `repo` the repository. Ids as the agent sent them are sanitized ids; the upstream
 * ones are those of the real history the gateway pushed. Tokens only, never a restored secret.
 */
export type PushData = {
  /** The git session id (the `id` of the request's `session` record). */
  id: string;
  ref: string;
  outcome: PushOutcome;
  /** Why the update was refused or failed: the sentence sent in report-status. */
  reason?: string | null;
  /** Sanitized ids as the agent sent them (40 zeros: create / delete). */
  oldId: string;
  newId: string;
  /** Upstream ids of the same update (absent when refused before translation). */
  upstreamOldId?: string | null;
  upstreamNewId?: string | null;
  /** Tokens replaced by their real values in what was pushed upstream, or is held (token strings only). */
  tokensRestored: string[];
  /** The push request of a held update, and of its release (whose `id` is then this id too). */
  pushRequestId?: string;
  /** Commits the update brought (new to upstream). */
  commits: number;
  clientAddress: string;
  userAgent: string;
};

/** Data of a `sync` record: one sync of a repository from upstream. */
export type SyncData = {
  repo: string;
  objects: number;
  rewritten: number;
  secrets: number;
  /** Secrets found per scanner rule id. */
  secretsByRule: Record<string, number>;
  durationMs: number;
  outcome: 'ok' | 'error';
  errorCode?: string | null;
};

/** Data of an `auth-failure` record. */
export type AuthFailureData = {
  reason: string;
  clientAddress?: string | null;
  userAgent?: string | null;
  path?: string | null;
};

/**
 * Data of an `api-refusal` record: an authenticated API call that was refused (403, 404, 400, 409,
 * 410, 503…). Repeats of one (actor, action, code) within a short window are folded into one record
 * whose `count` says how many there were.
 */
export type ApiRefusalData = {
  action: string;
  status: number;
  code: string;
  /** Set when repeats were folded into this record. */
  count?: number;
  clientAddress?: string | null;
};

/** Data of the detokenize-* and token-revoke records. `reason` and `comment` are users' free text. */
export type DetokenizeData = {
  requestId?: string | null;
  token: string;
  requester?: string | null;
  approver?: string | null;
  reason?: string | null;
  comment?: string | null;
  /** On detokenize-approve: when the approval lapses (ISO 8601). */
  expiresAt?: string | null;
};

/** Data of an `admin` record. */
export type AdminData = {
  action: string;
  details?: Record<string, unknown> | null;
};

/** Data of a `purge` record, written by `exportAndPurge`. */
export type PurgeData = {
  purgedThroughSeq: number;
  lastPurgedHash: string;
  count: number;
  /** Base name of the export file that holds the purged rows. */
  exportFile: string;
  /** The `before` bound of the purge (ISO 8601). */
  before: string;
};

/** An event checked and serialised, waiting for its seq and hash. */
export interface PendingRecord {
  at: string;
  kind: AuditKind;
  actor: string;
  repo: string | null;
  /** Canonical JSON of the event's data. */
  data: string;
}

const KIND_SET: ReadonlySet<string> = new Set(AUDIT_KINDS);

/** True when `value` is one of AUDIT_KINDS. */
export function isAuditKind(value: unknown): value is AuditKind {
  return typeof value === 'string' && KIND_SET.has(value);
}

/**
 * Checks an event and serialises its data now, so later changes to the caller's object do not reach
 * the row. Throws TypeError (messages hold no value) on an unknown kind or 'purge', an empty actor, an empty
 * repo, a newline in actor or repo, data that is not a plain object or not serialisable, on a
 * session or session-start without a string `id` (crash recovery pairs the two by id), and on a push
 * without a string `id` and `ref` (a push record is found by its session and ref).
 */
export function prepareEvent(e: AuditEvent, at: Date): PendingRecord {
  if (e === null || typeof e !== 'object') throw new TypeError('event must be an object');
  if (!isAuditKind(e.kind)) throw new TypeError('event kind is not a known audit kind');
  // verify() checks the purge anchor against the latest purge record, so only exportAndPurge may write one.
  if (e.kind === 'purge') throw new TypeError('purge records are written by exportAndPurge only');
  if (typeof e.actor !== 'string' || e.actor === '') throw new TypeError('event actor must be a non-empty string');
  if (isAmbiguousField(e.actor)) throw new TypeError('event actor must not contain a newline');
  const repo = e.repo ?? null;
  if (repo !== null && (typeof repo !== 'string' || repo === '')) throw new TypeError('event repo must be a non-empty string or null');
  if (repo !== null && isAmbiguousField(repo)) throw new TypeError('event repo must not contain a newline');
  const data: unknown = e.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('event data must be a plain object');
  if ((e.kind === 'session' || e.kind === 'session-start') && (typeof (data as { id?: unknown }).id !== 'string' || (data as { id: string }).id === '')) {
    throw new TypeError(`${e.kind} data must hold a string id`);
  }
  if (e.kind === 'push' && !['id', 'ref'].every((k) => typeof (data as Record<string, unknown>)[k] === 'string' && (data as Record<string, string>)[k] !== '')) {
    throw new TypeError('push data must hold a string id and ref');
  }
  if (Number.isNaN(at.getTime())) throw new TypeError('the clock returned an invalid date');
  let text: string;
  try {
    text = canonicalJson(data);
  } catch {
    // Fixed message: a caller's toJSON or getter may throw anything, including a message quoting a value.
    throw new TypeError('event data cannot be serialised as JSON (a bigint, a cycle or a throwing toJSON)');
  }
  return { at: at.toISOString(), kind: e.kind, actor: e.actor, repo, data: text };
}
