/**
 * The agent's client of the gateway's /api/v1: detokenize requests and token administration over
 * fetch, each call with a fresh OIDC token from its source. Tokens travel in request bodies, or
 * percent-encoded where a route names one in its path (`/tokens/{token}`).
 */
import type { RequestView, RevealedRequestView, TokenInfo } from '@gitgate/access';
import { AgentError, agentCodes } from './agent-error.js';

/** Options of `GatewayClient`. */
export interface GatewayClientOptions {
  /** The gateway's base URL, e.g. https://gitgate.example.com. */
  url: string;
  /** A fresh OIDC token for each call. */
  jwt: () => Promise<string>;
  /** Milliseconds before a call is abandoned; default 30 s. */
  timeoutMs?: number;
}

/** The gateway's answers for detokenize requests and tokens. Every method throws AgentError. */
export class GatewayClient {
  readonly #base: string;
  readonly #jwt: () => Promise<string>;
  readonly #timeoutMs: number;

  constructor(opts: GatewayClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch {
      throw new TypeError('the gateway URL is not a URL');
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('the gateway URL must be http(s)');
    this.#base = `${base.origin}${base.pathname.replace(/\/+$/, '')}/api/v1`;
    this.#jwt = opts.jwt;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Asks for the secret behind `token`. A 409 for an already open request throws with `data.openRequestId`. */
  create(token: string, reason: string | undefined): Promise<RequestView> {
    return this.#call('POST', '/detokenize-requests', { token, ...(reason === undefined ? {} : { reason }) });
  }

  /** One request's state (never the secret). */
  get(id: string): Promise<RequestView> {
    return this.#call('GET', `/detokenize-requests/${encodeURIComponent(id)}`);
  }

  /** The caller's own requests, newest first. */
  async mine(status?: string): Promise<RequestView[]> {
    const q = new URLSearchParams({ mine: '1', ...(status === undefined ? {} : { status }) });
    return (await this.#call<{ items: RequestView[] }>('GET', `/detokenize-requests?${q}`)).items;
  }

  /** The secret of an approved request (POST: a retried GET can never use up the grant). */
  reveal(id: string): Promise<RevealedRequestView> {
    return this.#call('POST', `/detokenize-requests/${encodeURIComponent(id)}/reveal`);
  }

  /** A token's metadata (admins). */
  info(token: string): Promise<TokenInfo> {
    return this.#call('GET', `/tokens/${encodeURIComponent(token)}`);
  }

  /** Revokes a token (admins). */
  async revoke(token: string): Promise<void> {
    await this.#call('POST', `/tokens/${encodeURIComponent(token)}/revoke`);
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${await this.#jwt()}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.#base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (e) {
      throw new AgentError(agentCodes.unreachable, `the gateway at ${new URL(this.#base).origin} could not be reached: ${(e as Error).message}`, { cause: e });
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      throw new AgentError(agentCodes.unreachable, `the gateway answered HTTP ${res.status} without JSON (is ${new URL(this.#base).origin} a gitgate gateway?)`, { cause: e });
    }
    if (res.ok) return json as T;
    const err = (json as { error?: { code?: unknown; message?: unknown; openRequestId?: unknown } }).error ?? {};
    const message = typeof err.message === 'string' ? err.message : `HTTP ${res.status}`;
    throw new AgentError(agentCodes.apiRefused, message, {
      data: { status: res.status, code: typeof err.code === 'string' ? err.code : null, ...(typeof err.openRequestId === 'string' ? { openRequestId: err.openRequestId } : {}) },
    });
  }
}
