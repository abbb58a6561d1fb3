/**
 * Delivers detokenize events to a webhook: a JSON POST signed like GitHub's webhooks,
 * `X-Gitgate-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, retried with exponential backoff on
 * network errors, time-outs, 429 and 5xx. The webhook URL may itself be a credential (chat webhooks
 * are), so logs and errors name only its origin.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { AccessError, codes } from './access-error.js';
import type { DetokenizeEvent } from './detokenize-event.js';
import { noopLogger, type Logger } from '@gitgate/log';

/** Options of `WebhookNotifier`. */
export interface WebhookOptions {
  /** http(s) URL the events are POSTed to. */
  url: string;
  /** Key of the HMAC signature; never sent. */
  secret: string;
  /** Attempts per event, the first included (default 5). */
  maxAttempts?: number;
  /** Wait before the second attempt; doubled before each later one (default 500). */
  baseDelayMs?: number;
  /** Time limit of one attempt (default 10000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  /** How to wait between attempts (default setTimeout); tests inject a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

/** Name of the signature header. */
export const SIGNATURE_HEADER = 'X-Gitgate-Signature';

/** `sha256=<hex>` of `body` under `secret`, the value of the signature header. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function retryable(status: number): boolean {
  return status >= 500 || status === 429;
}

/** Posts events to one webhook. */
export class WebhookNotifier {
  readonly #url: string;
  readonly #origin: string;
  readonly #secret: string;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #log: Logger;
  readonly #sleep: (ms: number) => Promise<void>;

  /** Checks the options; throws TypeError on a non-http(s) URL, an empty secret or bad numbers. */
  constructor(opts: WebhookOptions) {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('webhook options must be an object');
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new TypeError('webhook url must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('webhook url must be an absolute http(s) URL');
    if (typeof opts.secret !== 'string' || opts.secret === '') throw new TypeError('webhook secret must be a non-empty string');
    const int = (v: number | undefined, dflt: number, min: number, name: string): number => {
      if (v === undefined) return dflt;
      if (!Number.isSafeInteger(v) || v < min) throw new TypeError(`${name} must be an integer ≥ ${min}`);
      return v;
    };
    this.#url = url.href;
    this.#origin = url.origin;
    this.#secret = opts.secret;
    this.#maxAttempts = int(opts.maxAttempts, 5, 1, 'maxAttempts');
    this.#baseDelayMs = int(opts.baseDelayMs, 500, 0, 'baseDelayMs');
    this.#timeoutMs = int(opts.timeoutMs, 10_000, 1, 'timeoutMs');
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#log = opts.logger ?? noopLogger;
    this.#sleep = opts.sleep ?? defaultSleep;
  }

  /**
   * POSTs `event` as JSON, signed. Resolves on a 2xx answer. Retries network errors, time-outs, 429
   * and 5xx up to maxAttempts, waiting baseDelayMs × 2^(attempt−1) between attempts; any other status
   * is final. Throws AccessError GITGATE_WEBHOOK_FAILED (`data.attempts`, `data.status`) when delivery fails.
   */
  async notify(event: DetokenizeEvent): Promise<void> {
    const body = JSON.stringify(event);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'gitgate-webhook',
      [SIGNATURE_HEADER.toLowerCase()]: signBody(this.#secret, body),
      // The same id on every attempt lets the receiver drop duplicates of a retried delivery.
      'x-gitgate-delivery': randomUUID(),
      'x-gitgate-event': String(event?.type ?? ''),
    };
    let lastStatus: number | null = null;
    let lastError: unknown;
    let attempts = 0;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      attempts = attempt;
      if (attempt > 1) await this.#sleep(this.#baseDelayMs * 2 ** (attempt - 2));
      try {
        const res = await this.#fetch(this.#url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.#timeoutMs) });
        // The body is not needed; reading it releases the connection.
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) {
          this.#log.debug('webhook delivered', { origin: this.#origin, type: event.type, attempt });
          return;
        }
        lastStatus = res.status;
        lastError = undefined;
        if (!retryable(res.status)) break;
        this.#log.warn('webhook attempt failed', { origin: this.#origin, type: event.type, attempt, status: res.status });
      } catch (err) {
        lastStatus = null;
        lastError = err;
        this.#log.warn('webhook attempt failed', { origin: this.#origin, type: event.type, attempt, error: (err as Error)?.name });
      }
    }
    this.#log.error('webhook delivery failed', { origin: this.#origin, type: event.type, status: lastStatus, attempts });
    throw new AccessError(codes.webhookFailed, `webhook delivery to ${this.#origin} failed${lastStatus === null ? '' : ` (HTTP ${lastStatus})`}`, {
      cause: lastError,
      data: { origin: this.#origin, status: lastStatus, attempts },
    });
  }
}
