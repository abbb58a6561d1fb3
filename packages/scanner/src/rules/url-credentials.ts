/**
 * Credentials in URLs: `scheme://user:password@host` (RFC 3986 §3.2.1 userinfo). Only the
 * password is the secret; the user name and host stay readable.
 */
import type { Rule } from '../rule.js';
import { placeholders } from './placeholders.js';

/**
 * Stand-in words joined by encoded or punctuation characters, as URL-parsing tests write them
 * (`pass%23pass`, `pass%20pass`, `secret!secret`): a fixture, not a password.
 */
const STAND_IN_WORDS = /^(?:pass(?:word)?|passwd|pwd?|secret|user|admin)(?:(?:%[0-9A-Fa-f]{2}|[^A-Za-z0-9])+(?:pass(?:word)?|passwd|pwd?|secret|user|admin|\d{1,4}))*$/i;

/** The password of a URL's userinfo. */
export const urlPassword: Rule = {
  id: 'url-password',
  type: 'url-password',
  description: 'Password in the userinfo of a URL',
  keywords: ['://'],
  pattern: new RegExp(
    // The scheme is checked behind `://`, so the match starts at that literal and the regex
    // engine can search for it instead of trying a scheme at every letter.
    String.raw`://(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,31}://)` +
      String.raw`[^\s:@/?#"'\x60<>\\]{0,128}:` + // user (may be empty: redis://:pw@host)
      // Greedy with '@', ':', '#', '%' and '!' allowed, as people leave them unencoded in a password in a .env:
      // an unescaped '@' backtracks to the last '@' before the host, so no part of the password is left over.
      String.raw`(?<secret>[^\s/?"'\x60<>\\]{1,256})@` +
      String.raw`(?!(?:www\.)?example\.(?:com|org|net)\b)(?=[A-Za-z0-9[])`, // host; documentation hosts are examples
  ),
  allow: [...placeholders, STAND_IN_WORDS],
  confidence: 'high',
  // User (128), password (256) and the host check after the `://` keyword that starts the match.
  reach: 440,
  reachBack: 0,
};

/** The URL family. */
export const urlRules: readonly Rule[] = [urlPassword];
