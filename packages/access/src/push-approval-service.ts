/**
 * Approval of held pushes (`push.requireApproval`): a push that passed every check waits as a push
 * request until enough distinct detokenize approvers allow it (the same groups, minApprovals and
 * requestTtl as detokenize; never the pusher), or one denies it, or it expires. The caller (the gateway)
 * releases or discards the held push and reports the release back with `settle`. Requests live in SQLite
 * beside the detokenize requests; every change runs in one transaction and is reported as a
 * `PushApprovalEvent` after it commits. Nothing here ever holds a restored value.
 */
import { Database } from '@gitgate/db';
import { noopLogger, type Logger } from '@gitgate/log';
import { AccessError, codes } from './access-error.js';
import type { Principal } from './identity.js';
import { Policy } from './policy.js';
import { PUSH_APPROVAL_STORE, pushApprovalMigrations } from './push-approval-schema.js';
import { PUSH_REQUEST_STATUSES, type PushApprovalEvent, type PushRequestStatus } from './push-approval-event.js';
import { assertPrincipal, denyComment, emitEach, later, optionalText, requestIdOf } from './request-input.js';
import { addApproval } from './approval-count.js';
import { SYSTEM_ACTOR } from './detokenize-event.js';
import type { ApprovalView } from './detokenize-service.js';

/** Options of `PushApprovalService.open`. */
export interface PushApprovalServiceOptions {
  /** SQLite file (may be the detokenize store's), ':memory:', or a postgres:// URL shared by replicas. */
  dbPath: string;
  /** The policy, or a function returning the one in force (read at every decision). */
  policy: Policy | (() => Policy);
  clock?: () => Date;
  logger?: Logger;
  /** Called after each committed state change (audit, webhooks). Its errors are logged, never thrown. */
  events?: (e: PushApprovalEvent) => void;
}

/** One ref update of a held push, as the agent pushed it (sanitized ids). */
export interface PushRequestRef {
  ref: string;
  oldId: string;
  newId: string;
  /** After the release: whether upstream took it, and why not. */
  ok?: boolean;
  reason?: string;
}

/** A push request as the API returns it. Times are ISO 8601 UTC. */
export interface PushRequestView {
  id: string;
  status: PushRequestStatus;
  repo: string;
  pusher: string;
  createdAt: string;
  expiresAt: string;
  requiredApprovals: number;
  approvals: ApprovalView[];
  denial: ApprovalView | null;
  refs: PushRequestRef[];
  commits: number;
  /** Tokens whose values the push restores (never the values). */
  tokensRestored: string[];
  endedAt: string | null;
}

interface PushRequestRow {
  id: string;
  repo: string;
  pusher: string;
  status: PushRequestStatus;
  created_at: string;
  expires_at: string;
  required_approvals: number;
  refs: string;
  commits: number;
  tokens_restored: string;
  approved_at: string | null;
  ended_at: string | null;
  denied_by: string | null;
  deny_comment: string | null;
  outcome: string | null;
}

interface ApprovalRow {
  request_id: string;
  approver: string;
  comment: string | null;
  at: string;
}

const STATUSES = new Set<string>(PUSH_REQUEST_STATUSES);
const WHAT = 'push request';

/** The push request service. Create it with `PushApprovalService.open`. */
export class PushApprovalService {
  readonly #db: Database;
  readonly #policySource: () => Policy;
  readonly #clock: () => Date;
  readonly #log: Logger;
  readonly #listener: ((e: PushApprovalEvent) => void) | undefined;

  private constructor(db: Database, opts: PushApprovalServiceOptions, log: Logger) {
    this.#db = db;
    const policy = opts.policy;
    this.#policySource = typeof policy === 'function' ? policy : () => policy;
    this.#clock = opts.clock ?? (() => new Date());
    this.#log = log;
    this.#listener = opts.events;
  }

  /** Opens (creating, migrating) the store. Throws TypeError on bad options, DbError when it cannot be opened. */
  static async open(opts: PushApprovalServiceOptions): Promise<PushApprovalService> {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
    if (typeof opts.dbPath !== 'string' || opts.dbPath === '') throw new TypeError('dbPath must be a non-empty string');
    if (!(opts.policy instanceof Policy) && typeof opts.policy !== 'function') throw new TypeError('policy must be a Policy or a function returning one');
    const log = opts.logger ?? noopLogger;
    const db = await Database.open({ path: opts.dbPath, name: PUSH_APPROVAL_STORE, migrations: pushApprovalMigrations, synchronous: 'FULL', logger: log });
    return new PushApprovalService(db, opts, log);
  }

  get #policy(): Policy {
    const p = this.#policySource();
    if (!(p instanceof Policy)) throw new TypeError('the policy source must return a Policy');
    return p;
  }

  /**
   * Records a held push (its id is the held push's) as a pending request of `pusher`, due within the
   * detokenize requestTtl. Throws TypeError on malformed input (the gateway builds it), DbError.
   */
  async hold(pusher: Principal, input: { id: string; repo: string; refs: readonly PushRequestRef[]; commits: number; tokensRestored: readonly string[] }): Promise<PushRequestView> {
    assertPrincipal(pusher);
    if (typeof input?.id !== 'string' || typeof input.repo !== 'string' || !Array.isArray(input.refs) || !Array.isArray(input.tokensRestored)) throw new TypeError('a held push needs id, repo, refs and tokensRestored');
    const policy = this.#policy;
    const now = this.#clock();
    await this.#sweep(now);
    const at = now.toISOString();
    const expiresAt = later(now, policy.detokenize.requestTtlMs);
    const required = policy.detokenize.minApprovals;
    const refs = input.refs.map((r) => ({ ref: r.ref, oldId: r.oldId, newId: r.newId }));
    await this.#db.run(
      `INSERT INTO push_requests (id, repo, pusher, status, created_at, expires_at, required_approvals, refs, commits, tokens_restored)
       VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)`,
      [input.id, input.repo, pusher.subject, at, expiresAt, required, JSON.stringify(refs), input.commits, JSON.stringify(input.tokensRestored)]);
    this.#log.info('push held for approval', { requestId: input.id, repo: input.repo, pusher: pusher.subject });
    this.#emit([{ type: 'detokenize-request', subject: 'push', requestId: input.id, repo: input.repo, actor: pusher.subject, at, status: 'pending', requester: pusher.subject, requiredApprovals: required, expiresAt, refs }]);
    return this.#load(this.#db, input.id);
  }

  /**
   * Push requests for an approver (or admin), newest first; `q.status` filters, `q.limit` (default 200,
   * at most 1000) caps. Throws AccessError GITGATE_FORBIDDEN, GITGATE_BAD_INPUT.
   */
  async listForApprover(id: Principal, q: { status?: string; limit?: number } = {}): Promise<PushRequestView[]> {
    assertPrincipal(id);
    if (!this.#policy.canApprove(id) && !this.#policy.isAdmin(id)) throw new AccessError(codes.forbidden, 'you are not in a detokenize approver group');
    const status = q?.status;
    if (status !== undefined && !STATUSES.has(status)) throw new AccessError(codes.badInput, `status must be one of ${PUSH_REQUEST_STATUSES.join(', ')}`);
    const limit = q?.limit ?? 200;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new AccessError(codes.badInput, 'limit must be an integer from 1 to 1000');
    await this.#sweep(this.#clock());
    const rows = await this.#db.all<PushRequestRow>(
      `SELECT * FROM push_requests ${status === undefined ? '' : 'WHERE status = ?'} ORDER BY created_at DESC, id LIMIT ?`, status === undefined ? [limit] : [status, limit]);
    const out: PushRequestView[] = [];
    for (const r of rows) out.push(this.#view(r, await this.#approvals(this.#db, r.id)));
    return out;
  }

  /** One push request, for its pusher and for approvers and admins. Throws AccessError GITGATE_NOT_FOUND (also when not visible to `id`). */
  async get(id: Principal, requestId: string): Promise<PushRequestView> {
    assertPrincipal(id);
    const rid = requestIdOf(requestId, WHAT);
    await this.#sweep(this.#clock());
    const view = await this.#load(this.#db, rid);
    if (view.pusher !== id.subject && !this.#policy.canApprove(id) && !this.#policy.isAdmin(id)) throw new AccessError(codes.notFound, `no such ${WHAT}`, { data: { requestId: rid } });
    return view;
  }

  /**
   * Records `id`'s approval; with the required number of distinct approvers the request becomes
   * 'approved' (release it, then `settle`). Approving twice counts once. Throws AccessError
   * GITGATE_FORBIDDEN (not an approver, or the pusher), GITGATE_NOT_FOUND, GITGATE_CONFLICT (not pending).
   */
  async approve(id: Principal, requestId: string, comment?: string): Promise<PushRequestView> {
    const { rid, note, at } = await this.#decision(id, requestId, comment);
    const events: PushApprovalEvent[] = [];
    const view = await this.#db.transaction(async (tx) => {
      const row = await this.#pendingRow(tx, rid);
      if (row.pusher === id.subject) throw new AccessError(codes.forbidden, 'you cannot approve your own push', { data: { requestId: rid, reason: 'self-approval' } });
      const n = await addApproval(tx, 'push_approvals', { rid, approver: id.subject, comment: note, at });
      if (n !== undefined) {
        const required = Math.max(row.required_approvals, this.#policy.detokenize.minApprovals);
        const status: PushRequestStatus = n >= required ? 'approved' : 'pending';
        if (status === 'approved') await tx.run("UPDATE push_requests SET status = 'approved', approved_at = ?, required_approvals = ? WHERE id = ? AND status = 'pending'", [at, required, rid]);
        events.push({ ...this.#eventBase(row, 'detokenize-approve', id.subject, at), status, approver: id.subject, comment: note, approvals: n, requiredApprovals: required, expiresAt: row.expires_at });
      }
      return this.#load(tx, rid);
    });
    this.#emit(events);
    return view;
  }

  /** Denies a pending push request, which ends it (discard the held push). Throws as `approve` (and GITGATE_COMMENT_REQUIRED without a comment), but a pusher who is an approver may withdraw their own. */
  async deny(id: Principal, requestId: string, comment?: string): Promise<PushRequestView> {
    const { rid, note: given, at } = await this.#decision(id, requestId, comment);
    const note = denyComment(given);
    let event: PushApprovalEvent | undefined;
    const view = await this.#db.transaction(async (tx) => {
      const row = await this.#pendingRow(tx, rid);
      await tx.run("UPDATE push_requests SET status = 'denied', denied_by = ?, deny_comment = ?, ended_at = ? WHERE id = ? AND status = 'pending'", [id.subject, note, at, rid]);
      event = { ...this.#eventBase(row, 'detokenize-deny', id.subject, at), status: 'denied', approver: id.subject, comment: note };
      return this.#load(tx, rid);
    });
    this.#emit(event ? [event] : []);
    return view;
  }

  /**
   * Records what the release of an approved request did: 'released' when upstream took every ref,
   * 'failed' otherwise (per-ref reasons kept). Throws AccessError GITGATE_NOT_FOUND, GITGATE_CONFLICT (not approved).
   */
  async settle(requestId: string, refs: readonly { ref: string; ok: boolean; reason?: string }[]): Promise<PushRequestView> {
    const at = this.#clock().toISOString();
    return this.#db.transaction(async (tx) => {
      const row = await tx.get<PushRequestRow>('SELECT * FROM push_requests WHERE id = ?', [requestId]);
      if (!row) throw new AccessError(codes.notFound, `no such ${WHAT}`, { data: { requestId } });
      if (row.status !== 'approved') throw new AccessError(codes.conflict, `the push request is ${row.status}, not approved`, { data: { requestId, status: row.status } });
      const status: PushRequestStatus = refs.length > 0 && refs.every((r) => r.ok) ? 'released' : 'failed';
      await tx.run('UPDATE push_requests SET status = ?, ended_at = ?, outcome = ? WHERE id = ?', [status, at, JSON.stringify(refs.map((r) => ({ ref: r.ref, ok: r.ok, ...(r.reason ? { reason: r.reason } : {}) }))), requestId]);
      return this.#load(tx, requestId);
    });
  }

  /** The requests of `ids` that exist, by id (for the gateway's reconciliation of held pushes at start; no identity). */
  async byIds(ids: readonly string[]): Promise<Map<string, PushRequestView>> {
    await this.#sweep(this.#clock());
    const out = new Map<string, PushRequestView>();
    for (const id of ids) {
      const row = await this.#db.get<PushRequestRow>('SELECT * FROM push_requests WHERE id = ?', [id]);
      if (row) out.set(id, this.#view(row, await this.#approvals(this.#db, id)));
    }
    return out;
  }

  /** Expires every pending request past its deadline ('detokenize-expire' each: discard the held push); resolves with how many. */
  async expireDue(): Promise<number> {
    return this.#sweep(this.#clock());
  }

  /** Closes the store. Idempotent. */
  async close(): Promise<void> {
    await this.#db.close();
  }

  async #decision(id: Principal, requestId: string, comment: string | undefined): Promise<{ rid: string; note: string | null; at: string }> {
    assertPrincipal(id);
    if (!this.#policy.canApprove(id)) throw new AccessError(codes.forbidden, 'you are not in a detokenize approver group');
    const rid = requestIdOf(requestId, WHAT);
    const note = optionalText(comment, 'comment');
    const now = this.#clock();
    await this.#sweep(now);
    return { rid, note, at: now.toISOString() };
  }

  async #sweep(now: Date): Promise<number> {
    const at = now.toISOString();
    const events = await this.#db.transaction(async (tx) => {
      const due = await tx.all<PushRequestRow>("SELECT * FROM push_requests WHERE status = 'pending' AND expires_at <= ?", [at]);
      if (due.length > 0) await tx.run("UPDATE push_requests SET status = 'expired', ended_at = ? WHERE status = 'pending' AND expires_at <= ?", [at, at]);
      return due.map((r): PushApprovalEvent => ({ ...this.#eventBase(r, 'detokenize-expire', SYSTEM_ACTOR, at), status: 'expired', phase: 'request', expiresAt: r.expires_at }));
    });
    this.#emit(events);
    return events.length;
  }

  async #pendingRow(tx: Database, rid: string): Promise<PushRequestRow> {
    const row = await tx.get<PushRequestRow>('SELECT * FROM push_requests WHERE id = ?', [rid]);
    if (!row) throw new AccessError(codes.notFound, `no such ${WHAT}`, { data: { requestId: rid } });
    if (row.status !== 'pending') throw new AccessError(codes.conflict, `the push request is ${row.status}, not pending`, { data: { requestId: rid, status: row.status } });
    return row;
  }

  #eventBase(row: PushRequestRow, type: PushApprovalEvent['type'], actor: string, at: string): Pick<PushApprovalEvent, 'type' | 'subject' | 'requestId' | 'repo' | 'actor' | 'at' | 'requester' | 'refs'> {
    return { type, subject: 'push', requestId: row.id, repo: row.repo, actor, at, requester: row.pusher, refs: JSON.parse(row.refs) as PushRequestRef[] };
  }

  async #approvals(db: Database, rid: string): Promise<ApprovalRow[]> {
    return db.all<ApprovalRow>('SELECT request_id, approver, comment, at FROM push_approvals WHERE request_id = ? ORDER BY at, approver', [rid]);
  }

  async #load(db: Database, rid: string): Promise<PushRequestView> {
    const row = await db.get<PushRequestRow>('SELECT * FROM push_requests WHERE id = ?', [rid]);
    if (!row) throw new AccessError(codes.notFound, `no such ${WHAT}`, { data: { requestId: rid } });
    return this.#view(row, await this.#approvals(db, rid));
  }

  #view(row: PushRequestRow, approvals: ApprovalRow[]): PushRequestView {
    const results = new Map((row.outcome === null ? [] : JSON.parse(row.outcome) as PushRequestRef[]).map((r) => [r.ref, r]));
    return {
      id: row.id, status: row.status, repo: row.repo, pusher: row.pusher, createdAt: row.created_at, expiresAt: row.expires_at,
      requiredApprovals: row.required_approvals,
      approvals: approvals.map((a) => ({ approver: a.approver, comment: a.comment, at: a.at })),
      denial: row.denied_by === null ? null : { approver: row.denied_by, comment: row.deny_comment, at: row.ended_at ?? row.created_at },
      refs: (JSON.parse(row.refs) as PushRequestRef[]).map((r) => ({ ...r, ...results.get(r.ref), ...r })),
      commits: row.commits, tokensRestored: JSON.parse(row.tokens_restored) as string[], endedAt: row.ended_at,
    };
  }

  #emit(events: PushApprovalEvent[]): void {
    emitEach(this.#listener, events, this.#log);
  }
}
