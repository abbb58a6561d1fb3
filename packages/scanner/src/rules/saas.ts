/**
 * Productivity, developer and social SaaS APIs: Linear, Notion, Airtable, Figma, Postman, ReadMe,
 * Typeform, Contentful, Frame.io, Shippo, Dropbox, HubSpot, Mapbox (secret `sk.` tokens; `pk.`
 * tokens are public), Adobe, Yandex and Facebook tokens by shape; Asana, Okta, Auth0, Facebook app
 * secrets, Twitter/X, LinkedIn and Trello credentials under their names (vendor docs).
 */
import type { Rule } from '../rule.js';
import { namedRule, testModePlaceholders, tokenRule, UUID } from './define.js';

/** The SaaS family. */
export const saasRules: readonly Rule[] = [
  tokenRule({ id: 'linear-api-key', description: 'Linear API key', prefix: 'lin_' + 'api_', body: '[A-Za-z0-9]{40}', maxLength: 48 }),
  tokenRule({
    id: 'notion-token',
    description: 'Notion integration token (ntn_ or legacy secret_)',
    prefix: [],
    body: '(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})',
    maxLength: 50,
    keywords: ['ntn_', 'secret_'],
  }),
  tokenRule({ id: 'airtable-pat', description: 'Airtable personal access token', prefix: 'pa' + 't', body: '[A-Za-z0-9]{14}\\.[a-f0-9]{64}', maxLength: 82 }),
  tokenRule({ id: 'figma-pat', description: 'Figma personal access token', prefix: 'fig' + 'd_', body: '[A-Za-z0-9_-]{40}', maxLength: 45, boundary: 'A-Za-z0-9_-' }),
  tokenRule({ id: 'postman-api-key', description: 'Postman API key', prefix: 'PM' + 'AK-', body: '[a-f0-9]{24}-[a-f0-9]{34}', maxLength: 64, boundary: 'A-Za-z0-9_-' }),
  tokenRule({ id: 'readme-api-key', description: 'ReadMe API key', prefix: 'rd' + 'me_', body: '[a-z0-9]{70}', maxLength: 75 }),
  tokenRule({ id: 'typeform-pat', description: 'Typeform personal access token', prefix: 'tf' + 'p_', body: '[A-Za-z0-9_.=-]{59}', maxLength: 63, boundary: 'A-Za-z0-9_.=-' }),
  tokenRule({ id: 'contentful-pat', description: 'Contentful personal access token', prefix: 'CF' + 'PAT-', body: '[A-Za-z0-9_-]{43}', maxLength: 49, boundary: 'A-Za-z0-9_-' }),
  tokenRule({ id: 'frameio-api-token', description: 'Frame.io API token', prefix: 'fio' + '-u-', body: '[A-Za-z0-9_=-]{64}', maxLength: 70, boundary: 'A-Za-z0-9_=-' }),
  tokenRule({ id: 'shippo-api-token', description: 'Shippo live or test API token', prefix: ['shippo_' + 'live_', 'shippo_' + 'test_'], body: '[a-fA-F0-9]{40}', maxLength: 52, allowOnly: testModePlaceholders }),
  tokenRule({
    id: 'dropbox-access-token',
    description: 'Dropbox short-lived access token',
    prefix: 's' + 'l.',
    body: '[A-Za-z0-9_-]{130,160}',
    maxLength: 165,
    boundary: 'A-Za-z0-9_.-',
    minEntropy: 4.0,
  }),
  tokenRule({ id: 'hubspot-pat', description: 'HubSpot private app access token', prefix: ['pat-' + 'na1-', 'pat-' + 'eu1-'], body: UUID, maxLength: 44, boundary: 'A-Za-z0-9_-' }),
  tokenRule({
    id: 'mapbox-secret-token',
    description: 'Mapbox secret access token (sk.)',
    prefix: 's' + 'k.eyJ',
    body: '[A-Za-z0-9_-]{50,300}\\.[A-Za-z0-9_-]{20,64}',
    maxLength: 380,
    boundary: 'A-Za-z0-9_.-',
  }),
  tokenRule({ id: 'adobe-client-secret', description: 'Adobe client secret', prefix: 'p8' + 'e-', body: '[A-Za-z0-9]{32}', maxLength: 36, boundary: 'A-Za-z0-9_-' }),
  tokenRule({
    id: 'yandex-api-key',
    description: 'Yandex Cloud API key or OAuth token',
    prefix: [],
    body: '(?:AQVN[A-Za-z0-9_-]{35,38}|y[0-3]_[A-Za-z0-9_-]{55,199})',
    maxLength: 210,
    boundary: 'A-Za-z0-9_-',
    keywords: ['aqvn', 'y0_', 'y1_', 'y2_', 'y3_'],
  }),
  tokenRule({
    id: 'facebook-access-token',
    description: 'Facebook / Meta Graph API access token',
    prefix: ['EA' + 'AC', 'EA' + 'AM', 'EA' + 'AG', 'EA' + 'AB'],
    body: '[A-Za-z0-9]{100,400}',
    maxLength: 410,
    minEntropy: 4.0,
  }),
  namedRule({ id: 'facebook-app-secret', description: 'Facebook / Meta app secret under a Facebook name', names: 'facebook|fb[_-]app[_-]?secret|meta[_-]app[_-]?secret', keywords: ['facebook', 'fb_app', 'fb-app', 'meta_app', 'meta-app'], value: '[a-f0-9]{32}', valueMax: 32 }),
  namedRule({ id: 'asana-pat', description: 'Asana personal access token under an Asana name', names: 'asana', keywords: ['asana'], value: '[0-9]/[0-9]{10,16}(?:/[0-9]{10,16})?:[a-f0-9]{32}', valueMax: 70 }),
  namedRule({ id: 'okta-api-token', description: 'Okta API token under an Okta name', names: 'OKTA|[Oo]kta', nameCase: 'as-written', keywords: ['okta'], value: '00[A-Za-z0-9_=-]{40}', valueMax: 42, boundary: 'A-Za-z0-9_=-' }),
  namedRule({ id: 'auth0-client-secret', description: 'Auth0 client secret under an Auth0 name', names: 'auth0', keywords: ['auth0'], value: '[A-Za-z0-9_-]{64}', valueMax: 64, boundary: 'A-Za-z0-9_-' }),
  namedRule({
    id: 'twitter-bearer-token',
    type: 'twitter-token',
    description: 'Twitter / X API bearer token under a Twitter name',
    names: 'twitter|x[_-]bearer',
    keywords: ['twitter', 'x_bearer', 'x-bearer'],
    value: 'A{10,30}[A-Za-z0-9%]{40,140}',
    valueMax: 170,
    boundary: 'A-Za-z0-9%',
    // Bearer tokens begin with a run of `A`s, so the repeated-char placeholder test does not apply.
    allowOnly: [/x{5,}|X{5,}|\*{3,}/, /EXAMPLE|[Ee]xample/],
  }),
  namedRule({
    id: 'twitter-api-secret',
    type: 'twitter-token',
    description: 'Twitter / X API key secret or access token secret under a Twitter name',
    names: 'twitter',
    keywords: ['twitter'],
    value: '[A-Za-z0-9]{45,50}',
    valueMax: 50,
  }),
  namedRule({ id: 'linkedin-client-secret', description: 'LinkedIn client secret under a LinkedIn name', names: 'linked[_-]?in', keywords: ['linkedin', 'linked_in', 'linked-in'], value: '[A-Za-z0-9]{16}', valueMax: 16 }),
  namedRule({ id: 'trello-token', description: 'Trello API token (64 hex) or API key (32) under a Trello name', names: 'trello', keywords: ['trello'], value: '(?:ATTA)?[A-Fa-f0-9]{64}|[A-Za-z0-9]{32}', valueMax: 72 }),
];
