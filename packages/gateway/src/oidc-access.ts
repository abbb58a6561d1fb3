/**
 * Identity and authorization in auth mode oidc: the authenticator, the one policy in force (a reload
 * replaces it, and every decision — git, API, detokenize — reads it), and the detokenize service whose
 * events land in the audit, the metrics and the webhook.
 */
import { OidcAuthenticator, Policy, DetokenizeService, type DetokenizeEvent, type PolicyConfig, type RequestFacts } from '@gitgate/access';
import type { Vault } from '@gitgate/vault';
import type { AuditLog } from '@gitgate/audit';
import type { Logger } from '@gitgate/log';
import type { AppOptions, GatewayMetrics } from '@gitgate/server';

type Authenticator = NonNullable<AppOptions['authenticator']>;
import type { WebhookDeliveries } from './webhook-deliveries.js';

export interface OidcAccessOptions {
  /** The issuer to verify tokens against, or (auth mode dev) the authenticator to use. */
  auth: { issuer: string; audience: string; jwksUri?: string; groupsClaim?: string } | { authenticator: Authenticator };
  policy: PolicyConfig;
  /** DataDir.accessDb */
  dbPath: string;
  vault: Vault;
  audit: AuditLog;
  metrics: GatewayMetrics;
  /** Where detokenize events are queued for the webhook. */
  webhook?: WebhookDeliveries;
  /** The sanitized id of an upstream commit (the id map), shown to requesters instead of the upstream id. */
  sanitizedCommit?: (repo: string, upstreamId: string) => Promise<string | undefined>;
  logger: Logger;
}

/** The access wiring of a running gateway. */
export interface OidcAccess {
  app: Pick<AppOptions, 'authenticator' | 'policy' | 'detokenize' | 'isAdmin'>;
  detokenize: DetokenizeService;
  /** The policy in force now (held pushes are decided under it too). */
  currentPolicy(): Policy;
  /** The webhook every approval event goes to, when configured. */
  webhook?: WebhookDeliveries;
  /** The configuration of the policy in force. */
  readonly policyConfig: PolicyConfig;
  /** Puts `policy` (built from `config` already, so a malformed one changed nothing) in force. */
  replacePolicy(policy: Policy, config: PolicyConfig): void;
}

/** The policy a gateway without one starts with: every repository, no reader, no approver. */
export function emptyPolicy(repoNames: readonly string[]): PolicyConfig {
  return { repos: repoNames.map((name) => ({ name, readers: [] })), detokenize: { requesters: [], approvers: [], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true }, admins: [] };
}

/** Opens the detokenize store and builds the authenticator and policy. */
export async function openOidcAccess(opts: OidcAccessOptions): Promise<OidcAccess> {
  const { vault, audit, metrics, logger: log } = opts;
  let policyConfig = opts.policy;
  let policy = new Policy(policyConfig);
  const repoOfToken = tokenRepoLookup(vault);
  const webhook = opts.webhook;
  // The request's own context (what approvers see), else the token's first repository.
  const factsOf = async (e: DetokenizeEvent): Promise<RequestFacts> =>
    (e.requestId === null ? undefined : await detokenize.requestFacts(e.requestId)) ?? { repo: await repoOfToken(e.token), path: null };
  const detokenize = await DetokenizeService.open({
    dbPath: opts.dbPath, vault, policy: () => policy, logger: log, sanitizedCommit: opts.sanitizedCommit,
    // No secret before its record: the reveal's row is committed before the secret is returned.
    recordDurable: async (e) => {
      const repo = await repoOfToken(e.token);
      await audit.recordDurable({ kind: e.type, actor: e.actor, repo, data: { ...e, repo } });
    },
    events: (e) => {
      // The audit row carries the repository the token came from, so reveals can be queried per repo.
      // A reveal was already written durably (recordDurable); everything else is queued here.
      if (e.type !== 'detokenize-reveal') void repoOfToken(e.token).then((repo) => audit.record({ kind: e.type, actor: e.actor, repo, data: { ...e, repo } }));
      metrics.detokenizeRequests.inc({ status: e.type });
      webhook?.notify(e, factsOf);
    },
  });
  return {
    app: {
      authenticator: 'authenticator' in opts.auth ? opts.auth.authenticator
        : new OidcAuthenticator({ issuer: opts.auth.issuer, audience: opts.auth.audience, jwksUri: opts.auth.jwksUri, groupsClaim: opts.auth.groupsClaim }, log),
      policy: { canRead: (id, repo) => policy.canRead(id, repo), canWrite: (id, repo) => policy.canWrite(id, repo) },
      detokenize,
      isAdmin: (id) => policy.isAdmin(id),
    },
    detokenize,
    currentPolicy: () => policy,
    ...(webhook ? { webhook } : {}),
    get policyConfig() { return policyConfig; },
    replacePolicy(next, config) {
      policy = next;
      policyConfig = config;
    },
  };
}

/** The repository a token was first seen in (cached; null when the vault does not say). */
function tokenRepoLookup(vault: Vault): (token: string) => Promise<string | null> {
  const tokenRepos = new Map<string, string | null>();
  return async (token) => {
    if (!tokenRepos.has(token)) {
      const info = await vault.info(token).catch(() => undefined);
      tokenRepos.set(token, info?.occurrences[0]?.repo ?? null);
    }
    return tokenRepos.get(token)!;
  };
}
