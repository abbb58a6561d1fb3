/**
 * The audit database (docs/audit.md): `record` queues an event and returns at once; one writer
 * appends queued events in batches, one transaction each, chaining every row to the previous one.
 * Queries read the typed views; `verify` walks the chain; `exportAndPurge` applies retention.
 */
import { Database } from '@gitgate/db';
import { AuditError, codes } from './audit-error.js';
import { isAuditKind, prepareEvent, type AuditEvent, type PendingRecord } from './audit-event.js';
import {
  findSession,
  queryView,
  views,
  type AdminRow,
  type AuditQuery,
  type AuthFailureRow,
  type DetokenizeRow,
  type ExposureRow,
  type PushRow,
  type SessionDetail,
  type SessionRow,
  type SyncRow,
} from './audit-query.js';
import { AUDIT_STORE, auditMigrations } from './audit-schema.js';
import { BatchWriter } from './batch-writer.js';
import { prepareChainForWriting } from './chain-keying.js';
import { verifyChain, type VerifyOptions, type VerifyResult } from './chain-verify.js';
import { readChainHead, type ChainHead } from './chain-head.js';
import { checkAuditKey, type ChainLink } from './hash-chain.js';
import { noopLogger, type Logger } from '@gitgate/log';
import { appendRecords, readHead } from './record-store.js';
import { exportAndPurge, type PurgeOptions, type PurgeResult } from './retention.js';
import { recordIncompleteSessions } from './session-recovery.js';

/** Options of `AuditLog.open`. */
export interface AuditLogOptions {
  /**
   * SQLite file (conventionally `audit.db` in the data dir; created mode 0600), ':memory:', or a
   * PostgreSQL URL that several replicas share (their appends are serialised into one chain).
   */
  path: string;
  logger?: Logger;
  /** Longest time a recorded event waits before its batch is written (default 50). */
  flushIntervalMs?: number;
  /** Most rows per batch transaction (default 500, at most 10000). */
  maxBatch?: number;
  /** Source of `at` timestamps (default: the system clock). */
  clock?: () => Date;
  /**
   * How long a write waits for another connection's lock before it fails (ms, default 5000): the bound
   * after which a durable record is given up and its request refused.
   */
  busyTimeoutMs?: number;
  /**
   * The audit key (32 bytes): rows are then chained with HMAC-SHA256 and can be verified only with
   * it. Without it rows are unkeyed, and a chain that is already keyed cannot be opened.
   */
  key?: Uint8Array;
  /**
   * How old a session-start without its session must be before open records it as incomplete (ms).
   * Default 0 on SQLite (one process per data dir: every such start is a crash's) and one hour on
   * PostgreSQL, where a younger start may be a fetch another replica is still serving.
   */
  sessionGraceMs?: number;
}

/** Default `sessionGraceMs` on PostgreSQL: longer than any fetch runs. */
const SHARED_SESSION_GRACE_MS = 3_600_000;

/** Attempts `close` makes to write what is still queued before it gives up. */
const CLOSE_ATTEMPTS = 3;
const MAX_BATCH_LIMIT = 10_000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The audit log of one gitgate process. The chain is computed from the last stored row inside each
 * write transaction (serialised per store, across replicas on PostgreSQL), so several writers on one
 * database still make one chain. Crash recovery on open leaves session-starts younger than
 * `sessionGraceMs` alone, since they may belong to another replica's running fetch.
 */
export class AuditLog {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #clock: () => Date;
  readonly #writer: BatchWriter<PendingRecord>;
  readonly #key: Uint8Array | undefined;
  /** The last row this process wrote or saw at open; a different head at the next write means rows were cut or added elsewhere. */
  #head: ChainLink;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(db: Database, head: ChainLink, opts: { logger: Logger; clock: () => Date; flushIntervalMs: number; maxBatch: number; key?: Uint8Array }) {
    this.#db = db;
    this.#key = opts.key;
    this.#head = head;
    this.#log = opts.logger;
    this.#clock = opts.clock;
    this.#writer = new BatchWriter<PendingRecord>({
      write: (rows) => this.#append(rows),
      flushIntervalMs: opts.flushIntervalMs,
      maxBatch: opts.maxBatch,
      logger: opts.logger,
    });
  }

  /**
   * Opens (creating, migrating; WAL, synchronous=FULL) the audit database, then records an
   * 'incomplete' session for every session-start left without its session by a crash. With a key, a
   * chain that ends unkeyed first gets the keyed marker row. Throws TypeError on bad options, DbError
   * when the database cannot be opened, AuditError GITGATE_AUDIT_KEY_REQUIRED when the chain is keyed
   * and no key is given, GITGATE_AUDIT_KEY_MISMATCH when the key does not verify its last row.
   */
  static async open(opts: AuditLogOptions): Promise<AuditLog> {
    if (opts === null || typeof opts !== 'object') throw new TypeError('options must be an object');
    if (typeof opts.path !== 'string' || opts.path === '') throw new TypeError('path must be a file path or ":memory:"');
    const flushIntervalMs = opts.flushIntervalMs ?? 50;
    if (!Number.isSafeInteger(flushIntervalMs) || flushIntervalMs < 0) throw new TypeError('flushIntervalMs must be a non-negative integer');
    const maxBatch = opts.maxBatch ?? 500;
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) throw new TypeError(`maxBatch must be an integer from 1 to ${MAX_BATCH_LIMIT}`);
    const clock = opts.clock ?? (() => new Date());
    if (typeof clock !== 'function') throw new TypeError('clock must be a function returning a Date');
    const logger = opts.logger ?? noopLogger;
    // Copied, so the caller may wipe its buffer.
    const key = opts.key === undefined ? undefined : (checkAuditKey(opts.key), Uint8Array.from(opts.key));
    if (opts.sessionGraceMs !== undefined && (!Number.isSafeInteger(opts.sessionGraceMs) || opts.sessionGraceMs < 0)) throw new TypeError('sessionGraceMs must be a non-negative integer');

    const db = await Database.open({ path: opts.path, name: AUDIT_STORE, migrations: auditMigrations, synchronous: 'FULL', busyTimeoutMs: opts.busyTimeoutMs, logger });
    try {
      await prepareChainForWriting(db, key, clock(), logger);
      const graceMs = opts.sessionGraceMs ?? (db.dialect === 'postgres' ? SHARED_SESSION_GRACE_MS : 0);
      await recordIncompleteSessions(db, clock(), logger, key, graceMs);
      const head = await readHead(db);
      return new AuditLog(db, { seq: head.seq, hash: head.hash }, { logger, clock, flushIntervalMs, maxBatch, key });
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Queues an event and returns immediately; it is written with the next batch (within
   * `flushIntervalMs`). Never throws: a malformed event (see `prepareEvent`) or one recorded after
   * `close` is dropped with an error log naming its kind only, and a failed write is logged and retried.
   */
  record(e: AuditEvent): void {
    let row: PendingRecord;
    try {
      if (this.#closed) throw new AuditError(codes.closed, 'the audit log is closed');
      row = prepareEvent(e, this.#clock());
    } catch (err) {
      this.#log.error('audit event dropped', { kind: isAuditKind(e?.kind) ? e.kind : 'unknown', reason: (err as Error).message });
      return;
    }
    this.#writer.enqueue(row);
  }

  /**
   * Queues an event for the next batch and resolves once its row is committed; for events that must
   * be on disk before the response (a reveal, a session start). Rejects with TypeError on a malformed
   * event, AuditError GITGATE_AUDIT_CLOSED after close, GITGATE_AUDIT_WRITE when its batch fails
   * (the row is then not written and not retried: the caller decides).
   */
  recordDurable(e: AuditEvent): Promise<void> {
    let row: PendingRecord;
    try {
      if (this.#closed) throw new AuditError(codes.closed, 'the audit log is closed');
      row = prepareEvent(e, this.#clock());
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#writer.enqueueDurable(row);
  }

  /**
   * Commits `events` together, in one transaction of the very next batch, and resolves once they are
   * on disk: what must be durable before the data it describes leaves (a fetch's session start and
   * exposures). Rejects with TypeError on a malformed event (nothing is queued), AuditError
   * GITGATE_AUDIT_CLOSED after close, GITGATE_AUDIT_WRITE when the batch fails (none of the events is
   * written or retried: the caller refuses its request).
   */
  recordAllDurable(events: readonly AuditEvent[]): Promise<void> {
    const rows: PendingRecord[] = [];
    try {
      if (this.#closed) throw new AuditError(codes.closed, 'the audit log is closed');
      const at = this.#clock();
      for (const e of events) rows.push(prepareEvent(e, at));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#writer.enqueueDurableAll(rows);
  }

  /** True while audit writes fail (the last batch failed and none has succeeded since). */
  get failing(): boolean {
    return this.#writer.failing;
  }

  /**
   * Resolves once every event recorded before the call is committed. Rejects with AuditError
   * GITGATE_AUDIT_WRITE when a batch fails (the events stay queued and are retried).
   */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Events queued or being written. */
  get pending(): number {
    return this.#writer.pending;
  }

  /**
   * Stops accepting events, writes what is queued and closes the database. If the queue still cannot
   * be written after a few attempts, drops it, closes anyway and rejects with AuditError
   * GITGATE_AUDIT_UNWRITTEN (the count is in `data.rows`). Closing twice returns the same promise.
   */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      this.#closing = this.#shutdown();
    }
    return this.#closing;
  }

  /** Sessions (git requests), newest first. `token` keeps sessions that exposed that token. */
  sessions(q: AuditQuery = {}): Promise<SessionRow[]> {
    return this.#query(() => queryView<SessionRow>(this.#db, views.sessions, q));
  }

  /** Exposures (token served in a session), newest first. */
  exposures(q: AuditQuery = {}): Promise<ExposureRow[]> {
    return this.#query(() => queryView<ExposureRow>(this.#db, views.exposures, q));
  }

  /** Syncs from upstream, newest first. Throws TypeError when filtered by token. */
  syncs(q: AuditQuery = {}): Promise<SyncRow[]> {
    return this.#query(() => queryView<SyncRow>(this.#db, views.syncs, q));
  }

  /** Pushed ref updates, newest first. `token` keeps the updates that restored that token. */
  pushes(q: AuditQuery = {}): Promise<PushRow[]> {
    return this.#query(() => queryView<PushRow>(this.#db, views.pushes, q));
  }

  /** Detokenize requests, approvals, denials, reveals, expiries and revocations, newest first. */
  detokenize(q: AuditQuery = {}): Promise<DetokenizeRow[]> {
    return this.#query(() => queryView<DetokenizeRow>(this.#db, views.detokenize, q));
  }

  /** Failed authentications, newest first. Throws TypeError when filtered by token. */
  authFailures(q: AuditQuery = {}): Promise<AuthFailureRow[]> {
    return this.#query(() => queryView<AuthFailureRow>(this.#db, views.authFailures, q));
  }

  /** Admin actions and purges, newest first. Throws TypeError when filtered by token. */
  adminActions(q: AuditQuery = {}): Promise<AdminRow[]> {
    return this.#query(() => queryView<AdminRow>(this.#db, views.adminActions, q));
  }

  /** One session with its start time and exposures, or undefined while it has no session record. */
  session(id: string): Promise<SessionDetail | undefined> {
    return this.#query(() => findSession(this.#db, id));
  }

  /**
   * Walks the whole chain and reports the first broken link: an edited row (hash-mismatch), deleted
   * rows (seq-gap or prev-hash-mismatch), an altered purge anchor (anchor-mismatch). Rows still
   * queued are not included; `flush` first to cover them. A cut-off tail is only visible against a
   * `head` kept elsewhere: pass such heads as `anchors` (truncated, rewritten). Keyed rows are checked
   * with this log's key unless `opts.key` is given.
   */
  verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
    return this.#query(() => verifyChain(this.#db, { key: this.#key, ...opts }));
  }

  /** The last stored row's seq, hash and time, to export as an external anchor. */
  head(): Promise<ChainHead> {
    return this.#query(() => readChainHead(this.#db));
  }

  /**
   * Exports every row recorded before `opts.before` to `opts.exportPath` as JSON lines (fsynced),
   * deletes them and records a `purge`, all in one transaction. See `exportAndPurge` in retention.ts
   * for what it throws.
   */
  exportAndPurge(opts: PurgeOptions): Promise<PurgeResult> {
    return this.#query(() => exportAndPurge(this.#db, opts, this.#clock, this.#log, (from, to) => this.#noteAppend(from, to), this.#key));
  }

  #query<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new AuditError(codes.closed, 'the audit log is closed'));
    return fn();
  }

  /** The batch writer's write: one transaction per batch. */
  async #append(rows: PendingRecord[]): Promise<void> {
    const { from, to } = await this.#db.transaction((tx) => appendRecords(tx, rows, this.#key));
    // After the commit: a rolled-back batch must not move the remembered head.
    this.#noteAppend(from, to);
  }

  #noteAppend(from: ChainLink, to: ChainLink): void {
    // On SQLite this is the only writer, so any other head means rows were written or cut off the end
    // elsewhere (a cut-off tail is otherwise invisible). On PostgreSQL other replicas move the head
    // forward all the time: only a head behind, or beside, the one last seen means a cut.
    const moved = this.#db.dialect === 'postgres'
      ? from.seq < this.#head.seq || (from.seq === this.#head.seq && from.hash !== this.#head.hash)
      : from.seq !== this.#head.seq || from.hash !== this.#head.hash;
    if (moved) {
      this.#log.error('audit chain head moved outside this writer', { expectedSeq: this.#head.seq, foundSeq: from.seq });
    }
    this.#head = to;
  }

  async #shutdown(): Promise<void> {
    let failure: unknown;
    for (let attempt = 1; attempt <= CLOSE_ATTEMPTS; attempt++) {
      try {
        await this.#writer.flush();
        failure = undefined;
        break;
      } catch (err) {
        failure = err;
        if (attempt < CLOSE_ATTEMPTS) await delay(100 * attempt);
      }
    }
    let dropped = 0;
    if (failure !== undefined) {
      const error = new AuditError(codes.unwritten, 'audit rows could not be written before close', { cause: failure });
      dropped = this.#writer.abandon(error);
    }
    this.#writer.stop();
    await this.#db.close();
    if (dropped > 0) {
      this.#log.error('audit rows lost at close', { rows: dropped });
      throw new AuditError(codes.unwritten, `${dropped} audit rows could not be written before close`, { cause: failure, data: { rows: dropped } });
    }
  }
}
