/** The express application: git smart-HTTP routes, health, and a JSON 404 for everything else. */
import express, { type Express } from 'express';
import type { RepoMirror } from '@gitgate/mirror';
import { gitRoutes } from './git-routes.js';
import { noopLogger, type Logger } from './logger.js';
import type { AuditSink } from './audit-sink.js';

export interface AppOptions {
  repos: ReadonlyMap<string, RepoMirror>;
  agent?: string;
  logger?: Logger;
  maxBodyBytes?: number;
  audit?: AuditSink;
}

/** Builds the express app (no listening). */
export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(gitRoutes({ repos: opts.repos, agent: opts.agent ?? 'gitgate/0.1.0', logger: opts.logger ?? noopLogger, maxBodyBytes: opts.maxBodyBytes, audit: opts.audit }));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'GITGATE_NOT_FOUND', message: 'no such route' } });
  });
  return app;
}
