/**
 * JSON Web Tokens (RFC 7519) in compact JWS form: base64url header and payload (both JSON
 * objects, so both start with `eyJ`, the encoding of `{"`) and a signature. Unsigned tokens
 * (`alg: none`, empty signature) carry no secret and are not matched.
 */
import type { Rule } from '../rule.js';
import { escapeLiteral, tokenPlaceholders } from './define.js';

// The jwt.io documentation example (payload sub 1234567890, name John Doe), built at run time.
const JWT_IO_PAYLOAD = Buffer.from(JSON.stringify({ sub: '1234567890', name: 'John Doe', iat: 1516239022 })).toString('base64url');

/** A signed JWT. */
export const jwt: Rule = {
  id: 'jwt',
  type: 'jwt',
  description: 'JSON Web Token (signed, compact form)',
  keywords: ['eyj'],
  pattern: /eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024}(?![A-Za-z0-9_-])/,
  minEntropy: 4.0,
  allow: [new RegExp(`\\.${escapeLiteral(JWT_IO_PAYLOAD)}\\.`), ...tokenPlaceholders],
  confidence: 'high',
  reach: 13_400,
  reachBack: 0,
};

/** The JWT family. */
export const jwtRules: readonly Rule[] = [jwt];
