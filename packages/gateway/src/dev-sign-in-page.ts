/**
 * The dev issuer's sign-in page (its authorization endpoint, GET): one button per trial user; the form
 * posts the checked authorization request back with the chosen subject. Trial only: no password.
 */
import type { AuthorizeRequest, DevUser } from './dev-authorization.js';

/** The page's headers: nothing loads, the form posts to this origin only, no framing. */
export const SIGN_IN_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
});

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The HTML of the sign-in page for `req`, posting to `action`. */
export function signInPage(req: AuthorizeRequest, users: readonly DevUser[], action: string): string {
  const hidden: Array<[string, string]> = [
    ['response_type', 'code'], ['client_id', req.clientId], ['redirect_uri', req.redirectUri], ['state', req.state],
    ['code_challenge', req.codeChallenge], ['code_challenge_method', 'S256'], ...(req.nonce === null ? [] : [['nonce', req.nonce] as [string, string]]),
  ];
  const fields = hidden.map(([k, v]) => `<input type="hidden" name="${k}" value="${escape(v)}">`).join('\n');
  const buttons = users.map((u) => `<p><button type="submit" name="subject" value="${escape(u.subject)}">Sign in as ${escape(u.subject)}</button> <small>groups: ${escape(u.groups.join(', ') || 'none')}</small></p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>gitgate trial sign-in</title>
<style>body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; } button { min-width: 12rem; }</style></head>
<body>
<h1>gitgate trial identity provider</h1>
<p>Trial only: anyone on this machine may sign in as any of these people. Signing in to <code>${escape(req.clientId)}</code>.</p>
<form method="post" action="${escape(action)}">
${fields}
${buttons}
</form>
</body>
</html>
`;
}
