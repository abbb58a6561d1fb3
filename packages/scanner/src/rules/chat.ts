/**
 * Chat and support tools: Discord bot tokens, webhooks and client secrets, Microsoft Teams
 * incoming webhooks, Telegram bot tokens (Bot API docs), and Intercom, Zendesk, PagerDuty and
 * Opsgenie API keys under their names.
 */
import type { Rule } from '../rule.js';
import { namedRule, tokenPlaceholders, UUID } from './define.js';

/** A Telegram bot token's structure: a bot id of 5–16 digits, `:A`, then 34 secret chars. */
const TELEGRAM_TOKEN = '[0-9]{5,16}:A[A-Za-z0-9_-]{34}';

/**
 * A value in Telegram's structure (`<digits>:A<chars>`) that breaks its counts: a bot id of 4 or 17
 * digits, words before or after the 34 chars. No Bot API issues such a value, so it authenticates
 * nowhere: it is a made-up example of the format, which the Telegram rules rightly reject and the
 * generic rules leave to them (see `genericRulesDeferringTo`). A value of the exact structure is
 * the Telegram rules' finding, with or without a Telegram name.
 */
export const telegramNearMiss = new RegExp(`^(?!${TELEGRAM_TOKEN}$)[0-9]{1,24}:A[A-Za-z0-9_-]{1,80}$`);

/** The chat family. */
export const chatRules: readonly Rule[] = [
  {
    id: 'discord-webhook',
    type: 'discord-webhook',
    description: 'Discord webhook URL (id and token)',
    keywords: ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    pattern: /discord(?:app)?\.com\/api\/webhooks\/(?<secret>[0-9]{17,20}\/[A-Za-z0-9_-]{60,68})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    allow: tokenPlaceholders,
    confidence: 'high',
    reach: 130,
    reachBack: 20,
  },
  {
    // A bot token is base64(user id) . base64(timestamp) . HMAC; the id's base64 starts with M, N or O.
    // The shape alone is common in minified code, so the rule runs only where Discord is named.
    id: 'discord-bot-token',
    type: 'discord-bot-token',
    description: 'Discord bot token in content that mentions Discord',
    keywords: ['discord'],
    pattern: /(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_.-])/,
    minEntropy: 4.0,
    allow: tokenPlaceholders,
    confidence: 'high',
  },
  namedRule({
    id: 'discord-client-secret',
    description: 'Discord OAuth client secret under a Discord name',
    names: 'discord',
    keywords: ['discord'],
    value: '[A-Za-z0-9_-]{32}',
    valueMax: 32,
    boundary: 'A-Za-z0-9_-',
  }),
  {
    id: 'teams-webhook',
    type: 'teams-webhook',
    description: 'Microsoft Teams incoming webhook URL',
    keywords: ['webhook.office.com/webhookb2/'],
    pattern: new RegExp(
      String.raw`\.webhook\.office\.com/webhookb2/(?<secret>${UUID}@${UUID}/IncomingWebhook/[A-Za-z0-9]{32}/${UUID}(?:/[A-Za-z0-9_-]{20,80})?)(?![A-Za-z0-9_/-])`,
    ),
    minEntropy: 3.0,
    allow: tokenPlaceholders,
    confidence: 'high',
    reach: 260,
    reachBack: 60,
  },
  {
    id: 'telegram-bot-token',
    type: 'telegram-bot-token',
    description: 'Telegram bot token',
    keywords: [':aa'],
    pattern: /(?<![A-Za-z0-9_:-])[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    allow: tokenPlaceholders,
    confidence: 'high',
    reach: 56,
  },
  namedRule({
    id: 'telegram-bot-token-named',
    type: 'telegram-bot-token',
    description: 'Telegram bot token of any id length and secret start, under a Telegram name',
    names: 'telegram',
    keywords: ['telegram'],
    value: TELEGRAM_TOKEN,
    valueMax: 52,
    boundary: 'A-Za-z0-9_-',
  }),
  namedRule({
    id: 'intercom-access-token',
    description: 'Intercom access token under an Intercom name',
    names: 'intercom',
    keywords: ['intercom'],
    value: '[A-Za-z0-9=_-]{60}',
    valueMax: 60,
    boundary: 'A-Za-z0-9=_-',
  }),
  namedRule({
    id: 'zendesk-api-token',
    description: 'Zendesk API token under a Zendesk name',
    names: 'zendesk',
    keywords: ['zendesk'],
    value: '[A-Za-z0-9]{40}',
    valueMax: 40,
  }),
  namedRule({
    id: 'pagerduty-api-key',
    description: 'PagerDuty API key under a PagerDuty name',
    names: 'pager[_-]?duty',
    keywords: ['pagerduty', 'pager_duty', 'pager-duty'],
    value: '[A-Za-z0-9_+-]{20}',
    valueMax: 20,
    boundary: 'A-Za-z0-9_+-',
  }),
  namedRule({
    id: 'opsgenie-api-key',
    description: 'Opsgenie API key (UUID) under an Opsgenie name',
    names: 'opsgenie|genie[_-]?key',
    keywords: ['opsgenie', 'genie_key', 'genie-key', 'geniekey'],
    value: UUID,
    valueMax: 36,
    boundary: 'A-Za-z0-9_-',
  }),
];
