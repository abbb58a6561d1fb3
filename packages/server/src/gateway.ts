/**
 * A running gateway: opens the stores under the data directory, builds one RepoMirror per configured
 * repository, and listens. This is what `gitgate serve` and the end-to-end tests start.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { IdMap, RepoMirror, type UpstreamSource } from '@gitgate/mirror';
import { createScanner, type Scanner } from '@gitgate/scanner';
import { Vault, loadOrCreateKey } from '@gitgate/vault';
import { AuditLog } from '@gitgate/audit';
import { createApp } from './app.js';
import { ServerError } from './errors.js';
import { noopLogger, type Logger } from './logger.js';

export interface GatewayRepo {
  name: string;
  upstream: UpstreamSource;
}

export interface GatewayOptions {
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (0 picks a free one). */
  port?: number;
  dataDir: string;
  repos: GatewayRepo[];
  auth: { mode: 'none' };
  logger?: Logger;
  scanner?: Scanner;
  coalesceMs?: number;
  maxBodyBytes?: number;
}

export interface Gateway {
  url: string;
  server: Server;
  repos: ReadonlyMap<string, RepoMirror>;
  vault: Vault;
  audit: AuditLog;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Directory name of a repository's stores (flat, reversible, safe for any name). */
export function repoDirName(name: string): string {
  return encodeURIComponent(name);
}

/** Opens everything and starts listening. Throws ServerError when auth mode none is asked for a non-loopback host. */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.auth.mode === 'none' && !LOOPBACK.test(host)) {
    throw new ServerError('GITGATE_CONFIG', 500, `auth mode "none" only listens on loopback, not ${host}`);
  }
  const log = opts.logger ?? noopLogger;
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const masterKey = await loadOrCreateKey(join(opts.dataDir, 'gitgate.key'));
  const vault = await Vault.open({ dbPath: join(opts.dataDir, 'vault.db'), masterKey, logger: log });
  const idMap = await IdMap.open(join(opts.dataDir, 'mirror.db'));
  const audit = await AuditLog.open({ path: join(opts.dataDir, 'audit.db'), logger: log });
  const scanner = opts.scanner ?? createScanner();
  const repos = new Map<string, RepoMirror>();
  for (const r of opts.repos) {
    repos.set(r.name, new RepoMirror({
      name: r.name, source: r.upstream, dir: join(opts.dataDir, 'repos', repoDirName(r.name)),
      idMap, vault, scanner, logger: log, coalesceMs: opts.coalesceMs,
    }));
  }
  const app = createApp({ repos, logger: log, maxBodyBytes: opts.maxBodyBytes, audit });
  const server = createServer(app);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.info('gateway listening', { url, repos: repos.size });
  return {
    url, server, repos, vault, audit,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await audit.close();
      await idMap.close();
      await vault.close();
    },
  };
}
