/** The webhook payload presets: the generic event JSON, a Slack Block Kit message, a Teams Adaptive Card. */
import { notificationLink, type WebhookNotification } from './webhook-notification.js';
import { slackPayload } from './slack-payload.js';
import { teamsPayload } from './teams-payload.js';

/** A payload preset. */
export type WebhookFormat = 'generic' | 'slack' | 'teams';

/** Every preset; 'generic' is the default. */
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = Object.freeze(['generic', 'slack', 'teams'] as WebhookFormat[]);

/**
 * The JSON text POSTed for `n` in `format`; chat formats link to `pageUrl#<requestId>` (or `n.link`).
 * Throws TypeError on an unknown format.
 */
export function webhookBody(format: WebhookFormat, n: WebhookNotification, pageUrl?: string): string {
  switch (format) {
    case 'generic': return JSON.stringify(n.body);
    case 'slack': return JSON.stringify(slackPayload(n, notificationLink(n, pageUrl)));
    case 'teams': return JSON.stringify(teamsPayload(n, notificationLink(n, pageUrl)));
    default: throw new TypeError(`webhook format must be one of ${WEBHOOK_FORMATS.join(', ')}`);
  }
}
