/**
 * AWS credentials. Access key ids: a 4-letter kind prefix (AKIA long-term, ASIA STS temporary,
 * ABIA/ACCA service-specific) and 16 base32 chars (IAM user guide, "Unique identifiers").
 * Secret access keys: 40 base64 chars, recognisable only by the name they are assigned to.
 */
import type { Rule } from '../rule.js';

/** An access key id (not a secret by itself, but it identifies one and is always paired with it). */
export const awsAccessKeyId: Rule = {
  id: 'aws-access-key-id',
  type: 'aws-access-key-id',
  description: 'AWS access key id',
  keywords: ['akia', 'asia', 'abia', 'acca'],
  pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/,
  // 16 random base32 chars score > 2.7; runs like AKIAAAAA… are fillers.
  minEntropy: 2.5,
  // The AWS documentation's sample ids end in EXAMPLE.
  allow: [/EXAMPLE$/],
  confidence: 'high',
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
};

/** The AWS family. */
export const awsRules: readonly Rule[] = [awsAccessKeyId, awsSecretAccessKey];
