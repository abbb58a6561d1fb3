/** The `auth` section of the configuration: OIDC, or none / dev (a built-in development issuer) for a loopback-only trial. */
import type { AuthConfig } from './config.js';
import type { ConfigProblems } from './config-problems.js';

/** `auth: { mode: oidc, issuer, audience, jwksUri?, groupsClaim?, clientId? }`, `auth: { mode: none }` or `auth: { mode: dev }` (required). */
export function authSection(root: Record<string, unknown>, p: ConfigProblems): AuthConfig {
  const auth = p.obj(root.auth, 'auth');
  if (root.auth === undefined) p.push('auth: required (`auth: { mode: oidc, issuer, audience }`, or `auth: { mode: none }` for a loopback-only trial)');
  if (!auth) return { mode: 'none' };
  if (auth.mode === 'none') {
    p.unknownKeys(auth, ['mode'], 'auth');
    return { mode: 'none' };
  }
  if (auth.mode === 'dev') {
    p.unknownKeys(auth, ['mode'], 'auth');
    return { mode: 'dev' };
  }
  if (auth.mode !== 'oidc') {
    p.push(`auth.mode: must be "oidc", "none" or "dev" (got ${JSON.stringify(auth.mode)})`);
    return { mode: 'none' };
  }
  p.unknownKeys(auth, ['mode', 'issuer', 'audience', 'jwksUri', 'groupsClaim', 'clientId'], 'auth');
  const url = (k: string, required: boolean): string | undefined => {
    const v = auth[k];
    if (v === undefined) {
      if (required) p.push(`auth.${k}: required for mode oidc`);
      return undefined;
    }
    return p.httpUrl(v, `auth.${k}`)?.replace(/\/+$/, '');
  };
  const issuer = url('issuer', true);
  const jwksUri = url('jwksUri', false);
  if (typeof auth.audience !== 'string' || auth.audience === '') p.push('auth.audience: required for mode oidc (the audience your tokens are minted for)');
  if (auth.groupsClaim !== undefined && (typeof auth.groupsClaim !== 'string' || auth.groupsClaim === '')) p.push('auth.groupsClaim: must be a claim name');
  // The approvals page's public client (no secret): its browser sign-in uses the authorization code flow with PKCE.
  if (auth.clientId !== undefined && (typeof auth.clientId !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(auth.clientId))) p.push('auth.clientId: the approvals page\'s client id at the issuer (printable, no spaces)');
  if (!issuer || typeof auth.audience !== 'string' || auth.audience === '') return { mode: 'none' };
  const clientId = typeof auth.clientId === 'string' ? auth.clientId : undefined;
  return { mode: 'oidc', issuer, audience: auth.audience, jwksUri, groupsClaim: (auth.groupsClaim as string | undefined) ?? 'groups', ...(clientId === undefined ? {} : { clientId }) };
}
