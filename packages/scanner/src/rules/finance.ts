/**
 * Finance, crypto-exchange and commerce APIs whose keys carry no prefix of their own, recognisable
 * only by the provider named in the key they are assigned to: Bittrex, Coinbase, Kraken, KuCoin,
 * Finicity, Finnhub, Plaid client credentials, Etsy, Squarespace, Lob and Sendbird (vendor docs for
 * each key's length and alphabet).
 */
import type { Rule } from '../rule.js';
import { namedRule, UUID } from './define.js';

/** The finance and commerce family. */
export const financeRules: readonly Rule[] = [
  namedRule({ id: 'bittrex-api-key', description: 'Bittrex API key or secret under a Bittrex name', names: 'bittrex', keywords: ['bittrex'], value: '[A-Za-z0-9]{32}', valueMax: 32 }),
  namedRule({ id: 'coinbase-access-token', description: 'Coinbase access token under a Coinbase name', names: 'coinbase', keywords: ['coinbase'], value: '[A-Za-z0-9_-]{64}', valueMax: 64, boundary: 'A-Za-z0-9_-' }),
  namedRule({ id: 'kraken-api-key', description: 'Kraken API key or private key under a Kraken name', names: 'kraken', keywords: ['kraken'], value: '[A-Za-z0-9/=_+-]{80,90}', valueMax: 90, boundary: 'A-Za-z0-9/=_+-', minEntropy: 4.0 }),
  namedRule({ id: 'kucoin-api-key', description: 'KuCoin API key (24 hex) or secret (UUID) under a KuCoin name', names: 'kucoin', keywords: ['kucoin'], value: `[a-f0-9]{24}|${UUID}`, valueMax: 36, boundary: 'A-Za-z0-9_-' }),
  namedRule({ id: 'finicity-api-token', description: 'Finicity app key or client secret under a Finicity name', names: 'finicity', keywords: ['finicity'], value: '[a-f0-9]{32}|[A-Za-z0-9]{20}', valueMax: 32 }),
  namedRule({ id: 'finnhub-api-token', description: 'Finnhub API token under a Finnhub name', names: 'finnhub', keywords: ['finnhub'], value: '[A-Za-z0-9]{20}', valueMax: 20 }),
  namedRule({ id: 'plaid-client-credential', description: 'Plaid client id or secret under a Plaid name', names: 'plaid', keywords: ['plaid'], value: '[A-Za-z0-9]{30}|[A-Za-z0-9]{24}', valueMax: 30 }),
  namedRule({ id: 'etsy-api-key', description: 'Etsy API key under an Etsy name', names: 'ETSY|[Ee]tsy', nameCase: 'as-written', keywords: ['etsy'], value: '[A-Za-z0-9]{24}', valueMax: 24 }),
  namedRule({ id: 'squarespace-api-key', description: 'Squarespace API key (UUID) under a Squarespace name', names: 'squarespace', keywords: ['squarespace'], value: UUID, valueMax: 36, boundary: 'A-Za-z0-9_-' }),
  namedRule({ id: 'lob-api-key', description: 'Lob secret or publishable key (live_/test_) under a Lob name', names: 'lob', keywords: ['lob'], value: '(?:live|test)_(?:pub_[a-f0-9]{31}|[a-f0-9]{35})', valueMax: 40 }),
  namedRule({ id: 'sendbird-api-token', description: 'Sendbird API token (40 hex) or application id (UUID) under a Sendbird name', names: 'sendbird', keywords: ['sendbird'], value: `[a-f0-9]{40}|${UUID}`, valueMax: 40, boundary: 'A-Za-z0-9_-' }),
];
