/** The built-in rule set, assembled from one module per family. */
import type { Rule } from './rule.js';
import { aiRules } from './rules/ai.js';
import { awsRules } from './rules/aws.js';
import { azureRules } from './rules/azure.js';
import { chatRules, telegramNearMiss } from './rules/chat.js';
import { developerServiceRules } from './rules/developer-services.js';
import { cloudPlatformRules } from './rules/cloud-platforms.js';
import { commandLineRules } from './rules/command-line.js';
import { financeRules } from './rules/finance.js';
import { gcpRules } from './rules/gcp.js';
import { documentedPrefixes } from './rules/define.js';
import { genericRules, genericRulesDeferringTo } from './rules/generic-assignment.js';
import { githubRules } from './rules/github.js';
import { gitlabRules } from './rules/gitlab.js';
import { httpAuthRules } from './rules/http-auth.js';
import { jwtRules } from './rules/jwt.js';
import { messagingRules } from './rules/messaging.js';
import { observabilityRules } from './rules/observability.js';
import { paymentRules } from './rules/payments.js';
import { privateKeyRules } from './rules/private-key.js';
import { registryRules } from './rules/registries.js';
import { saasRules } from './rules/saas.js';
import { slackRules } from './rules/slack.js';
import { sourceHostingRules } from './rules/source-hosting.js';
import { stripeRules } from './rules/stripe.js';
import { urlRules } from './rules/url-credentials.js';

const families: Record<string, readonly Rule[]> = {
  'private keys': privateKeyRules,
  aws: awsRules,
  'google cloud': gcpRules,
  azure: azureRules,
  'cloud platforms': cloudPlatformRules,
  github: githubRules,
  gitlab: gitlabRules,
  'source hosting and ci': sourceHostingRules,
  slack: slackRules,
  chat: chatRules,
  stripe: stripeRules,
  payments: paymentRules,
  ai: aiRules,
  registries: registryRules,
  messaging: messagingRules,
  observability: observabilityRules,
  saas: saasRules,
  finance: financeRules,
  'developer services': developerServiceRules,
  jwt: jwtRules,
  'http auth': httpAuthRules,
  generic: genericRules,
  'url credentials': urlRules,
  'command lines and credential files': commandLineRules,
};
// The generic rules leave a malformed instance of a prefixed provider format, and a near miss of a
// provider's structure, to that provider's rule.
families['generic'] = genericRulesDeferringTo(documentedPrefixes(Object.values(families).flat()), [telegramNearMiss]);

/** The built-in rules grouped by family (one module each), in listing order. */
export const ruleFamilies: Readonly<Record<string, readonly Rule[]>> = Object.freeze(families);

/**
 * Every built-in rule: private keys, cloud providers, source hosting and CI, chat, payments, AI,
 * registries, messaging, observability, SaaS, JWTs, HTTP credentials, URL passwords and generic
 * secret-named assignments. The built-in detectors (Kubernetes Secrets, binary key containers)
 * are listed separately in `builtinDetectors`.
 */
export const defaultRules: readonly Rule[] = Object.freeze(Object.values(ruleFamilies).flat());
