/**
 * /metrics on its own address (`metrics.listen`), e.g. a loopback or cluster-internal port that only
 * Prometheus reaches; the main listener then serves no metrics. Everything else answers 404.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerMatches } from './bearer-token.js';
import { PROMETHEUS_CONTENT_TYPE, type MetricsRegistry } from './metrics.js';

export interface MetricsListenerOptions {
  host: string;
  port: number;
  registry: MetricsRegistry;
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
}

/** A running metrics listener. */
export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** Starts listening; rejects when the address cannot be bound. */
export async function startMetricsListener(opts: MetricsListenerOptions): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'GITGATE_NOT_FOUND', message: 'no such route' } }));
      return;
    }
    if (opts.token !== undefined && !bearerMatches(req, opts.token)) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer realm="gitgate-metrics"' })
        .end(JSON.stringify({ error: { code: 'GITGATE_UNAUTHENTICATED', message: 'metrics need the configured bearer token (metrics.token)' } }));
      return;
    }
    res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : opts.registry.render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
