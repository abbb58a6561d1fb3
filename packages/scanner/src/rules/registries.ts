/**
 * Package and container registries: npm access tokens and `.npmrc` credentials (`_authToken`,
 * `_auth`, `_password`), PyPI upload tokens (macaroons for pypi.org / test.pypi.org), RubyGems,
 * NuGet, Clojars and crates.io API keys, Docker Hub access tokens, and the `auth` value of a
 * Docker `config.json` (base64 of `user:password`; the whole value is the span).
 */
import type { Rule } from '../rule.js';
import { placeholders } from './placeholders.js';
import { tokenPlaceholders, tokenRule } from './define.js';

/** The registries family. */
export const registryRules: readonly Rule[] = [
  tokenRule({
    id: 'npm-access-token',
    description: 'npm access token',
    prefix: 'np' + 'm_',
    body: '[A-Za-z0-9]{36}',
    maxLength: 40,
  }),
  {
    id: 'npmrc-auth-token',
    type: 'npm-access-token',
    description: '.npmrc / .yarnrc _authToken or npmAuthToken value',
    keywords: ['_authtoken', 'npmauthtoken'],
    pattern: /(?:_authToken|npmAuthToken)["']?[ \t]*[=:][ \t]*["']?(?<secret>[A-Za-z0-9._~+/=-]{16,512})(?![A-Za-z0-9._~+/=-])/,
    minEntropy: 3.0,
    allow: placeholders,
    confidence: 'high',
    reach: 560,
    reachBack: 8,
  },
  {
    id: 'npmrc-auth',
    type: 'npm-credentials',
    description: '.npmrc _auth value (base64 of user:password)',
    keywords: ['_auth'],
    pattern: /(?:^|[\s:])_auth[ \t]*=[ \t]*["']?(?<secret>[A-Za-z0-9+/]{8,512}={0,2})(?![A-Za-z0-9+/=])/,
    decoded: { encoding: 'base64', pattern: /^[^:\s]{1,256}:(?<secret>\S{1,256})$/, allow: placeholders },
    confidence: 'high',
    reach: 540,
  },
  {
    id: 'npmrc-password',
    type: 'npm-credentials',
    description: '.npmrc _password value (base64 of the password)',
    keywords: ['_password'],
    pattern: /(?:^|[\s:])_password[ \t]*=[ \t]*["']?(?<secret>[A-Za-z0-9+/]{4,512}={0,2})(?![A-Za-z0-9+/=])/,
    decoded: { encoding: 'base64', pattern: /^(?<secret>\S{1,256})$/, allow: placeholders },
    confidence: 'high',
    reach: 540,
  },
  tokenRule({
    id: 'pypi-upload-token',
    description: 'PyPI / TestPyPI API token',
    prefix: ['py' + 'pi-AgEIcHlwaS5vcmc', 'py' + 'pi-AgENdGVzdC5weXBpLm9yZw'],
    body: '[A-Za-z0-9_-]{50,1000}',
    maxLength: 1030,
    boundary: 'A-Za-z0-9_-',
    minEntropy: 3.5,
  }),
  tokenRule({
    id: 'rubygems-api-key',
    description: 'RubyGems API key',
    prefix: 'rubygems' + '_',
    body: '[a-f0-9]{48}',
    maxLength: 57,
  }),
  tokenRule({
    id: 'nuget-api-key',
    description: 'NuGet.org API key',
    prefix: 'oy' + '2',
    body: '[a-z0-9]{43}',
    maxLength: 46,
    minEntropy: 3.5,
  }),
  tokenRule({
    id: 'clojars-token',
    description: 'Clojars deploy token',
    prefix: 'CLOJARS' + '_',
    body: '[a-z0-9]{60}',
    maxLength: 68,
  }),
  tokenRule({
    id: 'crates-io-token',
    description: 'crates.io API token',
    prefix: 'ci' + 'o',
    body: '[A-Za-z0-9]{32}',
    maxLength: 35,
    minEntropy: 3.5,
  }),
  tokenRule({
    id: 'docker-hub-token',
    description: 'Docker Hub personal or organization access token',
    prefix: ['dckr_' + 'pat_', 'dckr_' + 'oat_'],
    body: '[A-Za-z0-9_-]{27,36}',
    maxLength: 45,
    boundary: 'A-Za-z0-9_-',
  }),
  {
    id: 'docker-config-auth',
    type: 'docker-registry-auth',
    description: 'Docker config.json auths entry (base64 of user:password)',
    keywords: ['"auth"', '\\"auth\\"'],
    pattern: /\\?"auth\\?"[ \t\r\n]*:[ \t\r\n]*\\?"(?<secret>[A-Za-z0-9+/]{8,1024}={0,2})\\?"/,
    decoded: { encoding: 'base64', pattern: /^[^:\s]{1,256}:(?<secret>\S{1,768})$/, allow: [...placeholders, ...tokenPlaceholders] },
    confidence: 'high',
    reach: 1060,
    reachBack: 4,
  },
];
