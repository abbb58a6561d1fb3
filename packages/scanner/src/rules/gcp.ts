/**
 * Google Cloud and Google APIs: API keys (`AIza` + 35), OAuth client secrets (`GOCSPX-`), OAuth
 * access (`ya29.`) and refresh (`1//0`) tokens, service-account key ids (the `private_key` of a
 * service-account JSON is a PEM block, found by the private-key family), and legacy Firebase
 * Cloud Messaging server keys (Google Cloud docs, "API keys", "OAuth 2.0", "Service account keys").
 */
import type { Rule } from '../rule.js';
import { tokenRule } from './define.js';

/** Google API key. */
export const gcpApiKey: Rule = tokenRule({
  id: 'gcp-api-key',
  description: 'Google Cloud / Google Maps / Firebase API key',
  prefix: 'AI' + 'za',
  body: '[0-9A-Za-z_-]{35}',
  maxLength: 39,
  boundary: 'A-Za-z0-9_-',
});

/** Google OAuth client secret. */
export const gcpOauthClientSecret: Rule = tokenRule({
  id: 'gcp-oauth-client-secret',
  description: 'Google OAuth client secret',
  prefix: 'GOC' + 'SPX-',
  body: '[0-9A-Za-z_-]{28}',
  maxLength: 35,
  boundary: 'A-Za-z0-9_-',
});

/** Google OAuth access token. */
export const googleOauthAccessToken: Rule = tokenRule({
  id: 'google-oauth-access-token',
  description: 'Google OAuth 2.0 access token',
  prefix: 'ya' + '29.',
  body: '[0-9A-Za-z_-]{30,2048}',
  maxLength: 2060,
  boundary: 'A-Za-z0-9_.-',
  minEntropy: 3.5,
});

/** Google OAuth refresh token. */
export const googleOauthRefreshToken: Rule = tokenRule({
  id: 'google-oauth-refresh-token',
  description: 'Google OAuth 2.0 refresh token',
  prefix: '1//' + '0',
  body: '[0-9A-Za-z_-]{40,512}',
  maxLength: 520,
  boundary: 'A-Za-z0-9_/-',
  minEntropy: 3.5,
});

/** The key id of a service-account JSON key file (`"private_key_id": "<40 hex>"`). */
export const gcpServiceAccountKeyId: Rule = {
  id: 'gcp-service-account-key-id',
  type: 'gcp-service-account-key-id',
  description: 'Google service-account key id in a key file',
  keywords: ['private_key_id'],
  pattern: /private_key_id\\?["']?[ \t]*:[ \t]*\\?["'](?<secret>[0-9a-f]{40})\\?["']/,
  minEntropy: 3.0,
  confidence: 'high',
  reach: 80,
  reachBack: 0,
};

/** Legacy Firebase Cloud Messaging server key: `AAAA` + 7 chars `:APA91b` + ~134. */
export const firebaseCloudMessagingKey: Rule = tokenRule({
  id: 'firebase-cloud-messaging-key',
  description: 'Firebase Cloud Messaging legacy server key',
  prefix: 'AAAA',
  body: '[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134,140}',
  maxLength: 160,
  boundary: 'A-Za-z0-9_-',
  keywords: [':apa91b'],
  minEntropy: 4.0,
});

/** The Google Cloud family. */
export const gcpRules: readonly Rule[] = [gcpApiKey, gcpOauthClientSecret, googleOauthAccessToken, googleOauthRefreshToken, gcpServiceAccountKeyId, firebaseCloudMessagingKey];
