/**
 * The single writer behind `AuditLog.record`: callers enqueue and return at once; batches of up to
 * `maxBatch` items go to `write` one at a time, in enqueue order, every `flushIntervalMs` (at once
 * when a batch is full or a durable item waits). A failed batch goes back to the front of the queue
 * and is retried with exponential back-off, so an item enqueued with `enqueue` is never dropped while
 * the writer runs. Durable items are the exception: their promise rejects and the caller decides.
 */
import { AuditError, codes } from './audit-error.js';
import type { Logger } from '@gitgate/log';

/** How a BatchWriter writes and paces. */
export interface BatchWriterOptions<T> {
  /** Writes one batch atomically; a rejection means none of it was written. */
  write: (items: T[]) => Promise<void>;
  flushIntervalMs: number;
  maxBatch: number;
  /** Longest wait between retries of a failing batch (default 5000). */
  maxBackoffMs?: number;
  logger: Logger;
}

interface Entry<T> {
  ticket: number;
  item: T;
  /** Durable entries are not retried when their batch fails: their caller is told and decides. */
  durable?: boolean;
  /** Present on the last entry of a durable group: settles once, when the group's batch commits or fails. */
  settle?: { resolve: () => void; reject: (err: unknown) => void };
  /** Entries of one durable group share this number; a batch never splits a group. */
  group?: number;
}

/** A FIFO queue drained by one writer. */
export class BatchWriter<T> {
  readonly #write: (items: T[]) => Promise<void>;
  readonly #interval: number;
  readonly #maxBatch: number;
  readonly #maxBackoff: number;
  readonly #log: Logger;
  #queue: Entry<T>[] = [];
  #inflight: Entry<T>[] = [];
  #nextTicket = 1;
  /** The running (or last) write; every write chains on it, so only one runs at a time. */
  #writing: Promise<void> = Promise.resolve();
  /** Cancels the armed wake-up (a timer, or an immediate for no delay); undefined when none is armed. */
  #timer: (() => void) | undefined;
  #timerDue = 0;
  #failures = 0;
  #nextGroup = 1;
  #stopped = false;

  constructor(opts: BatchWriterOptions<T>) {
    this.#write = opts.write;
    this.#interval = opts.flushIntervalMs;
    this.#maxBatch = opts.maxBatch;
    this.#maxBackoff = opts.maxBackoffMs ?? 5000;
    this.#log = opts.logger;
  }

  /** Items queued or being written. */
  get pending(): number {
    return this.#queue.length + this.#inflight.length;
  }

  /** Queues `item`; it is written with the next batch. */
  enqueue(item: T): void {
    this.#queue.push({ ticket: this.#nextTicket++, item });
    this.#schedule(this.#queue.length >= this.#maxBatch ? 0 : this.#interval);
  }

  /** Queues `item` for the very next batch; resolves once it is committed, rejects if its batch fails. */
  enqueueDurable(item: T): Promise<void> {
    return this.enqueueDurableAll([item]);
  }

  /**
   * Queues `items` for the very next batch, all in that one batch (it may exceed `maxBatch`), so they
   * commit together in one transaction; resolves once committed, rejects if the batch fails (none of
   * them is then written or retried). An empty list resolves at once.
   */
  enqueueDurableAll(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const group = this.#nextGroup++;
      items.forEach((item, i) => {
        const last = i === items.length - 1;
        this.#queue.push({ ticket: this.#nextTicket++, item, durable: true, group, ...(last ? { settle: { resolve, reject } } : {}) });
      });
      // A caller is waiting: try now even while backing off, and fail fast if the database still fails.
      this.#schedule(0, true);
    });
  }

  /** True while the last batch write failed and no later one has succeeded. */
  get failing(): boolean {
    return this.#failures > 0;
  }

  /**
   * Resolves once every item enqueued before the call is written (or, if durable, has failed).
   * Writes immediately, ignoring back-off; rejects with AuditError GITGATE_AUDIT_WRITE when a batch
   * fails, leaving the items queued for the background retry.
   */
  async flush(): Promise<void> {
    const target = this.#nextTicket - 1;
    while (this.#hasPendingThrough(target)) await this.#writeNext();
  }

  /**
   * Stops the timer and rejects every durable item still queued; returns how many items were dropped.
   * Call `flush` first: this is for giving up, at close.
   */
  abandon(reason: unknown): number {
    this.stop();
    const dropped = this.#queue;
    this.#queue = [];
    for (const e of dropped) e.settle?.reject(reason);
    return dropped.length;
  }

  /** Stops scheduling background writes (flush still works). */
  stop(): void {
    this.#stopped = true;
    this.#timer?.();
    this.#timer = undefined;
  }

  #hasPendingThrough(target: number): boolean {
    const inflight = this.#inflight[0]?.ticket ?? Infinity;
    const queued = this.#queue[0]?.ticket ?? Infinity;
    return Math.min(inflight, queued) <= target;
  }

  #writeNext(): Promise<void> {
    const run = this.#writing.then(() => this.#writeBatch());
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #writeBatch(): Promise<void> {
    if (this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    // A durable group commits in one transaction: take the rest of a group the cut fell into.
    const tail = batch[batch.length - 1].group;
    let more = 0;
    while (tail !== undefined && more < this.#queue.length && this.#queue[more].group === tail) more++;
    if (more > 0) batch.push(...this.#queue.splice(0, more));
    this.#inflight = batch;
    try {
      await this.#write(batch.map((e) => e.item));
    } catch (err) {
      this.#inflight = [];
      this.#failures++;
      const error = new AuditError(codes.write, 'audit rows could not be written', { cause: err, data: { rows: batch.length } });
      const retried = batch.filter((e) => !e.durable);
      for (const e of batch) e.settle?.reject(error);
      // Back to the front, so order (and therefore seq order) is kept.
      this.#queue.unshift(...retried);
      this.#log.error('audit batch write failed', {
        rows: batch.length,
        retrying: retried.length,
        failures: this.#failures,
        code: (err as { code?: unknown })?.code,
      });
      this.#schedule(this.#backoff());
      throw error;
    }
    this.#inflight = [];
    if (this.#failures > 0) this.#log.info('audit batch write recovered', { failures: this.#failures });
    this.#failures = 0;
    for (const e of batch) e.settle?.resolve();
    if (this.#queue.length > 0) {
      const durableWaiting = this.#queue.some((e) => e.durable);
      this.#schedule(durableWaiting || this.#queue.length >= this.#maxBatch ? 0 : this.#interval, durableWaiting);
    }
  }

  #backoff(): number {
    const base = Math.max(this.#interval, 100);
    return Math.min(this.#maxBackoff, base * 2 ** Math.min(this.#failures - 1, 20));
  }

  /**
   * Arms the timer to fire within `delayMs`, keeping an earlier deadline. While batches fail, waits at
   * least the back-off unless `urgent` (a durable caller is waiting).
   */
  #schedule(delayMs: number, urgent = false): void {
    if (this.#stopped) return;
    const delay = this.#failures > 0 && !urgent ? Math.max(delayMs, this.#backoff()) : delayMs;
    const due = Date.now() + delay;
    if (this.#timer !== undefined) {
      if (this.#timerDue <= due) return;
      this.#timer();
    }
    this.#timerDue = due;
    const fire = (): void => {
      this.#timer = undefined;
      // Failures are logged and rescheduled inside #writeBatch.
      this.#writeNext().catch(() => undefined);
    };
    // No delay means the next turn of the event loop: a timer waits at least 1 ms, and a durable caller
    // (a pack held for its audit row) would wait that long for nothing.
    if (delay <= 0) {
      const immediate = setImmediate(fire);
      this.#timer = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(fire, delay);
      this.#timer = () => clearTimeout(timer);
    }
  }
}
