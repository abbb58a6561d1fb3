/** The express application: git smart-HTTP routes, health, and a JSON 404 for everything else. */
import express, { type Express } from 'express';
import type { RepoMirror } from '@gitgate/mirror';
import { gitRoutes } from './git-routes.js';
import { noopLogger, type Logger } from './logger.js';
import { nullAudit, type AuditSink } from './audit-sink.js';
import { anonymousAuthenticator, openPolicy, type Authenticator, type Identity, type ReadPolicy } from './identity.js';
import { apiRouter, type AuditQueries, type DetokenizeApi } from './api/api-router.js';
import { approvalsPage } from './api/approvals-page.js';

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
}

/** Builds the express app (no listening). */
export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
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
    audit, authenticator, policy: opts.policy ?? openPolicy,
  }));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'GITGATE_NOT_FOUND', message: 'no such route' } });
  });
  return app;
}
