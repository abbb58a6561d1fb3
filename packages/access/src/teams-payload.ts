/**
 * A notification as a Microsoft Teams incoming-webhook message: one Adaptive Card
 * (https://adaptivecards.io, schema 1.4) with a title, one line per fact and an Open URL action. Teams
 * workflow webhooks and the older connectors both accept this message shape. Facts are TextRuns of a
 * RichTextBlock, which Teams shows as plain text: a FactSet value is read as Markdown, where
 * underscores in a token vanish into italics and a reason could show a disguised link, and Teams'
 * clients disagree on backslash escapes (microsoft/AdaptiveCards#5590, #5758).
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
      ...notificationFacts(n).map(([label, value]) => ({
        type: 'RichTextBlock',
        inlines: [{ type: 'TextRun', text: `${label}: `, weight: 'Bolder' }, { type: 'TextRun', text: value }],
      })),
      { type: 'TextBlock', text: `${n.kind} · ${n.at}`, isSubtle: true, size: 'Small', wrap: true },
    ],
  };
  if (link) card.actions = [{ type: 'Action.OpenUrl', title: 'Open request', url: link }];
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}
