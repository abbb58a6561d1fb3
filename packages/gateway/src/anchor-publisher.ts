/**
 * Periodic audit anchors (docs/audit.md, "Anchors"): every interval the audit chain head
 * `{ seq, hash, at }` is POSTed as JSON to a webhook outside the host, signed like the detokenize
 * webhook (`X-Gitgate-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, @gitgate/access). A later
 * `gitgate audit verify --anchor` against what the sink received shows a cut-off tail or a rewrite.
 * It only reads the head, on its own timer: a slow or failing sink never holds up the audit writer.
 * The URL may itself be a credential, so logs name only its origin.
 */
import { randomUUID } from 'node:crypto';
import { SIGNATURE_HEADER, signBody } from '@gitgate/access';
import type { ChainHead } from '@gitgate/audit';
import { noopLogger, type Logger } from '@gitgate/log';

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
  readonly #url: string;
  readonly #origin: string;
  readonly #secret: string;
  readonly #intervalMs: number;
  readonly #head: () => Promise<ChainHead>;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #log: Logger;
  readonly #stopped = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<boolean> | undefined;

  /** Checks the options; throws TypeError on a non-http(s) URL, an empty secret or bad numbers. */
  constructor(opts: AnchorPublisherOptions) {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('anchor publisher options must be an object');
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new TypeError('anchor webhook url must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('anchor webhook url must be an absolute http(s) URL');
    if (typeof opts.secret !== 'string' || opts.secret === '') throw new TypeError('anchor webhook secret must be a non-empty string');
    if (typeof opts.head !== 'function') throw new TypeError('head must be a function');
    const int = (v: number | undefined, dflt: number, min: number, name: string): number => {
      if (v === undefined) return dflt;
      if (!Number.isSafeInteger(v) || v < min) throw new TypeError(`${name} must be an integer ≥ ${min}`);
      return v;
    };
    this.#url = url.href;
    this.#origin = url.origin;
    this.#secret = opts.secret;
    this.#intervalMs = int(opts.intervalMs, 0, 1, 'intervalMs');
    this.#head = opts.head;
    this.#maxAttempts = int(opts.maxAttempts, 5, 1, 'maxAttempts');
    this.#baseDelayMs = int(opts.baseDelayMs, 1000, 0, 'baseDelayMs');
    this.#timeoutMs = int(opts.timeoutMs, 10_000, 1, 'timeoutMs');
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#log = opts.logger ?? noopLogger;
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
      this.#log.error('audit anchor not read', { error: (err as Error)?.message });
      return false;
    }
    const event: AnchorEvent = { type: 'audit-anchor', seq: head.seq, hash: head.hash, at: head.at, sentAt: new Date().toISOString() };
    const body = JSON.stringify(event);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'gitgate-webhook',
      [SIGNATURE_HEADER.toLowerCase()]: signBody(this.#secret, body),
      // The same id on every attempt lets the sink drop duplicates of a retried delivery.
      'x-gitgate-delivery': randomUUID(),
      'x-gitgate-event': 'audit-anchor',
    };
    let status: number | null = null;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      if (attempt > 1 && !(await this.#wait(this.#baseDelayMs * 2 ** (attempt - 2)))) return false;
      if (this.#stopped.signal.aborted) return false;
      try {
        const signal = AbortSignal.any([this.#stopped.signal, AbortSignal.timeout(this.#timeoutMs)]);
        const res = await this.#fetch(this.#url, { method: 'POST', headers, body, redirect: 'manual', signal });
        await res.arrayBuffer().catch(() => undefined);
        status = res.status;
        if (status >= 200 && status < 300) {
          this.#log.debug('audit anchor delivered', { origin: this.#origin, seq: head.seq, attempt });
          return true;
        }
        if (status < 500 && status !== 429) break;
        this.#log.warn('audit anchor attempt failed', { origin: this.#origin, seq: head.seq, attempt, status });
      } catch (err) {
        if (this.#stopped.signal.aborted) return false;
        status = null;
        this.#log.warn('audit anchor attempt failed', { origin: this.#origin, seq: head.seq, attempt, error: (err as Error)?.name });
      }
    }
    this.#log.error('audit anchor delivery failed', { origin: this.#origin, seq: head.seq, status });
    return false;
  }

  /** Waits `ms`; false when stopped meanwhile. */
  #wait(ms: number): Promise<boolean> {
    const signal = this.#stopped.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        resolve(false);
      };
      const t = setTimeout(() => {
        signal.removeEventListener('abort', done);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
