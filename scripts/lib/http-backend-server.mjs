// The benchmark's peer: `git http-backend` (CGI, gitprotocol-http) behind a tiny node HTTP server on
// 127.0.0.1, serving every bare repository below one project root exactly as stock git would.
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';
const HEADER_END = [Buffer.from('\r\n\r\n'), Buffer.from('\n\n')];

/**
 * Starts the server. `projectRoot` is GIT_PROJECT_ROOT: a repository at `<root>/x.git` is served at
 * `<url>/x.git`. Resolves with { url, close() }.
 */
export async function startHttpBackend({ projectRoot, host = '127.0.0.1', port = 0 }) {
  const children = new Set();
  const server = createServer((req, res) => handle(req, res, projectRoot, children));
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: p } = server.address();
  return {
    url: `http://${address}:${p}`,
    async close() {
      for (const c of children) c.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function handle(req, res, projectRoot, children) {
  const u = new URL(req.url, 'http://localhost');
  const env = {
    PATH: process.env.PATH,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(u.pathname),
    QUERY_STRING: u.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
  };
  if (req.headers['content-type']) env.CONTENT_TYPE = req.headers['content-type'];
  // Without CONTENT_LENGTH http-backend reads the body to EOF, which is what a chunked request needs.
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = req.headers['git-protocol'];

  const child = spawn(HTTP_BACKEND, [], { env });
  children.add(child);
  child.on('close', () => children.delete(child));
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
  child.stdin.on('error', () => { /* the CGI may answer before reading the whole body */ });
  req.pipe(child.stdin);
  let stderr = '';
  child.stderr.on('data', (c) => { if (stderr.length < 4096) stderr += c.toString('utf8'); });

  let head = Buffer.alloc(0);
  let headerDone = false;
  const onData = (chunk) => {
    if (headerDone) {
      if (!res.write(chunk)) {
        child.stdout.pause();
        res.once('drain', () => child.stdout.resume());
      }
      return;
    }
    head = Buffer.concat([head, chunk]);
    let end = -1;
    let sepLen = 0;
    for (const sep of HEADER_END) {
      const i = head.indexOf(sep);
      if (i >= 0 && (end < 0 || i < end)) { end = i; sepLen = sep.length; }
    }
    if (end < 0) return;
    headerDone = true;
    let status = 200;
    const headers = {};
    for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    const rest = head.subarray(end + sepLen);
    if (rest.length > 0) res.write(rest);
  };
  child.stdout.on('data', onData);
  child.stdout.on('end', () => {
    if (!headerDone) {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`git http-backend sent no headers: ${stderr.slice(0, 300)}`);
      return;
    }
    res.end();
  });
  res.on('close', () => {
    if (child.exitCode === null && !res.writableFinished) child.kill('SIGKILL');
  });
}
