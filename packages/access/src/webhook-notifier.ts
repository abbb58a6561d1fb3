/**
 * Delivers detokenize and push approval events to a webhook (signed-delivery.ts: signed like GitHub's webhooks, retried
 * with exponential back-off). The webhook URL may itself be a credential, so errors name only its origin.
 */
import { AccessError, codes } from './access-error.js';
import type { DetokenizeEvent } from './detokenize-event.js';
import type { PushApprovalEvent } from './push-approval-event.js';
import { SignedDelivery, type SignedDeliveryOptions } from './signed-delivery.js';

/** Options of `WebhookNotifier` (those of one signed delivery). */
export type WebhookOptions = Omit<SignedDeliveryOptions, 'label'>;

/** Posts events to one webhook. */
export class WebhookNotifier {
  readonly #delivery: SignedDelivery;

  /** Checks the options; throws TypeError on a non-http(s) URL, an empty secret or bad numbers. */
  constructor(opts: WebhookOptions) {
    this.#delivery = new SignedDelivery({ ...opts, label: 'webhook' });
  }

  /**
   * POSTs `event` as JSON, signed. Resolves on a 2xx answer. Retries network errors, time-outs, 429
   * and 5xx up to maxAttempts, waiting baseDelayMs × 2^(attempt−1) between attempts; any other status
   * is final. Throws AccessError GITGATE_WEBHOOK_FAILED (`data.attempts`, `data.status`) when delivery fails.
   */
  async notify(event: DetokenizeEvent | PushApprovalEvent): Promise<void> {
    const type = String(event?.type ?? '');
    const outcome = await this.#delivery.deliver(type, JSON.stringify(event), { type });
    if (outcome.delivered) return;
    const origin = this.#delivery.origin;
    throw new AccessError(codes.webhookFailed, `webhook delivery to ${origin} failed${outcome.status === null ? '' : ` (HTTP ${outcome.status})`}`, {
      cause: outcome.error,
      data: { origin, status: outcome.status, attempts: outcome.attempts },
    });
  }
}
