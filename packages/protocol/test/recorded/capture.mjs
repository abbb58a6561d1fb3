// Regenerates the recorded fixtures in this directory: real git 2.39 request bodies and
// git http-backend advertisements for a tiny deterministic repository: fetches (upload-pack) and
// pushes (receive-pack: update, create, delete, --atomic, -o push options, from a shallow clone; and a
// push each from libgit2 through Debian's python3-pygit2 and from isomorphic-git).
// Usage: node packages/protocol/test/recorded/capture.mjs   (needs git and git-http-backend)
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const outDir = path.dirname(fileURLToPath(import.meta.url));
const backend = '/usr/lib/git-core/git-http-backend';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));

// Fixed identity and dates keep object ids stable between runs.
const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmp,
  GIT_AUTHOR_NAME: 'Fixture', GIT_AUTHOR_EMAIL: 'fixture@example.invalid',
  GIT_COMMITTER_NAME: 'Fixture', GIT_COMMITTER_EMAIL: 'fixture@example.invalid',
};
let tick = 1700000000;
const git = (cwd, ...args) => {
  tick += 60;
  const date = `${tick} +0000`;
  return execFileSync('git', args, { cwd, env: { ...gitEnv, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } }).toString();
};
const commitFile = (cwd, name, text, msg) => {
  fs.writeFileSync(path.join(cwd, name), text);
  git(cwd, 'add', name);
  git(cwd, 'commit', '-q', '-m', msg);
};

// Records one body per request, named by the scenario currently running.
let scenario = 'none';
let seq = 0;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
    const tag = `${scenario}.${++seq}`;
    if (body.length > 0) fs.writeFileSync(path.join(tmp, `${tag}.request`), body);
    const child = spawn(backend, [], {
      env: {
        PATH: process.env.PATH, GIT_PROJECT_ROOT: path.join(tmp, 'srv'), GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname, QUERY_STRING: url.search.slice(1), REQUEST_METHOD: req.method,
        CONTENT_TYPE: req.headers['content-type'] ?? '', CONTENT_LENGTH: String(body.length),
        GIT_PROTOCOL: req.headers['git-protocol'] ?? '',
      },
    });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stdin.end(body);
    child.on('close', () => {
      const all = Buffer.concat(out);
      const sep = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, sep).toString('latin1');
      const resBody = all.subarray(sep + 4);
      let status = 200;
      const headers = {};
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim(); const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]); else headers[k] = v;
      }
      fs.writeFileSync(path.join(tmp, `${tag}.response`), resBody);
      fs.appendFileSync(path.join(tmp, 'log'), `${tag} ${req.method} ${req.url} proto=${req.headers['git-protocol'] ?? ''} -> ${status} ${resBody.length}\n`);
      res.writeHead(status, headers);
      res.end(resBody);
    });
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/repo.git`;

// Upstream work repo -> bare served repo.
const work = path.join(tmp, 'work');
fs.mkdirSync(work);
git(work, 'init', '-q', '-b', 'main');
commitFile(work, 'README.md', '# fixture\n', 'initial');
commitFile(work, 'a.txt', 'alpha\n', 'add a');
git(work, 'tag', '-a', 'v1', '-m', 'release 1');
git(work, 'branch', 'dev');
commitFile(work, 'b.txt', 'beta\n', 'add b');
fs.mkdirSync(path.join(tmp, 'srv'));
git(tmp, 'clone', '-q', '--bare', work, path.join(tmp, 'srv', 'repo.git'));
git(path.join(tmp, 'srv', 'repo.git'), 'config', 'uploadpack.allowFilter', 'true');
fs.mkdirSync(path.join(tmp, 'srv', 'empty.git'));
git(path.join(tmp, 'srv', 'empty.git'), 'init', '-q', '--bare', '-b', 'main');

const run = async (name, cwd, ...args) => {
  scenario = name; seq = 0;
  await new Promise((resolve, reject) => {
    const c = spawn('git', args, { cwd, env: gitEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${name}: git exited ${code}`))));
  });
};

await run('v2-clone', tmp, '-c', 'protocol.version=2', 'clone', '-q', base, 'c-v2');
await run('v2-shallow', tmp, '-c', 'protocol.version=2', 'clone', '-q', '--depth', '1', '--filter=blob:none', '--no-checkout', base, 'c-v2s');
await run('v0-clone', tmp, '-c', 'protocol.version=0', 'clone', '-q', base, 'c-v0');
await run('v1-clone', tmp, '-c', 'protocol.version=1', 'clone', '-q', base, 'c-v1');
await run('v0-empty', tmp, '-c', 'protocol.version=0', 'clone', '-q', `${base.replace('repo.git', 'empty.git')}`, 'c-v0e');
await run('v2-empty', tmp, '-c', 'protocol.version=2', 'clone', '-q', `${base.replace('repo.git', 'empty.git')}`, 'c-v2e');

await run('v0-shallow', tmp, '-c', 'protocol.version=0', 'clone', '-q', '--depth', '1', '--filter=blob:limit=1k', '--no-checkout', base, 'c-v0s');

// New upstream commits, and local commits the server never saw, so fetch negotiates over haves.
commitFile(work, 'c.txt', 'gamma\n', 'add c');
git(path.join(tmp, 'srv', 'repo.git'), 'fetch', '-q', work, '+main:main');
for (const dir of ['c-v0', 'c-v2']) {
  for (let i = 0; i < 40; i++) commitFile(path.join(tmp, dir), `local-${i}.txt`, `local ${i}\n`, `local ${i}`);
}
await run('v0-fetch', path.join(tmp, 'c-v0'), '-c', 'protocol.version=0', 'fetch', '-q', 'origin');
await run('v2-fetch', path.join(tmp, 'c-v2'), '-c', 'protocol.version=2', 'fetch', '-q', 'origin');
await run('v2-deepen', path.join(tmp, 'c-v2s'), '-c', 'protocol.version=2', 'fetch', '-q', '--deepen=1', 'origin');
await run('v2-since', path.join(tmp, 'c-v2s'), '-c', 'protocol.version=2', 'fetch', '-q', '--shallow-since=1700000000', '--shallow-exclude=dev', '--filter=combine:blob:none+tree:3', 'origin');

// Push (receive-pack) over the same server: a separate bare repository, so the fetch fixtures above
// stay as they were. push-options are advertised so `git push -o` sends them.
const pushRepo = path.join(tmp, 'srv', 'push.git');
git(tmp, 'clone', '-q', '--bare', work, pushRepo);
fs.mkdirSync(path.join(tmp, 'srv', 'push-empty.git'));
git(path.join(tmp, 'srv', 'push-empty.git'), 'init', '-q', '--bare', '-b', 'main');
for (const repo of [pushRepo, path.join(tmp, 'srv', 'push-empty.git')]) {
  git(repo, 'config', 'http.receivepack', 'true');
  git(repo, 'config', 'receive.advertisePushOptions', 'true');
}
const pushBase = base.replace('repo.git', 'push.git');
await run('push-clone', tmp, 'clone', '-q', pushBase, 'p');
const p = path.join(tmp, 'p');
commitFile(p, 'd.txt', 'delta\n', 'add d');
await run('push-update', p, 'push', 'origin', 'main');
await run('push-create', p, 'push', '-q', 'origin', 'main:refs/heads/feature');
await run('push-delete', p, 'push', '-q', 'origin', ':feature');
commitFile(p, 'e.txt', 'epsilon\n', 'add e');
await run('push-atomic', p, 'push', '-q', '--atomic', 'origin', 'main', 'main:refs/heads/topic');
await run('push-options', p, 'push', '-q', '-o', 'ci.skip', '-o', 'reviewer=ada lovelace', 'origin', 'main:refs/heads/opts');
await run('push-shallow-clone', tmp, 'clone', '-q', '--depth', '1', pushBase, 'ps');
commitFile(path.join(tmp, 'ps'), 'f.txt', 'phi\n', 'add f');
await run('push-shallow', path.join(tmp, 'ps'), 'push', '-q', 'origin', 'HEAD:refs/heads/from-shallow');
await run('push-empty', p, 'push', '-q', base.replace('repo.git', 'push-empty.git'), 'main');

// Two other push clients: libgit2 1.5 (Debian's python3-pygit2) and isomorphic-git.
const libgit2Push = 'import pygit2, sys\npygit2.Repository(sys.argv[1]).remotes["origin"].push([sys.argv[2]])\n';
commitFile(p, 'g.txt', 'gamma two\n', 'add g');
scenario = 'push-libgit2'; seq = 0;
await new Promise((resolve, reject) => {
  const c = spawn('/usr/bin/python3', ['-c', libgit2Push, p, 'refs/heads/main:refs/heads/libgit2'], { env: gitEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`push-libgit2: python exited ${code}`))));
});
commitFile(p, 'h.txt', 'eta\n', 'add h');
scenario = 'push-isogit'; seq = 0;
const isogit = await import('isomorphic-git');
const isoHttp = (await import('isomorphic-git/http/node')).default;
await isogit.push({ fs, http: isoHttp, dir: p, url: pushBase, ref: 'main', remoteRef: 'refs/heads/isogit' });

server.close();
console.log(fs.readFileSync(path.join(tmp, 'log'), 'utf8'));

// The fixtures the tests read, under stable names.
const keep = {
  'v2-advertisement.pkt': 'v2-clone.1.response',
  'v2-ls-refs.request': 'v2-clone.2.request',
  'v2-ls-refs.response': 'v2-clone.2.response',
  'v2-fetch-clone.request': 'v2-clone.3.request',
  'v2-fetch-clone.response': 'v2-clone.3.response',
  'v2-fetch-depth-filter.request': 'v2-shallow.3.request',
  'v2-fetch-haves.request': 'v2-fetch.4.request',
  'v2-fetch-deepen-relative.request': 'v2-deepen.3.request',
  'v2-fetch-since-not.request': 'v2-since.3.request',
  'v0-advertisement.pkt': 'v0-clone.1.response',
  'v1-advertisement.pkt': 'v1-clone.1.response',
  'v0-empty-advertisement.pkt': 'v0-empty.1.response',
  'v0-clone.request': 'v0-clone.2.request',
  'v0-clone.response': 'v0-clone.2.response',
  'v0-shallow.request': 'v0-shallow.2.request',
  'v0-fetch-round.request': 'v0-fetch.2.request',
  'v0-fetch-done.request': 'v0-fetch.4.request',
  'receive-pack-advertisement.pkt': 'push-update.1.response',
  'receive-pack-empty-advertisement.pkt': 'push-empty.1.response',
  'push-update.request': 'push-update.2.request',
  'push-update.response': 'push-update.2.response',
  'push-create.request': 'push-create.2.request',
  'push-delete.request': 'push-delete.2.request',
  'push-atomic.request': 'push-atomic.2.request',
  'push-options.request': 'push-options.2.request',
  'push-shallow.request': 'push-shallow.2.request',
  'push-libgit2.request': 'push-libgit2.2.request',
  'push-isogit.request': 'push-isogit.2.request',
};
for (const [name, src] of Object.entries(keep)) fs.copyFileSync(path.join(tmp, src), path.join(outDir, name));
fs.rmSync(tmp, { recursive: true, force: true });
