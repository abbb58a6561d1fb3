/** One HTTP request to the gateway with an optional JWT and JSON body; never throws on an HTTP status. */
import { request } from 'node:http';

export interface HttpResult { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: () => any }

export function http(url: string, opts: { method?: string; jwt?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    const req = request(url, {
      method: opts.method ?? 'GET',
      headers: { ...(opts.jwt ? { Authorization: `Bearer ${opts.jwt}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
