/**
 * GitHub (or GitHub Enterprise Server, through `baseUrl`) as a source of upstreams: lists an
 * organisation's repositories with @octokit/rest, keeps those whose name matches the configured globs,
 * and supplies the credential git fetches them with — a token as given, or for a GitHub App an
 * installation token minted with a locally signed app JWT and refreshed before it expires.
 * REST endpoints used: GET /orgs/{org}/repos, POST /app/installations/{installation_id}/access_tokens.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { MirrorError, codes } from './errors.js';
import { noopLogger, type Logger } from '@gitgate/log';
import type { UpstreamSource } from './upstream-store.js';
import { authorizationHeader } from './upstream-credentials.js';

/** How the connector authenticates to GitHub: a token (PAT, fine-grained or installation) or a GitHub App. */
export type GitHubAuth =
  | { token: string }
  | { app: { appId: number | string; /** PEM (PKCS#1 or PKCS#8) as downloaded from GitHub. */ privateKey: string; installationId: number | string } };

export interface GitHubConnectorOptions {
  org: string;
  /**
   * Globs over repository names (without the org): `*` any run of characters, `?` one character,
   * case-insensitive as GitHub names are. A glob starting with `!` excludes what it matches, whatever
   * the order. At least one including glob is required.
   */
  include: string[];
  auth: GitHubAuth;
  /** API root, default https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3. */
  baseUrl?: string;
  /** Archived repositories are skipped unless this is true (they are read-only and usually noise). */
  includeArchived?: boolean;
  /** Milliseconds since the epoch (default Date.now); drives token expiry and the app JWT's times. */
  clock?: () => number;
  logger?: Logger;
  /** The fetch Octokit uses (default the global fetch); e.g. one with a custom CA dispatcher. */
  fetch?: typeof fetch;
  /** An installation token is replaced when less than this remains (ms, default 5 minutes). */
  refreshBeforeMs?: number;
}

/** A repository the connector exposes. */
export interface GitHubRepo {
  /** `org/repo`, as GitHub spells it. */
  name: string;
  /** The HTTPS clone URL GitHub reports. */
  cloneUrl: string;
  defaultBranch: string;
}

/** A credential for git over HTTPS and the GitHub API; `expiresAt` is set for installation tokens. */
export interface GitHubCredentials {
  token: string;
  expiresAt?: Date;
}

/** Code of every error this connector throws for a failed GitHub call. */
export const GITHUB_ERROR = codes.githubFailed;

const DEFAULT_REFRESH_BEFORE_MS = 5 * 60_000;
/** GitHub refuses app JWTs whose lifetime exceeds 10 minutes; iat is backdated for clock drift. */
const JWT_BACKDATE_S = 60;
const JWT_LIFETIME_S = 600;

export class GitHubConnector {
  readonly org: string;
  readonly #opts: GitHubConnectorOptions;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #include: RegExp[];
  readonly #exclude: RegExp[];
  readonly #appKey: KeyObject | null;
  /** Lists repositories; every request carries the current credential (see the hook in the constructor). */
  readonly #api: Octokit;
  /** Mints installation tokens with the app JWT; has no hook, so it never sends an installation token. */
  readonly #appApi: Octokit | null;
  #cached: GitHubCredentials | null = null;
  #minting: Promise<GitHubCredentials> | null = null;

  /** Throws TypeError on a malformed option (an unreadable private key is reported without its content). */
  constructor(opts: GitHubConnectorOptions) {
    if (typeof opts.org !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(opts.org)) throw new TypeError('org must be a GitHub organisation name');
    if (!Array.isArray(opts.include) || opts.include.some((g) => typeof g !== 'string' || g === '' || g === '!')) {
      throw new TypeError('include must be a list of non-empty globs');
    }
    if (!opts.include.some((g) => !g.startsWith('!'))) throw new TypeError('include needs at least one glob that is not an exclusion');
    this.org = opts.org;
    this.#opts = opts;
    this.#log = opts.logger ?? noopLogger;
    this.#clock = opts.clock ?? Date.now;
    this.#include = opts.include.filter((g) => !g.startsWith('!')).map(globToRegExp);
    this.#exclude = opts.include.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1)));

    if ('token' in opts.auth) {
      if (typeof opts.auth.token !== 'string' || opts.auth.token === '') throw new TypeError('auth.token is empty');
      this.#appKey = null;
    } else if ('app' in opts.auth && opts.auth.app) {
      const { appId, installationId, privateKey } = opts.auth.app;
      if (!/^[1-9][0-9]*$/.test(String(appId))) throw new TypeError('auth.app.appId must be a positive integer');
      if (!/^[1-9][0-9]*$/.test(String(installationId))) throw new TypeError('auth.app.installationId must be a positive integer');
      try {
        this.#appKey = createPrivateKey(privateKey);
      } catch {
        throw new TypeError('auth.app.privateKey is not a PEM private key');
      }
      if (this.#appKey.asymmetricKeyType !== 'rsa') throw new TypeError('auth.app.privateKey must be an RSA key (GitHub signs app JWTs with RS256)');
    } else {
      throw new TypeError('auth is { token } or { app: { appId, privateKey, installationId } }');
    }

    const common = {
      baseUrl: opts.baseUrl,
      userAgent: 'gitgate',
      request: opts.fetch ? { fetch: opts.fetch } : undefined,
      // Octokit's own messages (deprecations, request lines) hold no credential: it redacts authorization.
      log: {
        debug: (message: string) => this.#log.debug('github api', { message }),
        info: (message: string) => this.#log.debug('github api', { message }),
        warn: (message: string) => this.#log.warn('github api warning', { message }),
        error: (message: string) => this.#log.error('github api error', { message }),
      },
    };
    this.#api = new Octokit(common);
    this.#api.hook.before('request', async (options) => {
      // Asked per request, so a long pagination switches to a refreshed installation token.
      const { token } = await this.credentials();
      options.headers.authorization = `token ${token}`;
    });
    this.#appApi = this.#appKey ? new Octokit(common) : null;
  }

  /**
   * The organisation's repositories matching `include` (not archived unless `includeArchived`, never
   * disabled ones), sorted by name. Throws MirrorError GITGATE_GITHUB_FAILED when GitHub refuses or
   * cannot be reached.
   */
  async resolve(): Promise<GitHubRepo[]> {
    let listed: Awaited<ReturnType<Octokit['rest']['repos']['listForOrg']>>['data'];
    try {
      listed = await this.#api.paginate(this.#api.rest.repos.listForOrg, { org: this.org, type: 'all', per_page: 100 });
    } catch (e) {
      throw this.#apiError(`listing the repositories of ${this.org}`, e);
    }
    const out: GitHubRepo[] = [];
    let skippedArchived = 0;
    for (const r of listed) {
      if (!this.#matches(r.name)) continue;
      if (r.disabled) continue;
      if (r.archived && !this.#opts.includeArchived) {
        skippedArchived++;
        continue;
      }
      if (typeof r.clone_url !== 'string' || !/^https:\/\//i.test(r.clone_url)) {
        // The credential is sent to the clone URL: never over anything but TLS.
        this.#log.warn('github repository skipped: clone url is not https', { repo: r.full_name });
        continue;
      }
      out.push({ name: r.full_name, cloneUrl: r.clone_url, defaultBranch: r.default_branch ?? 'main' });
    }
    // Case-insensitive like GitHub's own listing; code-unit order, so the result is locale-independent.
    const key = (r: GitHubRepo): string => `${r.name.toLowerCase()}\0${r.name}`;
    out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    this.#log.info('github repositories resolved', { org: this.org, listed: listed.length, exposed: out.length, skippedArchived });
    return out;
  }

  /**
   * The credential for the API and for git: the configured token, or a cached installation token,
   * minted anew when less than `refreshBeforeMs` of its life remains. Concurrent callers share one mint.
   * Throws MirrorError GITGATE_GITHUB_FAILED when minting fails.
   */
  async credentials(): Promise<GitHubCredentials> {
    const auth = this.#opts.auth;
    if ('token' in auth) return { token: auth.token };
    const margin = this.#opts.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
    const cached = this.#cached;
    if (cached && cached.expiresAt && cached.expiresAt.getTime() - this.#clock() > margin) return cached;
    this.#minting ??= this.#mint().finally(() => {
      this.#minting = null;
    });
    return this.#minting;
  }

  /**
   * The UpstreamSource for one resolved repository: its clone URL, and a `headers` callback that puts
   * the current credential in an Authorization header at every fetch (an installation token lives one
   * hour, shorter than a gateway runs). UpstreamStore.fetch calls `headers` before each fetch.
   */
  upstreamSource(repo: GitHubRepo, extra: { caFile?: string } = {}): UpstreamSource & { headers: () => Promise<string[]>; caFile?: string } {
    return {
      url: repo.cloneUrl,
      headers: async () => [`Authorization: ${authorizationHeader({ token: (await this.credentials()).token })}`],
      ...(extra.caFile ? { caFile: extra.caFile } : {}),
    };
  }

  async #mint(): Promise<GitHubCredentials> {
    const { appId, installationId } = (this.#opts.auth as Extract<GitHubAuth, { app: unknown }>).app;
    const jwt = appJwt(appId, this.#appKey!, this.#clock());
    let res;
    try {
      res = await this.#appApi!.request('POST /app/installations/{installation_id}/access_tokens', {
        installation_id: Number(installationId),
        headers: { authorization: `bearer ${jwt}` },
      });
    } catch (e) {
      throw this.#apiError(`minting an installation token for installation ${installationId}`, e, jwt);
    }
    const token = res.data.token;
    const expiresAt = new Date(res.data.expires_at);
    if (typeof token !== 'string' || token === '' || Number.isNaN(expiresAt.getTime())) {
      throw new MirrorError(GITHUB_ERROR, 'GitHub returned an installation token response without token or expires_at', { data: { installationId: String(installationId) } });
    }
    this.#cached = { token, expiresAt };
    this.#log.info('github installation token minted', { installationId: String(installationId), expiresAt: expiresAt.toISOString() });
    return this.#cached;
  }

  #matches(name: string): boolean {
    return this.#include.some((re) => re.test(name)) && !this.#exclude.some((re) => re.test(name));
  }

  /** A MirrorError with GitHub's status and message only: no request headers, no token, no JWT. */
  #apiError(what: string, e: unknown, ...secrets: string[]): MirrorError {
    const err = e as { status?: unknown; response?: { data?: { message?: unknown } }; message?: unknown };
    const status = typeof err?.status === 'number' ? err.status : undefined;
    let detail = typeof err?.response?.data?.message === 'string' ? err.response.data.message : typeof err?.message === 'string' ? err.message : 'unknown error';
    const auth = this.#opts.auth;
    for (const s of [...secrets, 'token' in auth ? auth.token : '', this.#cached?.token ?? '']) if (s) detail = detail.split(s).join('***');
    detail = detail.slice(0, 300);
    return new MirrorError(GITHUB_ERROR, `GitHub API: ${what} failed${status ? ` (HTTP ${status})` : ''}: ${detail}`, { data: { org: this.org, status } });
  }
}

/**
 * A GitHub App JWT (RS256): `iss` the app id, `iat` backdated 60 s for clock drift, `exp` 10 minutes
 * after `iat` — the longest GitHub accepts. `nowMs` is milliseconds since the epoch.
 */
export function appJwt(appId: number | string, privateKey: KeyObject | string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const iat = now - JWT_BACKDATE_S;
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat, exp: iat + JWT_LIFETIME_S, iss: String(appId) }));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`, 'ascii'), privateKey);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

function base64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

/** `*` and `?` over a whole name, case-insensitive; every other character literal. */
function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}
