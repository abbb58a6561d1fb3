/**
 * A stand-in git smart-HTTP server whose every answer the test scripts, on 127.0.0.1:0: for driving
 * the real git client against hand-built protocol bytes (an advertisement, a report-status) and
 * capturing what the client sends (a push body), without a gateway or git http-backend.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** One request as the script sees it; `body` is inflated when the client gzipped it. */
export interface ScriptedGitRequest {
  method: string;
  /** The URL path, e.g. `/repo.git/info/refs`. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The script's answer: status 200 unless given. */
export interface ScriptedGitResponse {
  status?: number;
  contentType: string;
  body: Buffer;
}

export interface ScriptedGitServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Every request received, in order. */
  requests: ScriptedGitRequest[];
  close(): Promise<void>;
}

/**
 * Starts the server; `answer` is called once per request. A throwing script answers 500 with the
 * error's message as text, which git prints, so a failing test shows why.
 */
export async function startScriptedGitServer(
  answer: (req: ScriptedGitRequest) => ScriptedGitResponse | Promise<ScriptedGitResponse>,
): Promise<ScriptedGitServer> {
  const requests: ScriptedGitRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          const raw = Buffer.concat(chunks);
          const url = new URL(req.url ?? '/', 'http://x');
          const body = req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw;
          const scripted: ScriptedGitRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
          requests.push(scripted);
          const out = await answer(scripted);
          res.writeHead(out.status ?? 200, { 'Content-Type': out.contentType, 'Cache-Control': 'no-cache' });
          res.end(out.body);
        } catch (err) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`scripted server: ${(err as Error).message}\n`);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
