/**
 * The durable webhook queue: a notification is written to its store first, then delivered; a failed
 * attempt is retried with back-off (5 s, 15 s, 1 min, 5 min, 15 min, 30 min, then hourly) until the
 * next attempt would fall after its expiry (default 24 h after it was queued). Pending deliveries
 * survive a restart: `start` picks them up. Deliveries of one request go out in order, one at a time;
 * different requests' in parallel. Logs name the failure (ECONNREFUSED, HTTP 500), never the URL's
 * path, the secret or the signature. Several replicas may share one queue on PostgreSQL: each attempt
 * is claimed first by a conditional UPDATE, so one replica sends it and a crashed one's claim lapses.
 */
import { randomUUID } from 'node:crypto';
import { Database } from '@gitgate/db';
import { noopLogger, type Logger } from '@gitgate/log';
import type { AttemptResult } from './signed-delivery.js';
import type { WebhookNotification } from './webhook-notification.js';
import { WEBHOOK_QUEUE_STORE, webhookQueueMigrations } from './webhook-queue-schema.js';

/** One attempt at delivering `n` under delivery id `deliveryId` (WebhookNotifier.attempt); `signal` fires on close. */
export type SendAttempt = (n: WebhookNotification, deliveryId: string, signal: AbortSignal) => Promise<AttemptResult>;

/** A delivery the queue gave up on. */
export interface DroppedDelivery {
  id: string;
  kind: string;
  requestId: string | null;
  /** 'expired': still failing at its expiry; 'refused': the receiver answered 4xx (not 429). */
  reason: 'expired' | 'refused';
  attempts: number;
  /** The last failure ('ECONNREFUSED', 'HTTP 404'), null if never attempted. */
  error: string | null;
  /** When it was queued (ISO 8601). */
  queuedAt: string;
}

/** Options of `WebhookQueue.open`. */
export interface WebhookQueueOptions {
  /** SQLite file of the queue (created 0600), ':memory:', or a postgres:// URL shared by replicas. */
  dbPath: string;
  /** How long after it was queued a delivery is still tried (default 24 h). */
  retryForMs?: number;
  /** The wait after the `failures`-th failed attempt (default 5 s, 15 s, 1 min, 5 min, 15 min, 30 min, then 1 h). */
  backoffMs?: (failures: number) => number;
  /** The current time (default the system clock). */
  clock?: () => Date;
  logger?: Logger;
  /** Told of each delivery given up (after its log line), e.g. for the audit. Its errors are logged. */
  onDropped?: (d: DroppedDelivery) => void;
  /** How long a claimed attempt keeps other replicas off it before they may take it over (default 60 s). */
  claimMs?: number;
  /** Looks for other replicas' deliveries this often even when it queued none itself (default: never). */
  pollMs?: number;
}

interface Row {
  seq: number;
  id: string;
  order_key: string;
  kind: string;
  notification: string;
  created_at: number;
  expires_at: number;
  next_at: number;
  attempts: number;
  last_error: string | null;
}

const DEFAULT_BACKOFF_S = [5, 15, 60, 300, 900, 1800, 3600];
/** Deliveries attempted at once (each of a different request). */
const PARALLEL = 8;

/** The default back-off: 5 s, 15 s, 1 min, 5 min, 15 min, 30 min, then hourly. */
export function defaultWebhookBackoffMs(failures: number): number {
  return DEFAULT_BACKOFF_S[Math.min(Math.max(failures, 1), DEFAULT_BACKOFF_S.length) - 1]! * 1000;
}

/** A durable, ordered, retrying webhook queue. Create it with `WebhookQueue.open`, then `start` it. */
export class WebhookQueue {
  readonly #db: Database;
  readonly #retryForMs: number;
  readonly #backoffMs: (failures: number) => number;
  readonly #clock: () => Date;
  readonly #log: Logger;
  readonly #onDropped: ((d: DroppedDelivery) => void) | undefined;
  readonly #stop = new AbortController();
  readonly #claimMs: number;
  readonly #pollMs: number | undefined;
  #send: SendAttempt | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(db: Database, opts: WebhookQueueOptions) {
    this.#db = db;
    this.#retryForMs = opts.retryForMs ?? 24 * 3600e3;
    this.#backoffMs = opts.backoffMs ?? defaultWebhookBackoffMs;
    this.#clock = opts.clock ?? (() => new Date());
    this.#log = opts.logger ?? noopLogger;
    this.#onDropped = opts.onDropped;
    this.#claimMs = opts.claimMs ?? 60_000;
    this.#pollMs = opts.pollMs;
  }

  /** Opens (creating, migrating) the queue; delivers nothing until `start`. Throws TypeError on bad options, DbError when it cannot open. */
  static async open(opts: WebhookQueueOptions): Promise<WebhookQueue> {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
    if (typeof opts.dbPath !== 'string' || opts.dbPath === '') throw new TypeError('dbPath must be a non-empty string');
    for (const k of ['retryForMs', 'claimMs', 'pollMs'] as const) {
      if (opts[k] !== undefined && (!Number.isSafeInteger(opts[k]) || opts[k] < 1)) throw new TypeError(`${k} must be an integer ≥ 1`);
    }
    for (const k of ['backoffMs', 'clock', 'onDropped'] as const) {
      if (opts[k] !== undefined && typeof opts[k] !== 'function') throw new TypeError(`${k} must be a function`);
    }
    const db = await Database.open({ path: opts.dbPath, name: WEBHOOK_QUEUE_STORE, migrations: webhookQueueMigrations, synchronous: 'FULL', logger: opts.logger });
    return new WebhookQueue(db, opts);
  }

  /** Writes `n` durably and resolves with its delivery id; delivery follows (once started). Throws TypeError when closed. */
  async enqueue(n: WebhookNotification): Promise<string> {
    if (this.#closed) throw new TypeError('the webhook queue is closed');
    if (typeof n?.kind !== 'string' || n.kind === '') throw new TypeError('a notification needs a kind');
    const id = randomUUID();
    const now = this.#clock().getTime();
    await this.#db.run(
      'INSERT INTO webhook_deliveries (id, order_key, kind, notification, created_at, expires_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, n.requestId ?? id, n.kind, JSON.stringify(n), now, now + this.#retryForMs, now]);
    this.#kick();
    return id;
  }

  /** Starts delivering with `send`, beginning with what is pending from before. Starting twice is a no-op. */
  start(send: SendAttempt): void {
    if (this.#closed || this.#send) return;
    if (typeof send !== 'function') throw new TypeError('send must be a function');
    this.#send = send;
    this.#kick();
  }

  /** How many deliveries are not done yet. */
  async pending(): Promise<number> {
    return (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_deliveries'))!.n;
  }

  /** Stops (an attempt in flight is cut short and stays queued), waits, closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    clearTimeout(this.#timer);
    await this.#running;
    await this.#db.close();
  }

  /** Runs the queue now (or again right after the run in progress). */
  #kick(): void {
    if (!this.#send || this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#drain()
      .catch((err: unknown) => {
        // A store error (busy, full disk) or a failing sender: try again later rather than stall.
        this.#log.error('webhook queue failed', { code: (err as { code?: unknown })?.code ?? (err as Error)?.name });
        if (!this.#closed) this.#timer = setTimeout(() => this.#kick(), this.#backoffMs(1)).unref();
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again) this.#kick();
      });
  }

  /** Attempts every due head of line until none is due, then sets the timer for the next one. */
  async #drain(): Promise<void> {
    for (;;) {
      this.#again = false;
      if (this.#closed) return;
      // The head of line of each request: later deliveries of a request wait for it.
      const heads = await this.#db.all<Row>(
        'SELECT d.* FROM webhook_deliveries d JOIN (SELECT MIN(seq) AS seq FROM webhook_deliveries GROUP BY order_key) h ON h.seq = d.seq ORDER BY d.seq');
      const now = this.#clock().getTime();
      const due = heads.filter((h) => h.next_at <= now || h.expires_at <= now).slice(0, PARALLEL);
      if (due.length === 0) {
        this.#arm(heads, now);
        return;
      }
      await Promise.all(due.map((h) => this.#process(h, now)));
    }
  }

  #arm(heads: Row[], now: number): void {
    if (this.#closed || (heads.length === 0 && this.#pollMs === undefined)) return;
    const next = Math.min(now + (this.#pollMs ?? Infinity), ...heads.map((h) => Math.min(h.next_at, h.expires_at)));
    this.#timer = setTimeout(() => this.#kick(), Math.max(0, Math.min(next - now, 2 ** 31 - 1)));
    this.#timer.unref();
  }

  /** One attempt at `h`: delivered and deleted, or rescheduled, or given up. */
  async #process(h: Row, now: number): Promise<void> {
    const n = JSON.parse(h.notification) as WebhookNotification;
    const meta = { id: h.id, kind: h.kind, requestId: n.requestId };
    if (h.expires_at <= now) return this.#drop(h, 'expired', h.last_error);
    if (!(await this.#claim(h, now))) return;
    const attempt = h.attempts + 1;
    // A sender that throws, or an attempt cut short by close, leaves the delivery as it was (unclaimed).
    const r = await this.#send!(n, h.id, this.#stop.signal).catch(async (err: unknown) => {
      await this.#unclaim(h);
      throw err;
    });
    if (!r.delivered && this.#stop.signal.aborted) return this.#unclaim(h);
    if (r.delivered) {
      await this.#db.run('DELETE FROM webhook_deliveries WHERE seq = ?', [h.seq]);
      this.#log.info('webhook delivered', { ...meta, attempt });
      return;
    }
    if (!r.retryable) return this.#drop({ ...h, attempts: attempt }, 'refused', r.failure);
    const t = this.#clock().getTime();
    const next = t + Math.max(0, this.#backoffMs(attempt));
    if (next >= h.expires_at) {
      this.#log.warn('webhook delivery failed', { ...meta, attempt, error: r.failure, nextInSeconds: null });
      return this.#drop({ ...h, attempts: attempt }, 'expired', r.failure);
    }
    await this.#db.run('UPDATE webhook_deliveries SET attempts = ?, next_at = ?, last_error = ? WHERE seq = ?', [attempt, next, r.failure, h.seq]);
    this.#log.warn('webhook delivery failed', { ...meta, attempt, error: r.failure, nextInSeconds: Math.round((next - t) / 1000) });
  }

  /**
   * Claims the attempt at `h` as it was read: moves its next time past the attempt, only if no one
   * changed it since. `changes` says whether this replica won; the loser leaves it alone.
   */
  async #claim(h: Row, now: number): Promise<boolean> {
    const r = await this.#db.run('UPDATE webhook_deliveries SET next_at = ? WHERE seq = ? AND next_at = ? AND attempts = ?',
      [now + this.#claimMs, h.seq, h.next_at, h.attempts]);
    return r.changes === 1;
  }

  /** Gives the claim on `h` back: due again at the time it had, for this or another replica. */
  async #unclaim(h: Row): Promise<void> {
    await this.#db.run('UPDATE webhook_deliveries SET next_at = ? WHERE seq = ?', [h.next_at, h.seq]);
  }

  /** Deletes `h`, logs why, and tells `onDropped` (once: only the replica whose DELETE removed it). */
  async #drop(h: Row, reason: DroppedDelivery['reason'], error: string | null): Promise<void> {
    if ((await this.#db.run('DELETE FROM webhook_deliveries WHERE seq = ?', [h.seq])).changes !== 1) return;
    const d: DroppedDelivery = {
      id: h.id, kind: h.kind, requestId: h.order_key === h.id ? null : h.order_key, reason, attempts: h.attempts, error, queuedAt: new Date(h.created_at).toISOString(),
    };
    if (reason === 'expired') this.#log.warn('webhook delivery expired', { ...d });
    else this.#log.error('webhook delivery refused', { ...d });
    try {
      this.#onDropped?.(d);
    } catch (err) {
      this.#log.warn('webhook drop listener failed', { id: h.id, error: (err as Error)?.name });
    }
  }
}
