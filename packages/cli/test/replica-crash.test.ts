// Scale-out (issue 16): two `gitgate serve` processes, separate data dirs, one PostgreSQL database.
// One is killed with SIGKILL in the middle of a sync: the other takes the repository's sync lock (the
// server drops a dead replica's session and its advisory locks), completes the sync and serves a
// whole, sanitized repository; the killed one, restarted, serves the very same refs and ids.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GIT_ENV, gitAsync, repoRoot, startPostgres, tempDir, removeDirs } from '@gitgate/testkit';
import { serveProcess, type ServeProcess } from './bin-helpers.js';

const serve = (config: string, cwd: string): Promise<ServeProcess> => serveProcess(config, cwd, 'bench/repo');

describe('replicas: one killed mid-sync', function () {
  this.timeout(300_000);
  let dir: string;
  const running: ChildProcess[] = [];
  before(() => { dir = tempDir(); });
  after(() => {
    for (const p of running) p.kill('SIGKILL');
    removeDirs(dir);
  });

  it('lets the other replica complete the sync and serve it whole; the restarted one serves the same ids', async () => {
    const { makeBenchRepo } = await import(pathToFileURL(path.join(repoRoot(), 'fixtures', 'bench-repo.mjs')).href) as {
      makeBenchRepo: (d: string, o: { objects: number; secrets: number; seed: string }) => Promise<{ secrets: Array<{ value: string }> }>;
    };
    const upstream = path.join(dir, 'upstream.git');
    const made = await makeBenchRepo(upstream, { objects: 6_000, secrets: 6, seed: Buffer.from('replica-crash').toString('hex') });
    const database = (await startPostgres()).createDatabase();
    fs.writeFileSync(path.join(dir, 'vault.key'), `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'audit.key'), `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    const config = (name: string): string => {
      const file = path.join(dir, `${name}.yaml`);
      fs.writeFileSync(file, [
        'listen: 127.0.0.1:0', `dataDir: ${path.join(dir, `data-${name}`)}`, 'auth: { mode: none }', 'log: { level: info, format: json }',
        `database: { url: "${database}" }`, `vault: { key: "file:${path.join(dir, 'vault.key')}" }`, `audit: { key: "file:${path.join(dir, 'audit.key')}" }`,
        'repos:', '  - name: bench/repo', `    upstream: ${upstream}`, '',
      ].join('\n'));
      return file;
    };
    const a = await serve(config('a'), dir);
    running.push(a.proc);
    const b = await serve(config('b'), dir);
    running.push(b.proc);

    const first = gitAsync(['ls-remote', a.url], { env: GIT_ENV });
    while (!a.logs().includes('"sync started"')) await new Promise((r) => setTimeout(r, 20));
    expect(a.logs(), 'A was killed before its sync finished').to.not.include('"sync finished"');
    a.proc.kill('SIGKILL');
    await a.exited;
    await first;

    const clone = path.join(dir, 'clone-b');
    const cloned = await gitAsync(['clone', '--quiet', '--mirror', b.url, clone], { env: GIT_ENV });
    expect(cloned.code, cloned.stderr).to.equal(0);
    expect((await gitAsync(['--git-dir', clone, 'fsck', '--no-dangling'], { env: GIT_ENV })).code).to.equal(0);
    const objects = (await gitAsync(['--git-dir', clone, 'cat-file', '--batch-all-objects', '--batch'], { env: GIT_ENV })).stdout;
    for (const s of made.secrets) expect(objects.includes(s.value), 'a planted secret reached the clone').to.equal(false);
    const upstreamRefs = (await gitAsync(['ls-remote', upstream], { env: GIT_ENV })).stdout.trim().split('\n').length;
    const fromB = (await gitAsync(['ls-remote', b.url], { env: GIT_ENV })).stdout;
    expect(fromB.trim().split('\n').length).to.equal(upstreamRefs);

    const again = await serve(config('a'), dir);
    running.push(again.proc);
    const fromA = await gitAsync(['ls-remote', again.url], { env: GIT_ENV });
    expect(fromA.code, fromA.stderr).to.equal(0);
    expect(fromA.stdout).to.equal(fromB);
  });
});
