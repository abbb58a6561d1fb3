/**
 * A local stand-in for the two GitHub REST endpoints the connector uses, on 127.0.0.1:0:
 * GET /orgs/{org}/repos (paginated with Link headers, two per page) and
 * POST /app/installations/{id}/access_tokens (checks the app JWT's RS256 signature with the app's
 * public key and its times against the test's clock). Tokens are built at run time from parts.
 */
import { randomInt, verify, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  name: string;
  defaultBranch?: string;
  archived?: boolean;
  /** Default https://git.example.test/{org}/{name}.git */
  cloneUrl?: string;
}

export interface FakeGitHubOptions {
  org: string;
  repos: FakeRepo[];
  /** A token (PAT) accepted by the list endpoint besides issued installation tokens. */
  staticToken?: string;
  app?: { appId: number; installationId: number; publicKey: KeyObject };
  /** The test's clock (ms); token lifetimes and JWT times are checked against it. */
  clock: () => number;
  /** Installation token lifetime (ms, default one hour, as GitHub). */
  tokenLifetimeMs?: number;
}

export interface FakeGitHub {
  /** API root for Octokit's baseUrl. */
  url: string;
  /** Installation tokens issued, in order, with their expiry. */
  issued: { token: string; expiresAt: number }[];
  /** Decoded payloads of the app JWTs accepted. */
  jwts: { iss: string; iat: number; exp: number }[];
  /** Paths of list requests served (with query). */
  listRequests: string[];
  /** True when `token` is the static token or an issued installation token not yet expired. */
  accepts(token: string): boolean;
  close(): Promise<void>;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An installation-token-shaped value (prefix + 36 characters), assembled at run time. */
export function fakeInstallationToken(): string {
  let s = 'gh' + 's_';
  for (let i = 0; i < 36; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

/** The fake's state: its options, what it issued and saw, and its own address once listening. */
interface FakeState {
  opts: FakeGitHubOptions;
  issued: FakeGitHub['issued'];
  jwts: FakeGitHub['jwts'];
  listRequests: string[];
  accepts(token: string): boolean;
  base: string;
}

/** Starts the fake on 127.0.0.1:0. */
export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  const issued: FakeGitHub['issued'] = [];
  const accepts = (token: string): boolean =>
    (opts.staticToken !== undefined && token === opts.staticToken) || issued.some((t) => t.token === token && t.expiresAt > opts.clock());
  const state: FakeState = { opts, issued, jwts: [], listRequests: [], accepts, base: '' };
  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://x');
    const list = /^\/orgs\/([^/]+)\/repos$/.exec(url.pathname);
    if (req.method === 'GET' && list) return listRepos(state, req, res, url, list[1]);
    const mint = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (req.method === 'POST' && mint) return mintToken(state, req, res, Number(mint[1]));
    return json(res, 404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: state.base, issued, jwts: state.jwts, listRequests: state.listRequests, accepts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** GET /orgs/{org}/repos: two repositories per page, with GitHub's Link header. */
function listRepos(state: FakeState, req: http.IncomingMessage, res: http.ServerResponse, url: URL, org: string): void {
  const { opts, base } = state;
  const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token || !state.accepts(token)) return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
  if (org !== opts.org) return json(res, 404, { message: 'Not Found' });
  state.listRequests.push(url.pathname + url.search);
  const page = Number(url.searchParams.get('page') ?? '1');
  const size = 2;
  const pages = Math.max(1, Math.ceil(opts.repos.length / size));
  const slice = opts.repos.slice((page - 1) * size, page * size);
  const links: string[] = [];
  if (page < pages) links.push(`<${base}${url.pathname}?per_page=100&type=all&page=${page + 1}>; rel="next"`, `<${base}${url.pathname}?per_page=100&type=all&page=${pages}>; rel="last"`);
  return json(res, 200, slice.map((r, i) => ({
    id: 1000 + (page - 1) * size + i,
    name: r.name,
    full_name: `${opts.org}/${r.name}`,
    private: true,
    archived: r.archived ?? false,
    disabled: false,
    default_branch: r.defaultBranch ?? 'main',
    clone_url: r.cloneUrl ?? `https://git.example.test/${opts.org}/${r.name}.git`,
  })), links.length ? { link: links.join(', ') } : {});
}

/** POST /app/installations/{id}/access_tokens: a new installation token for a valid app JWT. */
function mintToken(state: FakeState, req: http.IncomingMessage, res: http.ServerResponse, installationId: number): void {
  const { opts } = state;
  const problem = checkJwt(state, req.headers.authorization);
  if (problem) return json(res, 401, { message: `A JSON web token could not be decoded (${problem})` });
  if (!opts.app || installationId !== opts.app.installationId) return json(res, 404, { message: 'Not Found' });
  const token = fakeInstallationToken();
  const expiresAt = opts.clock() + (opts.tokenLifetimeMs ?? 3_600_000);
  state.issued.push({ token, expiresAt });
  // GitHub reports expires_at in whole seconds, UTC.
  return json(res, 201, { token, expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), permissions: { contents: 'read' } });
}

/** Why an app JWT is refused, or null when it is accepted (and then recorded). */
function checkJwt(state: FakeState, header: string | undefined): string | null {
  const { opts } = state;
  const m = /^bearer (.+)$/i.exec(header ?? '');
  if (!m || !opts.app) return 'no bearer';
  const parts = m[1].split('.');
  if (parts.length !== 3) return 'malformed';
  const [h, p, s] = parts;
  let head: { alg?: string };
  let payload: { iss: string; iat: number; exp: number };
  try {
    head = JSON.parse(Buffer.from(h, 'base64url').toString()) as typeof head;
    payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as typeof payload;
  } catch {
    return 'malformed';
  }
  if (head.alg !== 'RS256') return 'alg';
  if (!verify('sha256', Buffer.from(`${h}.${p}`), opts.app.publicKey, Buffer.from(s, 'base64url'))) return 'signature';
  const now = Math.floor(opts.clock() / 1000);
  if (String(payload.iss) !== String(opts.app.appId)) return 'iss';
  if (payload.iat > now) return 'iat in the future';
  if (payload.exp <= now) return 'expired';
  if (payload.exp - payload.iat > 600) return 'lifetime over 10 minutes';
  state.jwts.push(payload);
  return null;
}
