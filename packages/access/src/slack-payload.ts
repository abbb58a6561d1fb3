/**
 * A notification as a Slack incoming-webhook message (Block Kit, https://api.slack.com/block-kit):
 * a header, a section of fields, a context line, and a button to the request. Users' free text is
 * escaped (&, <, >) so a reason cannot mention @channel or forge a link, and cut to Slack's limits.
 */
import { notificationFacts, type WebhookNotification } from './webhook-notification.js';

/** Slack's limits: header text 150, field text 2000, 10 fields per section, button text 75. */
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const FIELDS_MAX = 10;

/** Slack's mrkdwn escaping of the three control characters. */
function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Facts shown as inline code, so underscores and asterisks in names are not read as formatting. */
const CODE = new Set(['Repository', 'Path', 'Token']);

/** A fact's value as mrkdwn: escaped, in backticks for names (unless it holds one, which cannot be escaped). */
function fieldValue(label: string, value: string): string {
  const v = escapeMrkdwn(value);
  return CODE.has(label) && !value.includes('`') ? `\`${v}\`` : v;
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The Slack message of `n`, linking to `link` when given. */
export function slackPayload(n: WebhookNotification, link: string | undefined): Record<string, unknown> {
  const facts = notificationFacts(n).slice(0, FIELDS_MAX);
  const where = [n.repo, n.path].filter((v) => v).join(':');
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(n.title, HEADER_MAX), emoji: false } },
    {
      type: 'section',
      fields: facts.map(([label, value]) => ({ type: 'mrkdwn', text: cut(`*${label}*\n${fieldValue(label, value)}`, FIELD_MAX) })),
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`${n.kind} · ${n.at}`) }] },
  ];
  if (link) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open request' }, url: link, action_id: 'gitgate-open-request' }] });
  }
  // `text` is what notifications and clients without blocks show.
  return { text: escapeMrkdwn(cut(where ? `${n.title}: ${where}` : n.title, FIELD_MAX)), blocks };
}
