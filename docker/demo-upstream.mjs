#!/usr/bin/env node
// Demo upstream for docker-compose.yml: builds the demo repository (fixtures/demo-repo.mjs, fake
// secrets in its history) as <root>/acme/api.git on first start, and serves every bare repository
// under <root> over smart HTTP with `git http-backend` (CGI), read-only.
//
//   node docker/demo-upstream.mjs [--listen HOST:PORT] [--root DIR]     (default 127.0.0.1:8081, /srv/git)
//
// Prints `demo upstream: http://HOST:PORT/acme/api.git` once listening (port 0 picks a free one).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const listen = opt('--listen', '127.0.0.1:8081');
const projectRoot = resolve(opt('--root', '/srv/git'));
const m = /^(.+):(\d+)$/.exec(listen);
if (!m) {
  process.stderr.write(`demo-upstream: --listen must be HOST:PORT (got ${listen})\n`);
  process.exit(2);
}
const [, host, port] = m;

const repo = join(projectRoot, 'acme', 'api.git');
if (!existsSync(repo)) {
  const { makeDemoRepo } = await import(join(root, 'fixtures', 'demo-repo.mjs'));
  const { secrets } = await makeDemoRepo(repo);
  process.stdout.write(`demo upstream: built ${repo} with ${secrets.length} fake secrets\n`);
}

const backend = join(spawnSync('git', ['--exec-path'], { encoding: 'utf8' }).stdout.trim(), 'git-http-backend');

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  // Read-only: receive-pack is never enabled (http-backend refuses it for anonymous users anyway).
  if (url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack')) {
    res.writeHead(403, { 'content-type': 'text/plain' }).end('read-only demo upstream\n');
    req.resume();
    return;
  }
  const env = {
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
  };
  // Without CONTENT_LENGTH http-backend reads to EOF, which is what a chunked request needs.
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (typeof req.headers['git-protocol'] === 'string') env.GIT_PROTOCOL = req.headers['git-protocol'];
  const cgi = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => {});
  let head = Buffer.alloc(0);
  let body = false;
  cgi.stdout.on('data', (chunk) => {
    if (body) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    body = true;
    res.statusCode = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const c = line.indexOf(':');
      if (c < 0) continue;
      const name = line.slice(0, c).trim();
      const value = line.slice(c + 1).trim();
      if (name.toLowerCase() === 'status') res.statusCode = parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.write(head.subarray(end + 4));
  });
  cgi.on('close', () => res.end());
  cgi.on('error', () => { res.statusCode = 500; res.end(); });
});

server.listen(Number(port), host, () => {
  const a = server.address();
  const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  process.stdout.write(`demo upstream: http://${shown}:${a.port}/acme/api.git\n`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
