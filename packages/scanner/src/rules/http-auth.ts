/**
 * HTTP credentials written out: `Authorization: Bearer <token>` (RFC 6750 §2.1) and
 * `Authorization: Basic <base64 user:password>` (RFC 7617; the whole base64 value is the span,
 * since the password cannot be cut out of it), in headers, curl commands, HTTP files and code;
 * and `curl -u user:password` (only the password).
 */
import type { Rule } from '../rule.js';
import { tokenPlaceholders } from './define.js';
import { placeholders } from './placeholders.js';

/** The HTTP-auth family. */
export const httpAuthRules: readonly Rule[] = [
  {
    id: 'http-bearer-token',
    type: 'bearer-token',
    description: 'HTTP Authorization Bearer credential',
    keywords: ['bearer'],
    pattern: /(?<![A-Za-z0-9_-])[Bb]earer[ \t]{1,4}(?<secret>[A-Za-z0-9._~+/-]{16,4096}={0,2})(?![A-Za-z0-9._~+/=-])/,
    minEntropy: 3.5,
    // All letters of one case, or camelCase words: prose and identifiers, not credentials. Each
    // upper-case letter starts the next word, so the match is linear (no nested ambiguity).
    allow: [/^[a-z]+$/, /^[A-Z]+$/, /^[a-z]*(?:[A-Z][a-z]+)*$/, ...tokenPlaceholders],
    confidence: 'high',
    reach: 4120,
    reachBack: 0,
  },
  {
    id: 'http-basic-auth',
    type: 'basic-auth',
    description: 'HTTP Authorization Basic credential (base64 of user:password)',
    keywords: ['basic'],
    pattern: /(?<![A-Za-z0-9_-])[Bb]asic[ \t]{1,4}(?<secret>[A-Za-z0-9+/]{8,1024}={0,2})(?![A-Za-z0-9+/=])/,
    // The password is judged as a generic value is: stand-ins (`test`, `пароль`), one lower-case word
    // (`ferret`: a test vector, the cost a generic value pays too) and an entropy floor eased for short values.
    decoded: {
      encoding: 'base64',
      pattern: /^[^:\s]{1,256}:(?<secret>[^\s]{1,768})$/,
      allow: [...placeholders, /^.{0,3}$/, /^[a-z]{1,12}$/],
      minEntropy: 3.0,
    },
    confidence: 'high',
    reach: 1040,
    reachBack: 0,
  },
  {
    id: 'curl-user-password',
    type: 'http-password',
    description: 'Password of curl -u / --user user:password',
    keywords: ['curl'],
    // The options may run on over `\` newline continuations (a curl command split over lines). A backtick
    // ends the password: it closes inline code in Markdown and comments (`curl -u user:pw`).
    pattern: /curl\b(?:[^\n\\]|\\\r?\n|\\(?!\r?\n)){0,400}?[ \t](?:-u|--user)(?:[ \t]{1,4}|=)["']?[^\s:"'$]{1,64}:(?<secret>[^\s"'@\x60]{1,128})["']?(?=[\s\x60]|$)/,
    allow: placeholders,
    confidence: 'high',
    reach: 620,
    reachBack: 0,
  },
];
