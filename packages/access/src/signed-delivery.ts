/**
 * One signed webhook POST with retries, shared by the detokenize webhook and the audit anchors: a JSON
 * body signed like GitHub's webhooks (`X-Gitgate-Signature: sha256=<hex HMAC-SHA256(secret, body)>`),
 * one delivery id for every attempt, retried with exponential back-off on network errors, time-outs,
 * 429 and 5xx. The URL may itself be a credential (chat webhooks are), so logs name only its origin.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { noopLogger, type Logger } from '@gitgate/log';
import { failureOf } from './delivery-failure.js';

/** Options of a `SignedDelivery`. */
export interface SignedDeliveryOptions {
  /** http(s) URL the bodies are POSTed to. */
  url: string;
  /** Key of the HMAC signature; never sent or logged. */
  secret: string;
  /** Attempts per body, the first included (default 5). */
  maxAttempts?: number;
  /** Wait before the second attempt; doubled before each later one (default 500). */
  baseDelayMs?: number;
  /** Time limit of one attempt (default 10000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  /** How to wait between attempts (default setTimeout, cut short by the delivery's signal); tests inject a recorder. */
  sleep?: (ms: number) => Promise<void>;
  /** What the log lines call it ('webhook', 'audit anchor'). */
  label?: string;
}

/** How one delivery ended. */
export interface DeliveryOutcome {
  delivered: boolean;
  /** The last HTTP status (null: no answer). */
  status: number | null;
  attempts: number;
  /** The last network error, when there was no answer. */
  error?: unknown;
  /** Stopped by the caller's signal before it was delivered. */
  stopped: boolean;
}

/** How one POST went. */
export interface AttemptResult {
  delivered: boolean;
  /** The HTTP status (null: no answer). */
  status: number | null;
  /** The network error, when there was no answer. */
  error?: unknown;
  /** What went wrong, for logs: 'ECONNREFUSED', 'ETIMEDOUT', 'HTTP 500' (null when delivered). */
  failure: string | null;
  /** Whether trying again may help: no answer, 429 or 5xx. */
  retryable: boolean;
}

/** Name of the signature header. */
export const SIGNATURE_HEADER = 'X-Gitgate-Signature';

/** `sha256=<hex>` of `body` under `secret`, the value of the signature header. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Waits `ms`; false when `signal` fires first. */
function waitUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', done);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Posts signed JSON bodies to one webhook. */
export class SignedDelivery {
  readonly url: string;
  readonly origin: string;
  readonly #secret: string;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #log: Logger;
  readonly #sleep: ((ms: number) => Promise<void>) | undefined;
  readonly #label: string;

  /** Checks the options; throws TypeError on a non-http(s) URL, an empty secret or bad numbers (named after `label`). */
  constructor(opts: SignedDeliveryOptions) {
    const label = opts?.label ?? 'webhook';
    if (typeof opts !== 'object' || opts === null) throw new TypeError(`${label} options must be an object`);
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new TypeError(`${label} url must be an absolute http(s) URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${label} url must be an absolute http(s) URL`);
    if (typeof opts.secret !== 'string' || opts.secret === '') throw new TypeError(`${label} secret must be a non-empty string`);
    this.url = url.href;
    this.origin = url.origin;
    this.#secret = opts.secret;
    this.#maxAttempts = positiveInt(opts.maxAttempts, 5, 1, 'maxAttempts');
    this.#baseDelayMs = positiveInt(opts.baseDelayMs, 500, 0, 'baseDelayMs');
    this.#timeoutMs = positiveInt(opts.timeoutMs, 10_000, 1, 'timeoutMs');
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#log = opts.logger ?? noopLogger;
    this.#sleep = opts.sleep;
    this.#label = label;
  }

  /**
   * POSTs `body` (JSON text) with the event type `type`; `meta` goes into the log lines. Never throws:
   * the outcome says whether a 2xx answer came, and `signal` stops retrying (and the attempt in flight).
   */
  async deliver(type: string, body: string, meta: Record<string, unknown> = {}, signal?: AbortSignal): Promise<DeliveryOutcome> {
    // The same id on every attempt lets the receiver drop duplicates of a retried delivery.
    const deliveryId = randomUUID();
    const log = { origin: this.origin, ...meta };
    const outcome: DeliveryOutcome = { delivered: false, status: null, attempts: 0, stopped: false };
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      if (attempt > 1 && !(await this.#wait(this.#baseDelayMs * 2 ** (attempt - 2), signal))) return { ...outcome, stopped: true };
      if (signal?.aborted) return { ...outcome, stopped: true };
      outcome.attempts = attempt;
      const r = await this.attempt(type, body, deliveryId, signal);
      if (signal?.aborted && !r.delivered) return { ...outcome, stopped: true };
      outcome.status = r.status;
      outcome.error = r.error;
      if (r.delivered) {
        this.#log.debug(`${this.#label} delivered`, { ...log, attempt });
        return { ...outcome, delivered: true };
      }
      if (!r.retryable) break;
      this.#log.warn(`${this.#label} attempt failed`, { ...log, attempt, error: r.failure });
    }
    this.#log.error(`${this.#label} delivery failed`, { ...log, status: outcome.status, attempts: outcome.attempts, error: failureOf(outcome.error, outcome.status) });
    return outcome;
  }

  /**
   * One signed POST of `body`, no retry, with `deliveryId` in X-Gitgate-Delivery (the same on every
   * attempt of one delivery, so the receiver can drop duplicates). Never throws.
   */
  async attempt(type: string, body: string, deliveryId: string, signal?: AbortSignal): Promise<AttemptResult> {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'gitgate-webhook',
      [SIGNATURE_HEADER.toLowerCase()]: signBody(this.#secret, body),
      'x-gitgate-delivery': deliveryId,
      'x-gitgate-event': type,
    };
    try {
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      const res = await this.#fetch(this.url, { method: 'POST', headers, body, redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      // The body is not needed; reading it releases the connection.
      await res.arrayBuffer().catch(() => undefined);
      const delivered = res.status >= 200 && res.status < 300;
      const retryable = !delivered && (res.status >= 500 || res.status === 429);
      return { delivered, status: res.status, failure: delivered ? null : failureOf(undefined, res.status), retryable };
    } catch (err) {
      return { delivered: false, status: null, error: err, failure: failureOf(err), retryable: true };
    }
  }

  #wait(ms: number, signal?: AbortSignal): Promise<boolean> {
    return this.#sleep ? this.#sleep(ms).then(() => !signal?.aborted) : waitUnlessAborted(ms, signal);
  }
}

function positiveInt(v: number | undefined, dflt: number, min: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < min) throw new TypeError(`${name} must be an integer ≥ ${min}`);
  return v;
}
