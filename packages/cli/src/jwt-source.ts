/**
 * Where an agent's fresh OIDC token comes from, so it never has to sit in `.git/config` or a shell
 * history: a command that prints it, a file a sidecar keeps fresh, GitHub Actions' OIDC endpoint
 * (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, as actions/core getIDToken asks it), or a value given directly.
 */
import { readFile } from 'node:fs/promises';
import { runShellCommand } from '@gitgate/git';
import { AgentError, agentCodes } from './agent-error.js';

/** One source of the OIDC token. */
export type JwtSource =
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'github-actions'; readonly requestUrl: string; readonly requestToken: string; readonly audience?: string }
  | { readonly kind: 'value'; readonly jwt: string };

/** What each source is called in messages. */
const NAMES: Readonly<Record<JwtSource['kind'], string>> = {
  command: 'the token command', file: 'the token file', 'github-actions': 'the GitHub Actions OIDC endpoint', value: 'the given token',
};

/** A compact JWS: three base64url parts. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The source chosen from options, else from the environment: `command`, `file`, then GITGATE_TOKEN,
 * then GitHub Actions when its two variables are set. Undefined when there is none.
 */
export function jwtSourceOf(opts: { command?: string; file?: string; audience?: string }, env: NodeJS.ProcessEnv): JwtSource | undefined {
  if (opts.command !== undefined) return { kind: 'command', command: opts.command };
  if (opts.file !== undefined) return { kind: 'file', path: opts.file };
  if (env.GITGATE_TOKEN) return { kind: 'value', jwt: env.GITGATE_TOKEN };
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    return { kind: 'github-actions', requestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL, requestToken: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, audience: opts.audience };
  }
  return undefined;
}

/**
 * Reads a fresh token from `source` (each call asks again: tokens are short-lived). `env` is what a
 * token command sees. Throws AgentError GITGATE_NO_JWT, naming the source and never its output.
 */
export async function readJwt(source: JwtSource, env: NodeJS.ProcessEnv): Promise<string> {
  const name = NAMES[source.kind];
  let text: string;
  try {
    text = await rawToken(source, env);
  } catch (e) {
    throw new AgentError(agentCodes.noJwt, `${name} gave no token: ${(e as Error).message}`, { cause: e });
  }
  const jwt = text.trim();
  if (!JWT_SHAPE.test(jwt)) throw new AgentError(agentCodes.noJwt, `${name} did not give a JWT (expected header.payload.signature)`);
  return jwt;
}

async function rawToken(source: JwtSource, env: NodeJS.ProcessEnv): Promise<string> {
  switch (source.kind) {
    case 'value': return source.jwt;
    case 'file': return readFile(source.path, 'utf8');
    case 'command': return runShellCommand(source.command, { env, describe: 'the token command' });
    case 'github-actions': return githubActionsToken(source.requestUrl, source.requestToken, source.audience);
  }
}

/** GitHub Actions' OIDC token for `audience` (the job needs `permissions: id-token: write`). */
async function githubActionsToken(requestUrl: string, requestToken: string, audience: string | undefined): Promise<string> {
  const url = new URL(requestUrl);
  if (audience !== undefined) url.searchParams.set('audience', audience);
  const res = await fetch(url, { headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = await res.json() as { value?: unknown };
  if (typeof body?.value !== 'string') throw new Error('the answer has no "value"');
  return body.value;
}
