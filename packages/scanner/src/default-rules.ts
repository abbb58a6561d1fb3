/** The starter rule set, assembled from one module per family. */
import type { Rule } from './rule.js';
import { awsRules } from './rules/aws.js';
import { genericRules } from './rules/generic-assignment.js';
import { githubRules } from './rules/github.js';
import { gitlabRules } from './rules/gitlab.js';
import { privateKeyRules } from './rules/private-key.js';
import { slackRules } from './rules/slack.js';
import { stripeRules } from './rules/stripe.js';
import { urlRules } from './rules/url-credentials.js';

/** Every built-in rule: private keys, AWS, GitHub, GitLab, Slack, Stripe, generic assignments, URL passwords. */
export const defaultRules: readonly Rule[] = Object.freeze([
  ...privateKeyRules,
  ...awsRules,
  ...githubRules,
  ...gitlabRules,
  ...slackRules,
  ...stripeRules,
  ...genericRules,
  ...urlRules,
]);
