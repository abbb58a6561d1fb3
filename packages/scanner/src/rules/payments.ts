/**
 * Payments and commerce besides Stripe: Square access tokens and OAuth secrets, Braintree
 * production access tokens, Shopify admin/custom/private app tokens and shared secrets, Plaid
 * access tokens, Flutterwave, GoCardless, EasyPost and Duffel live keys (vendor docs).
 */
import type { Rule } from '../rule.js';
import { namedRule, testModePlaceholders, tokenRule, UUID } from './define.js';

function shopify(id: string, kind: string, description: string): Rule {
  return tokenRule({ id, type: 'shopify-token', description, prefix: `shp${kind}_`, body: '[a-fA-F0-9]{32}', maxLength: 38 });
}

/** The payments family. */
export const paymentRules: readonly Rule[] = [
  tokenRule({
    id: 'square-access-token',
    description: 'Square access token',
    prefix: ['EA' + 'AA', 'sq0' + 'atp-'],
    body: '[A-Za-z0-9_-]{22,60}',
    maxLength: 67,
    boundary: 'A-Za-z0-9_-',
  }),
  tokenRule({
    id: 'square-oauth-secret',
    description: 'Square OAuth application secret',
    prefix: 'sq0' + 'csp-',
    body: '[A-Za-z0-9_-]{43}',
    maxLength: 50,
    boundary: 'A-Za-z0-9_-',
  }),
  tokenRule({
    id: 'braintree-access-token',
    description: 'Braintree / PayPal production access token',
    prefix: 'access_token$' + 'production$',
    body: '[a-z0-9]{16}\\$[a-f0-9]{32}',
    maxLength: 75,
    boundary: 'A-Za-z0-9_$',
  }),
  shopify('shopify-access-token', 'at', 'Shopify admin API access token'),
  shopify('shopify-custom-app-token', 'ca', 'Shopify custom app access token'),
  shopify('shopify-private-app-token', 'pa', 'Shopify private app password'),
  shopify('shopify-shared-secret', 'ss', 'Shopify app shared secret'),
  tokenRule({
    id: 'plaid-access-token',
    description: 'Plaid access token (production, development or sandbox)',
    prefix: ['access-' + 'production-', 'access-' + 'development-', 'access-' + 'sandbox-'],
    body: UUID,
    maxLength: 60,
    boundary: 'A-Za-z0-9_-',
  }),
  tokenRule({
    id: 'flutterwave-secret-key',
    description: 'Flutterwave secret or public key, live or test (a test key still opens the sandbox account)',
    keywords: ['flwseck', 'flwpubk'],
    allowOnly: testModePlaceholders,
    prefix: ['FLW' + 'SECK-', 'FLW' + 'SECK_TEST-', 'FLW' + 'PUBK-', 'FLW' + 'PUBK_TEST-'],
    body: '[a-hA-H0-9]{32}-X',
    maxLength: 47,
    boundary: 'A-Za-z0-9_-',
  }),
  tokenRule({
    id: 'flutterwave-encryption-key',
    description: 'Flutterwave test encryption key',
    prefix: ['FLW' + 'SECK_TEST-', 'FLW' + 'SECK_TEST'],
    body: '[a-hA-H0-9]{12}',
    maxLength: 25,
    allowOnly: testModePlaceholders,
  }),
  namedRule({
    id: 'gocardless-access-token',
    description: 'GoCardless live access token under a GoCardless name',
    names: 'gocardless',
    keywords: ['gocardless'],
    value: 'live_[A-Za-z0-9_=-]{40}',
    valueMax: 45,
    boundary: 'A-Za-z0-9_=-',
  }),
  tokenRule({
    id: 'easypost-api-key',
    description: 'EasyPost production API key',
    prefix: ['EZ' + 'AK', 'EZ' + 'TK'],
    body: '[A-Za-z0-9]{54}',
    maxLength: 58,
  }),
  tokenRule({
    id: 'duffel-api-token',
    description: 'Duffel API token, live or test',
    prefix: ['duffel_' + 'live_', 'duffel_' + 'test_'],
    allowOnly: testModePlaceholders,
    body: '[A-Za-z0-9_=-]{43}',
    maxLength: 55,
    boundary: 'A-Za-z0-9_=-',
  }),
];
