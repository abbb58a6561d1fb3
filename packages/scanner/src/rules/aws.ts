/**
 * AWS credentials. Access key ids: a 4-letter kind prefix (AKIA long-term, ASIA STS temporary,
 * ABIA/ACCA service-specific) and 16 base32 chars (IAM user guide, "Unique identifiers").
 * Secret access keys: 40 base64 chars, recognisable only by the name they are assigned to or by
 * sitting next to a key id (CSV exports, `aws configure` output). Session tokens, MWS tokens and
 * Bedrock API keys per their service docs.
 */
import type { Rule } from '../rule.js';
import { ASSIGNMENT, tokenPlaceholders, tokenRule, UUID } from './define.js';

const KEY_ID_PREFIXES = ['AK' + 'IA', 'AS' + 'IA', 'AB' + 'IA', 'AC' + 'CA'];

/** An access key id (not a secret by itself, but it identifies one and is always paired with it). */
export const awsAccessKeyId: Rule = {
  id: 'aws-access-key-id',
  type: 'aws-access-key-id',
  description: 'AWS access key id',
  keywords: KEY_ID_PREFIXES.map((p) => p.toLowerCase()),
  pattern: new RegExp(`(?<![A-Za-z0-9])(?:${KEY_ID_PREFIXES.join('|')})[A-Z2-7]{16}(?![A-Za-z0-9])`),
  // 16 random base32 chars score > 2.7; runs like AKIAAAAA… are fillers.
  minEntropy: 2.5,
  // The AWS documentation's sample ids end in EXAMPLE.
  allow: [/EXAMPLE$/],
  confidence: 'high',
  reach: 24,
  reachBack: 0,
};

/**
 * A secret access key assigned to a name that says so: `aws_secret_access_key = …`,
 * `AWS_SECRET_ACCESS_KEY: "…"`, `"SecretAccessKey": "…"`, `awsSecretKey=…`.
 */
export const awsSecretAccessKey: Rule = {
  id: 'aws-secret-access-key',
  type: 'aws-secret-access-key',
  description: 'AWS secret access key assigned to an aws…secret or SecretAccessKey name',
  keywords: ['secret'],
  pattern: new RegExp(
    String.raw`(?:aws[\w.-]{0,32}secret|secret[_.-]?access[_.-]?key)[\w.-]{0,32}` + // the name
      String.raw`\\?["'\x60]?[ \t]{0,8}(?::=|=>|=|:)[ \t]{0,8}\\?["'\x60]?` + // separator and opening quote
      String.raw`(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    'i',
  ),
  minEntropy: 3.0,
  // The AWS documentation's sample secret ends in EXAMPLEKEY.
  allow: [/EXAMPLEKEY$/],
  confidence: 'high',
  reach: 140,
  // From `aws` to the `secret` keyword.
  reachBack: 40,
};

/** What a secret access key paired with a key id must not be: documentation samples, one-case runs, hex digests, stand-ins. */
const PAIRED_SECRET_ALLOW = [/EXAMPLEKEY$/, /^[^A-Z]*$/, /^[^a-z]*$/, /^[0-9a-fA-F]{40}$/, ...tokenPlaceholders];

/** A rule for a 40-char secret paired with a key id by position alone (no telling name). */
function pairedSecret(id: string, description: string, pattern: string, reach: number, reachBack: number): Rule {
  return {
    id,
    type: 'aws-secret-access-key',
    description,
    keywords: ['akia', 'asia'],
    pattern: new RegExp(pattern),
    // Random 40-char base64 scores ~4.9; hex digests (git ids) score ≤ 4 and are rejected below too.
    minEntropy: 4.0,
    allow: PAIRED_SECRET_ALLOW,
    confidence: 'high',
    reach,
    reachBack,
  };
}

const PAIRED_ID = `(?:${KEY_ID_PREFIXES.slice(0, 2).join('|')})[A-Z2-7]{16}(?![A-Za-z0-9])`;
const PAIRED_SECRET = String.raw`(?<![A-Za-z0-9/+])(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`;

/**
 * A 40-char secret within a few hundred chars after a key id, whatever its name and on whatever
 * line: the CSV that the IAM console downloads, `aws configure list` output, two positional
 * arguments in code, an id and a secret on consecutive lines of a config.
 */
export const awsSecretNearKeyId: Rule = pairedSecret(
  'aws-secret-access-key-near-id',
  'AWS secret access key within 300 chars after an access key id',
  PAIRED_ID + String.raw`[\s\S]{0,300}?` + PAIRED_SECRET,
  380,
  0,
);

/** The same pairing with the secret first: `secret, id` arguments, a secret line above its id line. */
export const awsSecretBeforeKeyId: Rule = pairedSecret(
  'aws-secret-access-key-before-id',
  'AWS secret access key within 300 chars before an access key id',
  PAIRED_SECRET + String.raw`[\s\S]{0,300}?(?<![A-Za-z0-9])` + PAIRED_ID,
  24,
  // The secret starts up to 300 chars plus its own 40 before the id.
  350,
);

/** An STS session token assigned to a session-token name (the `aws_session_token` of credentials files). */
export const awsSessionToken: Rule = {
  id: 'aws-session-token',
  type: 'aws-session-token',
  description: 'AWS STS session token assigned to a session/security token name',
  keywords: ['session_token', 'sessiontoken', 'security_token', 'securitytoken', 'session-token'],
  pattern: new RegExp(
    String.raw`(?:session|security)[_-]?token` + ASSIGNMENT + String.raw`(?<secret>[A-Za-z0-9/+]{100,2048}={0,2})(?![A-Za-z0-9/+=])`,
    'i',
  ),
  minEntropy: 4.0,
  allow: tokenPlaceholders,
  confidence: 'high',
  reach: 2200,
  reachBack: 8,
};

/** Amazon Marketplace Web Service auth token: `amzn.mws.` + a UUID. */
export const awsMwsToken: Rule = tokenRule({
  id: 'aws-mws-auth-token',
  description: 'Amazon MWS auth token',
  prefix: 'amzn.mws.',
  body: UUID,
  maxLength: 45,
  boundary: 'A-Za-z0-9_.-',
});

/** Amazon Bedrock long-term API key: `ABSK` + base64 of `BedrockAPIKey-…`. */
export const awsBedrockApiKey: Rule = tokenRule({
  id: 'aws-bedrock-api-key',
  description: 'Amazon Bedrock long-term API key',
  prefix: 'AB' + 'SK',
  body: '[A-Za-z0-9+/]{109,269}={0,2}',
  maxLength: 280,
  boundary: 'A-Za-z0-9+/=',
  minEntropy: 4.0,
});

/**
 * Amazon Bedrock short-lived API key: `bedrock-api-key-` + base64 of a presigned URL, which always
 * begins with the base64 of `bedrock.amazonaws.com` (so even a truncated key is recognised).
 */
export const awsBedrockShortLivedKey: Rule = tokenRule({
  id: 'aws-bedrock-short-lived-api-key',
  type: 'aws-bedrock-api-key',
  description: 'Amazon Bedrock short-lived API key',
  prefix: 'bedrock-api-key-' + 'YmVkcm9jay5hbWF6b25hd3MuY29t',
  body: '[A-Za-z0-9+/]{0,4000}={0,2}',
  maxLength: 4050,
  boundary: 'A-Za-z0-9+/=',
  keywords: ['bedrock-api-key-'],
});

/** The AWS family. */
export const awsRules: readonly Rule[] = [awsAccessKeyId, awsSecretAccessKey, awsSecretNearKeyId, awsSecretBeforeKeyId, awsSessionToken, awsMwsToken, awsBedrockApiKey, awsBedrockShortLivedKey];
