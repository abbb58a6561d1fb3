/**
 * A notification as a Microsoft Teams incoming-webhook message: one Adaptive Card
 * (https://adaptivecards.io, schema 1.4) with a title, a fact set and an Open URL action. Teams
 * workflow webhooks and the older connectors both accept this message shape.
 */
import { notificationFacts, type WebhookNotification } from './webhook-notification.js';

/** The Teams message of `n`, linking to `link` when given. */
export function teamsPayload(n: WebhookNotification, link: string | undefined): Record<string, unknown> {
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: n.title, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'FactSet', facts: notificationFacts(n).map(([title, value]) => ({ title, value })) },
      { type: 'TextBlock', text: `${n.kind} · ${n.at}`, isSubtle: true, size: 'Small', wrap: true },
    ],
  };
  if (link) card.actions = [{ type: 'Action.OpenUrl', title: 'Open request', url: link }];
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}
