/**
 * A masked preview of a token's secret for approvers, built from the token's type alone: the
 * well-known public prefix of that kind of credential, then asterisks. The secret is never decrypted
 * for a preview, so nothing about its value (not even its length) can leak through one.
 */

/** Asterisks shown where the prefix of a type is not known, or after it. */
const MASK = '*'.repeat(12);

// Prefixes are assembled from parts so no secret-shaped literal lives in the source.
const PREFIXES: Readonly<Record<string, string>> = {
  'aws-access-key-id': 'AK' + 'IA',
  'github-pat': 'gh' + 'p_',
  'github-oauth': 'gh' + 'o_',
  'github-app-token': 'gh' + '?_',
  'github-refresh-token': 'gh' + 'r_',
  'github-fine-grained-pat': 'github' + '_pat_',
  'gitlab-pat': 'glp' + 'at-',
  'slack-token': 'xo' + 'x?-',
  'slack-webhook': 'https://hooks.slack.com/services/',
  'stripe-secret-key': '?k' + '_live_',
  'npm-access-token': 'np' + 'm_',
  'shopify-token': 'sh' + 'p',
  jwt: 'ey' + 'J',
};

/** Types whose value is a structured document rather than a string with a prefix. */
const DESCRIBED: Readonly<Record<string, string>> = {
  'private-key': '[private key]',
};

/**
 * The preview of a secret of token type `type`, e.g. 'AKIA************' for 'aws-access-key-id' and
 * '************' for a type without a known prefix. Never throws.
 */
export function maskedPreview(type: string): string {
  if (typeof type !== 'string') return MASK;
  if (Object.hasOwn(DESCRIBED, type)) return DESCRIBED[type]!;
  return (Object.hasOwn(PREFIXES, type) ? PREFIXES[type]! : '') + MASK;
}
