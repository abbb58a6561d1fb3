/**
 * Periodic audit anchors (docs/audit.md, "Anchors"): every interval the audit chain head
 * `{ seq, hash, at }` is POSTed as JSON to a webhook outside the host, signed like the detokenize
 * webhook (`X-Gitgate-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, @gitgate/access). A later
 * `gitgate audit verify --anchor` against what the sink received shows a cut-off tail or a rewrite.
 * It only reads the head, on its own timer: a slow or failing sink never holds up the audit writer.
 * The URL may itself be a credential, so logs name only its origin.
 */
import { SignedDelivery } from '@gitgate/access';
import type { ChainHead } from '@gitgate/audit';
import type { Logger } from '@gitgate/log';

/** Options of `AnchorPublisher`. */
export interface AnchorPublisherOptions {
  /** http(s) URL the anchors are POSTed to. */
  url: string;
  /** Key of the HMAC signature; never sent or logged. */
  secret: string;
  /** Time between anchors. */
  intervalMs: number;
  /** Reads the current chain head (AuditLog.head). */
  head: () => Promise<ChainHead>;
  /** Attempts per anchor, the first included (default 5); the next interval posts the newer head anyway. */
  maxAttempts?: number;
  /** Wait before the second attempt; doubled before each later one (default 1000). */
  baseDelayMs?: number;
  /** Time limit of one attempt (default 10000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
}

/** The JSON body of one anchor delivery. */
export interface AnchorEvent extends ChainHead {
  type: 'audit-anchor';
  /** When this delivery was made (ISO 8601). */
  sentAt: string;
}

/** Posts the audit chain head to a webhook on a timer. */
export class AnchorPublisher {
  readonly #delivery: SignedDelivery;
  readonly #intervalMs: number;
  readonly #head: () => Promise<ChainHead>;
  readonly #log: Logger | undefined;
  readonly #stopped = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<boolean> | undefined;

  /** Checks the options; throws TypeError on a non-http(s) URL, an empty secret or bad numbers. */
  constructor(opts: AnchorPublisherOptions) {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('anchor publisher options must be an object');
    if (typeof opts.head !== 'function') throw new TypeError('head must be a function');
    if (!Number.isSafeInteger(opts.intervalMs) || opts.intervalMs < 1) throw new TypeError('intervalMs must be an integer ≥ 1');
    this.#delivery = new SignedDelivery({
      url: opts.url, secret: opts.secret, maxAttempts: opts.maxAttempts, baseDelayMs: opts.baseDelayMs ?? 1000,
      timeoutMs: opts.timeoutMs, fetch: opts.fetch, logger: opts.logger, label: 'audit anchor',
    });
    this.#intervalMs = opts.intervalMs;
    this.#head = opts.head;
    this.#log = opts.logger;
  }

  /** Posts an anchor now and then every interval. A tick while a delivery is still retrying is skipped. */
  start(): void {
    if (this.#timer || this.#stopped.signal.aborted) return;
    const tick = (): void => {
      if (!this.#inFlight) void this.publish();
    };
    this.#timer = setInterval(tick, this.#intervalMs);
    this.#timer.unref();
    tick();
  }

  /**
   * Posts the current head, retrying network errors, time-outs, 429 and 5xx with exponential back-off.
   * Resolves true once delivered, false when it gave up (logged) or was stopped; never rejects.
   */
  publish(): Promise<boolean> {
    const run = this.#deliver().finally(() => {
      if (this.#inFlight === run) this.#inFlight = undefined;
    });
    this.#inFlight = run;
    return run;
  }

  /** Stops the timer and any retry in progress; resolves once no delivery is running. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopped.abort();
    await this.#inFlight;
  }

  async #deliver(): Promise<boolean> {
    let head: ChainHead;
    try {
      head = await this.#head();
    } catch (err) {
      this.#log?.error('audit anchor not read', { error: (err as Error)?.message });
      return false;
    }
    const event: AnchorEvent = { type: 'audit-anchor', seq: head.seq, hash: head.hash, at: head.at, sentAt: new Date().toISOString() };
    const outcome = await this.#delivery.deliver('audit-anchor', JSON.stringify(event), { seq: head.seq }, this.#stopped.signal);
    return outcome.delivered;
  }
}
