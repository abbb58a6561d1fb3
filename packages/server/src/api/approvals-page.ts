/**
 * The approver web page at /approvals: sign in through the OIDC provider (authorization code with PKCE,
 * when a client id is configured) or with a pasted token, see who is signed in, the pending detokenize
 * requests with their context and approvals (k of N), the held pushes, and a history of decided
 * requests; approve or deny each after a confirmation. Plain HTML, CSS and a script (assets/approvals/)
 * served from the same origin under a strict Content-Security-Policy that lets the script reach this
 * gateway and the provider's origin, nothing else.
 */
import express, { type Router } from 'express';
import { readFileSync } from 'node:fs';

/** The provider the page signs in with: its issuer (discovered by the page) and the page's public client id. */
export interface ApprovalsSignIn {
  issuer: string;
  clientId: string;
}

/** Options of `approvalsPage`. */
export interface ApprovalsPageOptions {
  /** The provider in force (read per request: the dev issuer is known only once the gateway listens); none: pasted tokens only. */
  signIn?: () => ApprovalsSignIn | undefined;
}

const asset = (name: string): string => readFileSync(new URL(`../../../assets/approvals/${name}`, import.meta.url), 'utf8');
const HTML = asset('index.html');
const SCRIPT = asset('app.js');
const STYLE = asset('app.css');

/** The CSP: same-origin script and style, fetches to this gateway and (for the sign-in) the issuer's origin. */
export function approvalsCsp(signIn: ApprovalsSignIn | undefined): string {
  const issuerOrigin = signIn ? new URL(signIn.issuer).origin : undefined;
  const connect = ["'self'", ...(issuerOrigin ? [issuerOrigin] : [])].join(' ');
  return `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${connect}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;
}

/** Routes for /approvals, its script, style and sign-in configuration. */
export function approvalsPage(opts: ApprovalsPageOptions = {}): Router {
  const r = express.Router();
  const send = (type: string, body: (signIn: ApprovalsSignIn | undefined) => string) => (_req: express.Request, res: express.Response): void => {
    const signIn = opts.signIn?.();
    res.set({
      'Content-Security-Policy': approvalsCsp(signIn),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    }).type(type).send(body(signIn));
  };
  r.get('/approvals', send('html', () => HTML));
  r.get('/approvals/app.js', send('application/javascript', () => SCRIPT));
  r.get('/approvals/app.css', send('text/css', () => STYLE));
  r.get('/approvals/config.json', send('application/json', (signIn) => JSON.stringify(signIn ? { issuer: signIn.issuer, clientId: signIn.clientId } : {})));
  return r;
}
