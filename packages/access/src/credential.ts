/**
 * Extracts the JWT from an HTTP Authorization header (RFC 9110 §11.6.2): `Bearer <jwt>` (RFC 6750)
 * or `Basic base64(user:jwt)` (RFC 7617), because git's credential helpers only speak Basic.
 */

/** Longest header we look at; a JWT with a large groups claim stays far below this. */
const MAX_HEADER = 64 * 1024;

/** base64url segments separated by dots; enough to reject obvious junk before jose sees it. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The JWT in an Authorization header, or null when there is none or the header is malformed.
 * Schemes are case-insensitive. With Basic the username is ignored and the password is the JWT.
 * Never throws.
 */
export function credentialFromHeader(h: string | undefined): string | null {
  if (typeof h !== 'string' || h.length === 0 || h.length > MAX_HEADER) return null;
  const m = /^([A-Za-z]+) +(\S+) *$/.exec(h);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!;
  let jwt: string;
  if (scheme === 'bearer') {
    jwt = value;
  } else if (scheme === 'basic') {
    if (value.length % 4 !== 0 || !BASE64.test(value)) return null;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    jwt = decoded.slice(colon + 1);
  } else {
    return null;
  }
  return JWT_SHAPE.test(jwt) ? jwt : null;
}
