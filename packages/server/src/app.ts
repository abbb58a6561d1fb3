/** The express application: git smart-HTTP routes, health, and a JSON 404 for everything else. */
import express, { type Express } from 'express';
import type { RepoMirror } from '@gitgate/mirror';
import { gitRoutes, parseGitPath } from './git-routes.js';
import type { PushSettings } from '@gitgate/mirror';
import type { PushThrottleOptions } from './push-throttle.js';
import { PROMETHEUS_CONTENT_TYPE, type GatewayMetrics } from './metrics.js';
import { noopLogger, type Logger } from './logger.js';
import { nullAudit, type AuditSink } from './audit-sink.js';
import { anonymousAuthenticator, openPolicy, type Authenticator, type Identity, type ReadPolicy } from './identity.js';
import { apiRouter, type AuditQueries, type DetokenizeApi } from './api/api-router.js';
import { approvalsPage, type ApprovalsSignIn } from './api/approvals-page.js';
import type { PushApprovalApi } from './push-approval-api.js';
import type { SyncRunner } from './sync-runner.js';
import type { RepoSyncHealth } from './sync-health.js';
import { RefusalAudit } from './refusal-audit.js';
import { bearerMatches } from './bearer-token.js';

export interface AppOptions {
  repos: ReadonlyMap<string, RepoMirror>;
  agent?: string;
  logger?: Logger;
  maxBodyBytes?: number;
  audit?: AuditSink;
  authenticator?: Authenticator;
  policy?: ReadPolicy;
  detokenize?: DetokenizeApi;
  /** Held pushes (push.requireApproval): the push route opens their requests, the API decides them. */
  pushApprovals?: PushApprovalApi;
  auditQueries?: AuditQueries;
  isAdmin?: (id: Identity) => boolean;
  /** Readiness: resolves to a map of failed checks (empty when ready). */
  ready?: () => Promise<Record<string, string>>;
  /** Counted per request and served at /metrics. */
  metrics?: GatewayMetrics;
  /**
   * Who may read /metrics: `{ token }` asks for `Authorization: Bearer <token>`, 'open' serves anyone
   * (loopback trials), 'closed' answers 404 as for any unknown route. Default 'open'.
   */
  metricsAccess?: { token: string } | 'open' | 'closed';
  /** Each served repository's last sync outcome; a failed one makes /readyz answer 503 'degraded'. */
  syncHealth?: () => Record<string, RepoSyncHealth>;
  /** Folds refused API calls into the audit (one over `audit` by default). */
  refusals?: RefusalAudit;
  /** Runs and records syncs (shared with the gateway's background syncs). */
  syncRunner?: SyncRunner;
  /** A repository's push settings (undefined: read-only); see GitRoutesOptions.pushSettings. */
  pushSettings?: (repo: string) => PushSettings | undefined;
  /** Refused pushes allowed per identity and window (GitRoutesOptions.pushThrottle). */
  pushThrottle?: PushThrottleOptions;
  /** The provider the approvals page signs in with (authorization code + PKCE); absent: pasted tokens only. */
  approvalsSignIn?: () => ApprovalsSignIn | undefined;
}

/** A bounded route label: the git endpoint, a fixed path, or 'other' (never a raw path or repo name). */
function routeOf(path: string): string {
  const git = parseGitPath(path);
  if (git) return git.endpoint;
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return path.slice(1);
  if (path.startsWith('/api/')) return 'api';
  return 'other';
}

/** Builds the express app (no listening). */
export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const metrics = opts.metrics;
  if (metrics) {
    app.use((req, res, next) => {
      res.on('finish', () => metrics.httpRequests.inc({ route: routeOf(req.path), status: res.statusCode }));
      next();
    });
    const access = opts.metricsAccess ?? 'open';
    if (access !== 'closed') {
      app.get('/metrics', (req, res) => {
        if (access !== 'open' && !bearerMatches(req, access.token)) {
          res.status(401).set('WWW-Authenticate', 'Bearer realm="gitgate-metrics"').json({ error: { code: 'GITGATE_UNAUTHENTICATED', message: 'metrics need the configured bearer token (metrics.token)' } });
          return;
        }
        res.set('Content-Type', PROMETHEUS_CONTENT_TYPE).send(metrics.registry.render());
      });
    }
  }
  app.get('/readyz', (req, res) => {
    const check = opts.ready ?? (async () => ({}));
    // `?syncs=ignore` leaves repository sync health out of the status (for load-balancer probes).
    const ignoreSyncs = req.query.syncs === 'ignore';
    check().then(
      (problems) => {
        const repos = opts.syncHealth?.() ?? {};
        const failed = Object.keys(problems).length > 0;
        const degraded = !ignoreSyncs && Object.values(repos).some((r) => r.lastOutcome === 'error');
        const status = failed ? 'not ready' : degraded ? 'degraded' : 'ready';
        res.status(failed || degraded ? 503 : 200).json({ status, problems, repos });
      },
      () => res.status(503).json({ status: 'not ready', problems: { check: 'readiness check failed' }, repos: {} }),
    );
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const authenticator = opts.authenticator ?? anonymousAuthenticator;
  const audit = opts.audit ?? nullAudit;
  const refusals = opts.refusals ?? new RefusalAudit({ audit });
  app.use('/api/v1', apiRouter({
    authenticator, audit, refusals, detokenize: opts.detokenize, pushApprovals: opts.pushApprovals, auditQueries: opts.auditQueries,
    isAdmin: opts.isAdmin ?? (() => false), logger: opts.logger,
  }));
  app.use(approvalsPage({ signIn: opts.approvalsSignIn }));
  app.use(gitRoutes({
    repos: opts.repos, agent: opts.agent ?? 'gitgate/0.1.0', logger: opts.logger ?? noopLogger, maxBodyBytes: opts.maxBodyBytes,
    audit, refusals, authenticator, policy: opts.policy ?? openPolicy, metrics, syncRunner: opts.syncRunner, pushSettings: opts.pushSettings, pushThrottle: opts.pushThrottle,
    pushApprovals: opts.pushApprovals,
  }));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'GITGATE_NOT_FOUND', message: 'no such route' } });
  });
  return app;
}
