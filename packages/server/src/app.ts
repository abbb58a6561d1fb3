/** The express application: git smart-HTTP routes, health, and a JSON 404 for everything else. */
import express, { type Express } from 'express';
import type { RepoMirror } from '@gitgate/mirror';
import { gitRoutes, parseGitPath } from './git-routes.js';
import { PROMETHEUS_CONTENT_TYPE, type GatewayMetrics } from './metrics.js';
import { noopLogger, type Logger } from './logger.js';
import { nullAudit, type AuditSink } from './audit-sink.js';
import { anonymousAuthenticator, openPolicy, type Authenticator, type Identity, type ReadPolicy } from './identity.js';
import { apiRouter, type AuditQueries, type DetokenizeApi } from './api/api-router.js';
import { approvalsPage } from './api/approvals-page.js';
import type { SyncRunner } from './sync-runner.js';

export interface AppOptions {
  repos: ReadonlyMap<string, RepoMirror>;
  agent?: string;
  logger?: Logger;
  maxBodyBytes?: number;
  audit?: AuditSink;
  authenticator?: Authenticator;
  policy?: ReadPolicy;
  detokenize?: DetokenizeApi;
  auditQueries?: AuditQueries;
  isAdmin?: (id: Identity) => boolean;
  /** Readiness: resolves to a map of failed checks (empty when ready). */
  ready?: () => Promise<Record<string, string>>;
  /** Counted per request and served at /metrics. */
  metrics?: GatewayMetrics;
  /** Runs and records syncs (shared with the gateway's background syncs). */
  syncRunner?: SyncRunner;
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
    app.get('/metrics', (_req, res) => {
      res.set('Content-Type', PROMETHEUS_CONTENT_TYPE).send(metrics.registry.render());
    });
  }
  app.get('/readyz', (_req, res) => {
    const check = opts.ready ?? (async () => ({}));
    check().then(
      (problems) => {
        const failed = Object.keys(problems).length > 0;
        res.status(failed ? 503 : 200).json({ status: failed ? 'not ready' : 'ready', problems });
      },
      () => res.status(503).json({ status: 'not ready', problems: { check: 'readiness check failed' } }),
    );
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const authenticator = opts.authenticator ?? anonymousAuthenticator;
  const audit = opts.audit ?? nullAudit;
  app.use('/api/v1', apiRouter({
    authenticator, audit, detokenize: opts.detokenize, auditQueries: opts.auditQueries,
    isAdmin: opts.isAdmin ?? (() => false), logger: opts.logger,
  }));
  app.use(approvalsPage());
  app.use(gitRoutes({
    repos: opts.repos, agent: opts.agent ?? 'gitgate/0.1.0', logger: opts.logger ?? noopLogger, maxBodyBytes: opts.maxBodyBytes,
    audit, authenticator, policy: opts.policy ?? openPolicy, metrics, syncRunner: opts.syncRunner,
  }));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'GITGATE_NOT_FOUND', message: 'no such route' } });
  });
  return app;
}
