/**
 * Just-in-time detokenize: a requester asks for the secret behind one token, approvers in other
 * hands approve or deny, and once enough distinct approvers agree the requester alone can read the
 * secret, once (oneTimeReveal) or until the grant expires. Requests live in SQLite or PostgreSQL; every state
 * change runs in one serialised transaction and is reported as a `DetokenizeEvent` after it commits.
 * The secret is only ever decrypted for the requester's read of an approved request, never for views,
 * previews, events or logs.
 */
import { randomUUID } from 'node:crypto';
import { Database } from '@gitgate/db';
import { canonicalToken, codes as vaultCodes, isToken, type TokenInfo } from '@gitgate/vault';
import { AccessError, codes } from './access-error.js';
import { DETOKENIZE_STORE, detokenizeMigrations } from './detokenize-schema.js';
import { REQUEST_STATUSES, SYSTEM_ACTOR, type DetokenizeEvent, type RequestStatus } from './detokenize-event.js';
import type { Principal } from './identity.js';
import { noopLogger, type Logger } from '@gitgate/log';
import { maskedPreview } from './masked-preview.js';
import { assertPrincipal, denyComment, emitEach, later, optionalText, requestIdOf } from './request-input.js';
import { addApproval } from './approval-count.js';
import type { RequestFacts } from './detokenize-notification.js';
import { Policy } from './policy.js';

/** The part of `Vault` the service uses. */
export interface VaultLike {
  has(token: string): Promise<boolean>;
  info(token: string): Promise<TokenInfo | undefined>;
  reveal(token: string): Promise<Buffer>;
  revoke(token: string): Promise<void>;
}

/** Options of `DetokenizeService.open`. */
export interface DetokenizeServiceOptions {
  /** SQLite file holding the requests (created mode 0600; may be shared with other stores), ':memory:', or a postgres:// URL shared by replicas. */
  dbPath: string;
  vault: VaultLike;
  /**
   * The policy, or a function returning the one in force: it is read at every decision (create,
   * approve, deny, list, reveal), so a reloaded configuration applies from the next call on.
   */
  policy: Policy | (() => Policy);
  /** The current time (default: the system clock); TTL tests inject a fake one. */
  clock?: () => Date;
  logger?: Logger;
  /** Called after each committed state change (audit, webhooks). Its errors are logged, never thrown. */
  events?: (e: DetokenizeEvent) => void;
  /**
   * Writes the 'detokenize-reveal' record durably; awaited before the reveal is claimed and the
   * secret returned. When it rejects, the reveal is refused (GITGATE_AUDIT_UNAVAILABLE, 503) and the
   * grant stays unused. The event is still handed to `events` afterwards (webhooks, metrics).
   */
  recordDurable?: (e: DetokenizeEvent) => Promise<void>;
  /**
   * The sanitized id of an upstream commit of `repo` (what a clone through the gateway holds), or
   * undefined when unknown. Requesters see only this id in a request's context; without it they see none.
   */
  sanitizedCommit?: (repo: string, upstreamId: string) => Promise<string | undefined>;
}

/** Where the token was seen. Taken from vault metadata; never the secret. */
export interface RequestContext {
  /** The token's type, e.g. 'aws-access-key-id'. */
  type: string;
  repo: string | null;
  /** The path as served (sanitized: a token in a file or directory name stays a token). */
  path: string | null;
  /** The commit as served: its sanitized id, which a clone through the gateway holds (null when unknown). */
  commit: string | null;
  /** The upstream commit id, in approver and admin views only (a requester never learns upstream ids). */
  upstreamCommit?: string | null;
  rule: string | null;
  /** How many places the vault has seen the token in, counting only repositories the requester could read. */
  occurrences: number;
  /** The type's public prefix then asterisks, e.g. 'AKIA************' (see `maskedPreview`). */
  maskedPreview: string;
}

/** One approval of a request. */
export interface ApprovalView {
  approver: string;
  comment: string | null;
  at: string;
}

/** A request as the API returns it. Times are ISO 8601 UTC. Never holds the secret. */
export interface RequestView {
  id: string;
  status: RequestStatus;
  token: string;
  requester: string;
  reason: string | null;
  createdAt: string;
  /** The deadline in force: of the pending request, or of the grant once approved. */
  expiresAt: string;
  requestExpiresAt: string;
  grantExpiresAt: string | null;
  requiredApprovals: number;
  approvals: ApprovalView[];
  denial: ApprovalView | null;
  revealedAt: string | null;
  context: RequestContext;
}

/** What `get` returns: the view, plus the secret for the requester of an approved request. */
export interface RevealedRequestView extends RequestView {
  secret?: string;
  /** How `secret` is encoded: 'utf8' text, or 'base64' when the bytes are not valid UTF-8. */
  secretEncoding?: 'utf8' | 'base64';
}

interface RequestRow {
  id: string;
  token: string;
  requester: string;
  reason: string | null;
  status: RequestStatus;
  created_at: string;
  expires_at: string;
  required_approvals: number;
  approved_at: string | null;
  grant_expires_at: string | null;
  revealed_at: string | null;
  reveal_count: number;
  ended_at: string | null;
  denied_by: string | null;
  deny_comment: string | null;
  token_type: string;
  repo: string | null;
  path: string | null;
  commit_id: string | null;
  rule_id: string | null;
  occurrences: number;
}

interface ApprovalRow {
  request_id: string;
  approver: string;
  comment: string | null;
  at: string;
}

/** Default and largest page of `listForApprover`. */
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 1000;

const STATUSES = new Set<string>(REQUEST_STATUSES);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeSecret(secret: Buffer): { secret: string; secretEncoding: 'utf8' | 'base64' } {
  try {
    return { secret: UTF8.decode(secret), secretEncoding: 'utf8' };
  } catch {
    return { secret: secret.toString('base64'), secretEncoding: 'base64' };
  }
}

/** The detokenize request service. Create it with `DetokenizeService.open`. */
export class DetokenizeService {
  readonly #db: Database;
  readonly #vault: VaultLike;
  readonly #policySource: () => Policy;
  readonly #clock: () => Date;
  readonly #log: Logger;
  readonly #listener: ((e: DetokenizeEvent) => void) | undefined;
  readonly #recordDurable: ((e: DetokenizeEvent) => Promise<void>) | undefined;
  readonly #sanitizedCommit: DetokenizeServiceOptions['sanitizedCommit'];
  /** The reveal running per request id: reveals of one request run one after another. */
  readonly #revealing = new Map<string, Promise<unknown>>();
  #closed = false;

  private constructor(db: Database, opts: DetokenizeServiceOptions, log: Logger) {
    this.#db = db;
    this.#vault = opts.vault;
    const policy = opts.policy;
    this.#policySource = typeof policy === 'function' ? policy : () => policy;
    this.#clock = opts.clock ?? (() => new Date());
    this.#log = log;
    this.#listener = opts.events;
    this.#recordDurable = opts.recordDurable;
    this.#sanitizedCommit = opts.sanitizedCommit;
  }

  /** The policy in force now; a function source that returns something else is a programming error. */
  get #policy(): Policy {
    const p = this.#policySource();
    if (!(p instanceof Policy)) throw new TypeError('the policy source must return a Policy');
    return p;
  }

  /**
   * Opens (creating, migrating) the request store. Throws TypeError on bad options and DbError when
   * the database cannot be opened.
   */
  static async open(opts: DetokenizeServiceOptions): Promise<DetokenizeService> {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
    if (typeof opts.dbPath !== 'string' || opts.dbPath === '') throw new TypeError('dbPath must be a non-empty string');
    const v = opts.vault as unknown as Record<string, unknown> | undefined;
    if (!v || !['has', 'info', 'reveal', 'revoke'].every((m) => typeof v[m] === 'function')) throw new TypeError('vault must have has, info, reveal and revoke');
    if (!(opts.policy instanceof Policy) && typeof opts.policy !== 'function') throw new TypeError('policy must be a Policy or a function returning one');
    if (opts.recordDurable !== undefined && typeof opts.recordDurable !== 'function') throw new TypeError('recordDurable must be a function');
    if (opts.sanitizedCommit !== undefined && typeof opts.sanitizedCommit !== 'function') throw new TypeError('sanitizedCommit must be a function');
    if (opts.clock !== undefined && typeof opts.clock !== 'function') throw new TypeError('clock must be a function');
    if (opts.events !== undefined && typeof opts.events !== 'function') throw new TypeError('events must be a function');
    const log = opts.logger ?? noopLogger;
    const db = await Database.open({ path: opts.dbPath, name: DETOKENIZE_STORE, migrations: detokenizeMigrations, synchronous: 'FULL', logger: log });
    return new DetokenizeService(db, opts, log);
  }

  /**
   * Asks for the secret behind `input.token` on behalf of `id`. Resolves with the pending request.
   * Throws AccessError GITGATE_FORBIDDEN (not a requester), GITGATE_BAD_INPUT (not a token, missing
   * reason when required), GITGATE_NOT_FOUND (unknown token, or seen only in repositories `id` cannot
   * read), GITGATE_CONFLICT (token revoked: `data.reason` 'revoked'; or `id` already has an open request
   * for it: `data.reason` 'open-request' and its id in `data.requestId`).
   */
  async create(id: Principal, input: { token: string; reason?: string }): Promise<RequestView> {
    this.#assertOpen();
    assertPrincipal(id);
    // One policy for the whole decision, even if a reload lands in the middle of it.
    const policy = this.#policy;
    if (!policy.canRequest(id)) throw new AccessError(codes.forbidden, 'you are not in a detokenize requester group');
    // The ref-safe form (TOKEN_<type>_<id>, as in a branch name) names the same token.
    const token = canonicalToken(input?.token);
    if (token === undefined) throw new AccessError(codes.badInput, 'token must be a gitgate token such as [[TOKEN_<type>_<id>]]');
    const reason = optionalText(input.reason, 'reason');
    if (policy.detokenize.requireReason && reason === null) throw new AccessError(codes.badInput, 'a reason is required');

    const info = await this.#vault.info(token);
    // A token seen only where the requester cannot read is treated as unknown: its existence is not theirs to learn.
    const readable = info?.occurrences.filter((o) => policy.canRead(id, o.repo)) ?? [];
    if (!info || readable.length === 0) throw new AccessError(codes.notFound, `unknown token ${token}`, { data: { token } });
    if (info.revokedAt !== null) throw new AccessError(codes.conflict, `token ${token} was revoked`, { data: { token, reason: 'revoked' } });

    const now = this.#clock();
    await this.#sweep(now);
    const at = now.toISOString();
    // A place in a file (commit and path: `git show COMMIT:PATH`) says more than a message or a ref name.
    const occ = readable.find((o) => o.path !== null) ?? readable[0]!;
    const requestId = randomUUID();
    const required = policy.detokenize.minApprovals;
    const expiresAt = later(now, policy.detokenize.requestTtlMs);
    const row = await this.#db.transaction(async (tx) => {
      const open = await tx.get<{ id: string }>(
        "SELECT id FROM detokenize_requests WHERE requester = ? AND token = ? AND status IN ('pending', 'approved') ORDER BY created_at DESC LIMIT 1",
        [id.subject, token]);
      if (open) throw new AccessError(codes.conflict, `you already have an open request for ${token}`, { data: { token, requestId: open.id, reason: 'open-request' } });
      await tx.run(
        `INSERT INTO detokenize_requests (id, token, requester, reason, status, created_at, expires_at, required_approvals, token_type, repo, path, commit_id, rule_id, occurrences)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [requestId, token, id.subject, reason, at, expiresAt, required, info.type, occ.repo, occ.path, occ.commitId, occ.ruleId, readable.length]);
      return (await tx.get<RequestRow>('SELECT * FROM detokenize_requests WHERE id = ?', [requestId]))!;
    });
    this.#log.info('detokenize requested', { requestId, token, requester: id.subject });
    this.#emit([{ type: 'detokenize-request', requestId, token, actor: id.subject, at, status: 'pending', requester: id.subject, reason, requiredApprovals: required, expiresAt }]);
    return this.#shown(this.#view(row, []), this.#seesUpstream(id, policy));
  }

  /**
   * Requests for an approver (or admin), newest first, with their context; `q.status` filters, and
   * `q.limit` (default 200, at most 1000) caps the list. Throws AccessError GITGATE_FORBIDDEN when `id`
   * is neither, GITGATE_BAD_INPUT on an unknown status or bad limit.
   */
  async listForApprover(id: Principal, q: { status?: string; limit?: number } = {}): Promise<RequestView[]> {
    this.#assertOpen();
    assertPrincipal(id);
    if (!this.#seesUpstream(id)) throw new AccessError(codes.forbidden, 'you are not in a detokenize approver group');
    return this.#list(id, q, null);
  }

  /**
   * The requests `id` made, newest first, with the context a requester sees (served commit and path,
   * no upstream id); any authenticated identity may list its own. `q` filters as in `listForApprover`.
   * Throws AccessError GITGATE_BAD_INPUT on an unknown status or bad limit.
   */
  async listForRequester(id: Principal, q: { status?: string; limit?: number } = {}): Promise<RequestView[]> {
    this.#assertOpen();
    assertPrincipal(id);
    return this.#list(id, q, id.subject);
  }

  /** Requests newest first, of one requester or (null) of all, filtered by `q`, as `id` may see them. */
  async #list(id: Principal, q: { status?: string; limit?: number }, requester: string | null): Promise<RequestView[]> {
    const status = q?.status;
    if (status !== undefined && !STATUSES.has(status)) throw new AccessError(codes.badInput, `status must be one of ${REQUEST_STATUSES.join(', ')}`);
    const limit = q?.limit ?? DEFAULT_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new AccessError(codes.badInput, `limit must be an integer from 1 to ${MAX_LIMIT}`);
    await this.#sweep(this.#clock());
    const where = [...(status === undefined ? [] : ['status = ?']), ...(requester === null ? [] : ['requester = ?'])];
    const params = [...(status === undefined ? [] : [status]), ...(requester === null ? [] : [requester])];
    const rows = await this.#db.all<RequestRow>(
      `SELECT * FROM detokenize_requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`, [...params, limit]);
    if (rows.length === 0) return [];
    const approvals = await this.#db.all<ApprovalRow>(
      `SELECT request_id, approver, comment, at FROM detokenize_approvals WHERE request_id IN (${rows.map(() => '?').join(', ')}) ORDER BY at, approver`,
      rows.map((r) => r.id));
    const byRequest = new Map<string, ApprovalRow[]>();
    for (const a of approvals) {
      const list = byRequest.get(a.request_id) ?? [];
      list.push(a);
      byRequest.set(a.request_id, list);
    }
    const upstream = this.#seesUpstream(id);
    return Promise.all(rows.map((r) => this.#shown(this.#view(r, byRequest.get(r.id) ?? []), upstream)));
  }

  /**
   * Records `id`'s approval of a pending request; with the required number of distinct approvers the
   * request becomes 'approved' and its grant starts. Approving twice counts once (and changes
   * nothing). Throws AccessError GITGATE_FORBIDDEN (not an approver, or the requester themself),
   * GITGATE_NOT_FOUND, GITGATE_CONFLICT (not pending: `data.status`), GITGATE_BAD_INPUT (comment).
   */
  async approve(id: Principal, requestId: string, comment?: string): Promise<RequestView> {
    const { rid, note, now, at } = await this.#decision(id, requestId, comment);
    const events: DetokenizeEvent[] = [];
    const view = await this.#db.transaction(async (tx) => {
      const row = await this.#pendingRow(tx, rid);
      if (row.requester === id.subject) {
        throw new AccessError(codes.forbidden, 'you cannot approve your own request', { data: { requestId: rid, reason: 'self-approval' } });
      }
      const n = await addApproval(tx, 'detokenize_approvals', { rid, approver: id.subject, comment: note, at });
      if (n !== undefined) {
        // A policy made stricter since the request was made applies to it too.
        const required = Math.max(row.required_approvals, this.#policy.detokenize.minApprovals);
        let status: RequestStatus = 'pending';
        let expiresAt = row.expires_at;
        if (n >= required) {
          status = 'approved';
          expiresAt = later(now, this.#policy.detokenize.grantTtlMs);
          await tx.run("UPDATE detokenize_requests SET status = 'approved', approved_at = ?, grant_expires_at = ?, required_approvals = ? WHERE id = ? AND status = 'pending'",
            [at, expiresAt, required, rid]);
        }
        events.push({ type: 'detokenize-approve', requestId: rid, token: row.token, actor: id.subject, at, status, requester: row.requester, approver: id.subject, comment: note, approvals: n, requiredApprovals: required, expiresAt });
      }
      return this.#load(tx, rid);
    });
    if (events.length > 0) this.#log.info('detokenize approval', { requestId: rid, approver: id.subject, status: view.status });
    this.#emit(events);
    return this.#shown(view, true);
  }

  /**
   * Denies a pending request, which ends it. Approvers only; a requester who is also an approver may
   * deny (withdraw) their own. Throws AccessError GITGATE_FORBIDDEN, GITGATE_NOT_FOUND,
   * GITGATE_CONFLICT (not pending), GITGATE_COMMENT_REQUIRED (no comment), GITGATE_BAD_INPUT (comment).
   */
  async deny(id: Principal, requestId: string, comment?: string): Promise<RequestView> {
    const { rid, note: given, at } = await this.#decision(id, requestId, comment);
    const note = denyComment(given);
    let event: DetokenizeEvent | undefined;
    const view = await this.#db.transaction(async (tx) => {
      const row = await this.#pendingRow(tx, rid);
      await tx.run("UPDATE detokenize_requests SET status = 'denied', denied_by = ?, deny_comment = ?, ended_at = ? WHERE id = ? AND status = 'pending'", [id.subject, note, at, rid]);
      event = { type: 'detokenize-deny', requestId: rid, token: row.token, actor: id.subject, at, status: 'denied', requester: row.requester, approver: id.subject, comment: note };
      return this.#load(tx, rid);
    });
    this.#log.info('detokenize denied', { requestId: rid, approver: id.subject });
    this.#emit(event ? [event] : []);
    return this.#shown(view, true);
  }

  /** What `id` may do under the policy in force: ask for secrets, approve or deny, administer. */
  roles(id: Principal): { requester: boolean; approver: boolean; admin: boolean } {
    this.#assertOpen();
    assertPrincipal(id);
    const policy = this.#policy;
    return { requester: policy.canRequest(id), approver: policy.canApprove(id), admin: policy.isAdmin(id) };
  }

  /**
   * A request's state and context, never the secret (reading never uses up a grant: see `reveal`).
   * Visible to its requester, approvers and admins. Throws AccessError GITGATE_NOT_FOUND (no such
   * request, or not visible to `id`).
   */
  async get(id: Principal, requestId: string): Promise<RequestView> {
    this.#assertOpen();
    assertPrincipal(id);
    const rid = requestIdOf(requestId, 'detokenize request');
    await this.#sweep(this.#clock());
    const row = await this.#visibleRow(id, rid);
    return this.#shown(this.#view(row, await this.#approvals(this.#db, rid)), this.#seesUpstream(id));
  }

  /**
   * The secret of an approved request, for its requester alone: once when oneTimeReveal (the request
   * becomes 'revealed'), else on every call until the grant expires. Throws AccessError
   * GITGATE_NOT_FOUND (no such request, or not visible to `id`), GITGATE_FORBIDDEN (an approver or
   * admin who is not the requester: `data.reason` 'not-the-requester'; or a requester who lost the
   * role or read access since: 'not-a-requester', 'no-read-access'), GITGATE_CONFLICT (not approved
   * yet, or denied: `data.status`), GITGATE_GONE (already revealed, grant expired, token revoked:
   * `data.reason`), GITGATE_AUDIT_UNAVAILABLE (503: the reveal's record could not be written; the
   * grant stays unused).
   */
  async reveal(id: Principal, requestId: string): Promise<RevealedRequestView> {
    this.#assertOpen();
    assertPrincipal(id);
    const rid = requestIdOf(requestId, 'detokenize request');
    const now = this.#clock();
    await this.#sweep(now);
    const row = await this.#visibleRow(id, rid);
    if (row.requester !== id.subject) {
      throw new AccessError(codes.forbidden, 'only the requester of a request can reveal its secret', { data: { requestId: rid, reason: 'not-the-requester' } });
    }
    this.#refuseUsedGrant(row);
    if (row.status !== 'approved') {
      throw new AccessError(codes.conflict, `the request is ${row.status}, not approved`, { data: { requestId: rid, status: row.status } });
    }
    return this.#serialisedReveal(rid, () => this.#reveal(id, rid, now));
  }

  /** The request `rid` if `id` may see it (its requester, an approver, an admin); GITGATE_NOT_FOUND otherwise. */
  async #visibleRow(id: Principal, rid: string): Promise<RequestRow> {
    const row = await this.#db.get<RequestRow>('SELECT * FROM detokenize_requests WHERE id = ?', [rid]);
    if (!row || (row.requester !== id.subject && !this.#seesUpstream(id))) throw new AccessError(codes.notFound, 'no such detokenize request', { data: { requestId: rid } });
    return row;
  }

  /** Runs `fn` after any reveal of `rid` already running, so two reads of one grant never interleave. */
  async #serialisedReveal<T>(rid: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#revealing.get(rid) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(fn);
    const settled = run.catch(() => undefined);
    this.#revealing.set(rid, settled);
    try {
      return await run;
    } finally {
      if (this.#revealing.get(rid) === settled) this.#revealing.delete(rid);
    }
  }

  /**
   * The reveal of an approved request, authorised at the moment of use: the requester must still be a
   * requester and still read a repository the token occurs in, the token must not be revoked and the
   * grant not expired. Order: decrypt, write the reveal's audit record durably, then claim the reveal
   * in access.db, then return the secret. A crash between the record and the claim leaves a record of
   * a reveal that was not delivered (the grant stays usable), never a claimed reveal without a record.
   */
  async #reveal(id: Principal, rid: string, now: Date): Promise<RevealedRequestView> {
    const at = now.toISOString();
    const policy = this.#policy;
    const row = (await this.#db.get<RequestRow>('SELECT * FROM detokenize_requests WHERE id = ?', [rid]))!;
    this.#refuseUsedGrant(row);
    if (row.status !== 'approved' || row.grant_expires_at === null || row.grant_expires_at <= at) {
      throw new AccessError(codes.gone, 'the grant of this request is no longer valid', { data: { requestId: rid, reason: 'grant-expired' } });
    }
    if (!policy.canRequest(id)) {
      throw new AccessError(codes.forbidden, 'you are no longer in a detokenize requester group, so this grant cannot be used', { data: { requestId: rid, reason: 'not-a-requester' } });
    }
    const info = await this.#vault.info(row.token);
    if (!info || !info.occurrences.some((o) => policy.canRead(id, o.repo))) {
      throw new AccessError(codes.forbidden, 'you can no longer read a repository this token occurs in, so this grant cannot be used', { data: { requestId: rid, reason: 'no-read-access' } });
    }
    if (info.revokedAt !== null) {
      await this.#endRevoked(rid, row.token, id.subject, at);
      throw new AccessError(codes.gone, `token ${row.token} was revoked`, { data: { requestId: rid, reason: 'revoked' } });
    }
    let plain: Buffer;
    try {
      plain = await this.#vault.reveal(row.token);
    } catch (err) {
      if ((err as { code?: unknown })?.code === vaultCodes.tokenRevoked) {
        await this.#endRevoked(rid, row.token, id.subject, at);
        throw new AccessError(codes.gone, `token ${row.token} was revoked`, { data: { requestId: rid, reason: 'revoked' } });
      }
      this.#log.error('detokenize reveal failed', { requestId: rid, token: row.token, code: (err as { code?: unknown })?.code });
      throw err;
    }
    try {
      const oneTime = policy.detokenize.oneTimeReveal;
      const event: DetokenizeEvent = { type: 'detokenize-reveal', requestId: rid, token: row.token, actor: id.subject, at, status: oneTime ? 'revealed' : 'approved', requester: id.subject, expiresAt: row.grant_expires_at };
      if (this.#recordDurable) {
        try {
          await this.#recordDurable(event);
        } catch (err) {
          this.#log.error('detokenize reveal not recorded', { requestId: rid, token: row.token, code: (err as { code?: unknown })?.code });
          throw new AccessError(codes.auditUnavailable, 'the reveal could not be written to the audit, so the secret was not revealed and the grant is unused; try again later', { cause: err, data: { requestId: rid } });
        }
      }
      await this.#db.transaction(async (tx) => {
        const current = (await tx.get<RequestRow>('SELECT * FROM detokenize_requests WHERE id = ?', [rid]))!;
        this.#refuseUsedGrant(current);
        if (current.status !== 'approved' || current.grant_expires_at === null || current.grant_expires_at <= at) {
          throw new AccessError(codes.gone, 'the grant of this request is no longer valid', { data: { requestId: rid, reason: 'grant-expired' } });
        }
        if (oneTime) {
          // The conditional UPDATE decides the one reveal even if two replicas' reads had both seen 'approved'.
          const claimed = await tx.run("UPDATE detokenize_requests SET status = 'revealed', revealed_at = ?, reveal_count = reveal_count + 1, ended_at = ? WHERE id = ? AND status = 'approved'", [at, at, rid]);
          if (claimed.changes !== 1) this.#refuseUsedGrant({ ...current, status: 'revealed' });
        } else {
          await tx.run('UPDATE detokenize_requests SET revealed_at = COALESCE(revealed_at, ?), reveal_count = reveal_count + 1 WHERE id = ?', [at, rid]);
        }
      });
      const secret = decodeSecret(plain);
      const view = await this.#shown(await this.#load(this.#db, rid), this.#seesUpstream(id, policy));
      this.#log.info('detokenize revealed', { requestId: rid, token: row.token, requester: id.subject });
      this.#emit([event]);
      return { ...view, ...secret };
    } finally {
      plain.fill(0);
    }
  }

  /**
   * Revokes a token (admins): the vault refuses to reveal it from now on, and its pending and
   * approved requests end as 'revoked'. Revoking twice is harmless. Throws AccessError
   * GITGATE_FORBIDDEN, GITGATE_BAD_INPUT (not a token), GITGATE_NOT_FOUND (unknown token).
   */
  async revokeToken(id: Principal, token: string): Promise<void> {
    this.#assertOpen();
    assertPrincipal(id);
    if (!this.#policy.isAdmin(id)) throw new AccessError(codes.forbidden, 'revoking tokens is for admins');
    if (!isToken(token)) throw new AccessError(codes.badInput, 'token must be a gitgate token such as [[TOKEN_<type>_<id>]]');
    try {
      await this.#vault.revoke(token);
    } catch (err) {
      if ((err as { code?: unknown })?.code === vaultCodes.tokenUnknown) throw new AccessError(codes.notFound, `unknown token ${token}`, { data: { token } });
      throw err;
    }
    const at = this.#clock().toISOString();
    const ended = await this.#db.transaction(async (tx) => {
      const rows = await tx.all<{ id: string; requester: string }>(
        "SELECT id, requester FROM detokenize_requests WHERE token = ? AND status IN ('pending', 'approved') ORDER BY created_at, id", [token]);
      await tx.run("UPDATE detokenize_requests SET status = 'revoked', ended_at = ? WHERE token = ? AND status IN ('pending', 'approved')", [at, token]);
      return rows;
    });
    this.#log.info('token revoked by admin', { token, actor: id.subject, requests: ended.length });
    this.#emit([
      { type: 'token-revoke', requestId: null, token, actor: id.subject, at, requestIds: ended.map((r) => r.id) },
      ...ended.map((r): DetokenizeEvent => ({ type: 'detokenize-revoke', requestId: r.id, token, actor: id.subject, at, status: 'revoked', requester: r.requester })),
    ]);
  }

  /**
   * A token's type, creation and revocation times and occurrences (admins); never the secret.
   * Throws AccessError GITGATE_FORBIDDEN, GITGATE_BAD_INPUT (not a token), GITGATE_NOT_FOUND.
   */
  async tokenInfo(id: Principal, token: string): Promise<TokenInfo> {
    this.#assertOpen();
    assertPrincipal(id);
    if (!this.#policy.isAdmin(id)) throw new AccessError(codes.forbidden, 'token metadata is for admins');
    if (!isToken(token)) throw new AccessError(codes.badInput, 'token must be a gitgate token such as [[TOKEN_<type>_<id>]]');
    const info = await this.#vault.info(token);
    if (!info) throw new AccessError(codes.notFound, `unknown token ${token}`, { data: { token } });
    return info;
  }

  /**
   * Expires every pending request and approved grant whose deadline has passed, emitting
   * 'detokenize-expire' for each, and resolves with how many expired. Every other method does this
   * first; call it on a timer as well so expiry events are not delayed until the next call.
   */
  async expireDue(): Promise<number> {
    this.#assertOpen();
    return this.#sweep(this.#clock());
  }

  /**
   * The repository, path and reason of request `requestId` as its approvers see them, for
   * notifications (no identity: callers are the gateway itself); undefined when there is no such request.
   */
  async requestFacts(requestId: string): Promise<RequestFacts | undefined> {
    this.#assertOpen();
    const row = await this.#db.get<Pick<RequestRow, 'repo' | 'path' | 'reason'>>('SELECT repo, path, reason FROM detokenize_requests WHERE id = ?', [requestId]);
    return row ? { repo: row.repo, path: row.path, reason: row.reason } : undefined;
  }

  /** Waits for running work and closes the request store (not the vault). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.close();
  }

  /** What approve and deny check and read first: an approver, a well-formed id and comment, expired requests swept. */
  async #decision(id: Principal, requestId: string, comment: string | undefined): Promise<{ rid: string; note: string | null; now: Date; at: string }> {
    this.#assertOpen();
    assertPrincipal(id);
    if (!this.#policy.canApprove(id)) throw new AccessError(codes.forbidden, 'you are not in a detokenize approver group');
    const rid = requestIdOf(requestId, 'detokenize request');
    const note = optionalText(comment, 'comment');
    const now = this.#clock();
    await this.#sweep(now);
    return { rid, note, now, at: now.toISOString() };
  }

  #assertOpen(): void {
    if (this.#closed) throw new TypeError('the detokenize service is closed');
  }

  /** Ends everything past its deadline at `now`, in its own transaction, and reports it. */
  async #sweep(now: Date): Promise<number> {
    const at = now.toISOString();
    const events = await this.#db.transaction(async (tx) => {
      const out: DetokenizeEvent[] = [];
      const pending = await tx.all<RequestRow>("SELECT * FROM detokenize_requests WHERE status = 'pending' AND expires_at <= ?", [at]);
      const grants = await tx.all<RequestRow>("SELECT * FROM detokenize_requests WHERE status = 'approved' AND grant_expires_at <= ?", [at]);
      if (pending.length === 0 && grants.length === 0) return out;
      await tx.run("UPDATE detokenize_requests SET status = 'expired', ended_at = ? WHERE status = 'pending' AND expires_at <= ?", [at, at]);
      await tx.run("UPDATE detokenize_requests SET status = 'expired', ended_at = ? WHERE status = 'approved' AND grant_expires_at <= ?", [at, at]);
      for (const r of pending) {
        out.push({ type: 'detokenize-expire', requestId: r.id, token: r.token, actor: SYSTEM_ACTOR, at, status: 'expired', requester: r.requester, phase: 'request', expiresAt: r.expires_at });
      }
      for (const r of grants) {
        out.push({ type: 'detokenize-expire', requestId: r.id, token: r.token, actor: SYSTEM_ACTOR, at, status: 'expired', requester: r.requester, phase: 'grant', expiresAt: r.grant_expires_at });
      }
      return out;
    });
    if (events.length > 0) this.#log.info('detokenize requests expired', { count: events.length });
    this.#emit(events);
    return events.length;
  }

  /** The request `rid` if it is pending; AccessError GITGATE_NOT_FOUND or GITGATE_CONFLICT otherwise. */
  async #pendingRow(tx: Database, rid: string): Promise<RequestRow> {
    const row = await tx.get<RequestRow>('SELECT * FROM detokenize_requests WHERE id = ?', [rid]);
    if (!row) throw new AccessError(codes.notFound, 'no such detokenize request', { data: { requestId: rid } });
    if (row.status !== 'pending') throw new AccessError(codes.conflict, `the request is ${row.status}, not pending`, { data: { requestId: rid, status: row.status } });
    return row;
  }

  /** For the requester: refuses a grant that was used up (revealed once, expired or revoked after approval). */
  #refuseUsedGrant(row: RequestRow): void {
    if (row.status === 'revealed') throw new AccessError(codes.gone, 'the secret of this request was already revealed', { data: { requestId: row.id, reason: 'already-revealed' } });
    if (row.approved_at === null) return;
    if (row.status === 'expired') throw new AccessError(codes.gone, 'the grant of this request has expired', { data: { requestId: row.id, reason: 'grant-expired' } });
    if (row.status === 'revoked') throw new AccessError(codes.gone, `token ${row.token} was revoked`, { data: { requestId: row.id, reason: 'revoked' } });
  }

  /** Marks a request whose reveal the vault refused as revoked (the token was revoked behind our back). */
  async #endRevoked(rid: string, token: string, actor: string, at: string): Promise<void> {
    const row = await this.#db.transaction(async (tx) => {
      const r = (await tx.get<RequestRow>('SELECT * FROM detokenize_requests WHERE id = ?', [rid]))!;
      await tx.run("UPDATE detokenize_requests SET status = 'revoked', ended_at = ? WHERE id = ?", [at, rid]);
      return r;
    });
    this.#emit([{ type: 'detokenize-revoke', requestId: rid, token, actor, at, status: 'revoked', requester: row.requester }]);
  }

  async #approvals(db: Database, rid: string): Promise<ApprovalRow[]> {
    return db.all<ApprovalRow>('SELECT request_id, approver, comment, at FROM detokenize_approvals WHERE request_id = ? ORDER BY at, approver', [rid]);
  }

  async #load(db: Database, rid: string): Promise<RequestView> {
    const row = await db.get<RequestRow>('SELECT * FROM detokenize_requests WHERE id = ?', [rid]);
    if (!row) throw new AccessError(codes.notFound, 'no such detokenize request', { data: { requestId: rid } });
    return this.#view(row, await this.#approvals(db, rid));
  }

  /** Whether `id` sees approver views (all requests, upstream commit ids) under `policy`. */
  #seesUpstream(id: Principal, policy: Policy = this.#policy): boolean {
    return policy.canApprove(id) || policy.isAdmin(id);
  }

  /**
   * The view as its reader may see it: the served (sanitized) commit id for everyone, the upstream id
   * (which `#view` reads from the row) only for approvers and admins.
   */
  async #shown(view: RequestView, upstream: boolean): Promise<RequestView> {
    const { repo, commit } = view.context;
    let served: string | null = null;
    if (repo !== null && commit !== null && this.#sanitizedCommit) {
      try {
        served = (await this.#sanitizedCommit(repo, commit)) ?? null;
      } catch (err) {
        this.#log.warn('sanitized commit lookup failed', { requestId: view.id, error: (err as Error)?.message });
      }
    }
    return { ...view, context: { ...view.context, commit: served, ...(upstream ? { upstreamCommit: commit } : {}) } };
  }

  /** The view of a row with its upstream commit id in `context.commit`; `#shown` makes it fit its reader. */
  #view(row: RequestRow, approvals: ApprovalRow[]): RequestView {
    return {
      id: row.id,
      status: row.status,
      token: row.token,
      requester: row.requester,
      reason: row.reason,
      createdAt: row.created_at,
      expiresAt: row.grant_expires_at ?? row.expires_at,
      requestExpiresAt: row.expires_at,
      grantExpiresAt: row.grant_expires_at,
      requiredApprovals: row.required_approvals,
      approvals: approvals.map((a) => ({ approver: a.approver, comment: a.comment, at: a.at })),
      denial: row.denied_by === null ? null : { approver: row.denied_by, comment: row.deny_comment, at: row.ended_at ?? row.created_at },
      revealedAt: row.revealed_at,
      context: {
        type: row.token_type,
        repo: row.repo,
        path: row.path,
        commit: row.commit_id,
        rule: row.rule_id,
        occurrences: row.occurrences,
        maskedPreview: maskedPreview(row.token_type),
      },
    };
  }

  /** Hands committed events to the listener (request-input.ts emitEach). */
  #emit(events: DetokenizeEvent[]): void {
    emitEach(this.#listener, events, this.#log);
  }
}
