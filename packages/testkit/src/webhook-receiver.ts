/**
 * A webhook receiver on 127.0.0.1 for tests: records every POST (headers, body) and answers the
 * queued statuses in turn, then 204 (or what `answer` says). It can listen on a given port, so a test can start it after the
 * sender first found nobody there.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedHook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port><path>`. */
  url: string;
  port: number;
  received: ReceivedHook[];
  /** Resolves once `n` requests have arrived (rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of `startWebhookReceiver`. */
export interface WebhookReceiverOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Path of `url` (default '/hook'). */
  path?: string;
  /** Statuses answered first, in turn. */
  statuses?: number[];
  /** Then the status of each request (default 204), e.g. 400 for a body a chat service would refuse. */
  answer?: (r: ReceivedHook) => number;
}

/** Starts a receiver; see WebhookReceiverOptions. */
export async function startWebhookReceiver(opts: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const statuses = [...(opts.statuses ?? [])];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      res.statusCode = statuses.shift() ?? opts.answer?.(r) ?? 204;
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${opts.path ?? '/hook'}`,
    port,
    received,
    async waitFor(n, ms = 10_000) {
      const until = Date.now() + ms;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} webhook requests, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A loopback port nobody listens on right now (a receiver that is down). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
