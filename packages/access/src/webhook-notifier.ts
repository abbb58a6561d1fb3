/**
 * Delivers notifications to a webhook (signed-delivery.ts: signed like GitHub's webhooks) in one of
 * the payload presets (webhook-format.ts): the generic event JSON, Slack Block Kit or a Teams card.
 * Chat webhooks ignore the signature header; it is sent all the same. The webhook URL may itself be
 * a credential, so errors name only its origin.
 */
import { AccessError, codes } from './access-error.js';
import type { DetokenizeEvent } from './detokenize-event.js';
import { detokenizeNotification } from './detokenize-notification.js';
import { SignedDelivery, type AttemptResult, type SignedDeliveryOptions } from './signed-delivery.js';
import { WEBHOOK_FORMATS, webhookBody, type WebhookFormat } from './webhook-format.js';
import type { WebhookNotification } from './webhook-notification.js';

/** Options of `WebhookNotifier`: those of one signed delivery, plus the payload preset. */
export interface WebhookOptions extends Omit<SignedDeliveryOptions, 'label'> {
  /** Payload preset (default 'generic': the event as JSON, as before presets existed). */
  format?: WebhookFormat;
  /** The approvals page the chat formats link to, as `<pageUrl>#<requestId>`. */
  pageUrl?: string;
}

/** A detokenize event or a prepared notification. */
function asNotification(e: DetokenizeEvent | WebhookNotification): WebhookNotification {
  return 'kind' in e && 'body' in e ? e : detokenizeNotification(e as DetokenizeEvent);
}

/** Posts notifications to one webhook. */
export class WebhookNotifier {
  readonly #delivery: SignedDelivery;
  readonly #format: WebhookFormat;
  readonly #pageUrl: string | undefined;

  /** Checks the options; throws TypeError on a non-http(s) URL or page URL, an empty secret, an unknown format or bad numbers. */
  constructor(opts: WebhookOptions) {
    this.#delivery = new SignedDelivery({ ...opts, label: 'webhook' });
    const format = opts.format ?? 'generic';
    if (!WEBHOOK_FORMATS.includes(format)) throw new TypeError(`webhook format must be one of ${WEBHOOK_FORMATS.join(', ')}`);
    if (opts.pageUrl !== undefined && !/^https?:\/\/\S+$/.test(opts.pageUrl)) throw new TypeError('webhook pageUrl must be an absolute http(s) URL');
    this.#format = format;
    this.#pageUrl = opts.pageUrl;
  }

  /** The webhook's origin (what logs may name). */
  get origin(): string {
    return this.#delivery.origin;
  }

  /** The JSON text posted for `e` in this notifier's format. */
  body(e: DetokenizeEvent | WebhookNotification): string {
    return webhookBody(this.#format, asNotification(e), this.#pageUrl);
  }

  /**
   * POSTs `e` in the notifier's format, signed. Resolves on a 2xx answer. Retries network errors,
   * time-outs, 429 and 5xx up to maxAttempts, waiting baseDelayMs × 2^(attempt−1) between attempts; any
   * other status is final. Throws AccessError GITGATE_WEBHOOK_FAILED (`data.attempts`, `data.status`) when delivery fails.
   */
  async notify(e: DetokenizeEvent | WebhookNotification): Promise<void> {
    const n = asNotification(e);
    const outcome = await this.#delivery.deliver(n.kind, this.body(n), { type: n.kind });
    if (outcome.delivered) return;
    const origin = this.#delivery.origin;
    throw new AccessError(codes.webhookFailed, `webhook delivery to ${origin} failed${outcome.status === null ? '' : ` (HTTP ${outcome.status})`}`, {
      cause: outcome.error,
      data: { origin, status: outcome.status, attempts: outcome.attempts },
    });
  }

  /** One signed POST of `n` under `deliveryId`, no retry (what WebhookQueue calls). Never throws. */
  attempt(n: WebhookNotification, deliveryId: string, signal?: AbortSignal): Promise<AttemptResult> {
    return this.#delivery.attempt(n.kind, this.body(n), deliveryId, signal);
  }
}
