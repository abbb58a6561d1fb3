// Showing upstream URLs without their credentials.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rejection } from '@gitgate/testkit';
import { redactUrl, UpstreamStore } from '../src/index.js';
import { tempDir, removeDir } from './helpers.js';

describe('redactUrl', () => {
  it('replaces the userinfo of an http URL', () => {
    expect(redactUrl('http://gate-user:Pw123@127.0.0.1:1/x.git')).to.equal('http://***@127.0.0.1:1/x.git');
  });

  it('leaves a URL without userinfo unchanged', () => {
    expect(redactUrl('https://git.example.test/acme/api.git')).to.equal('https://git.example.test/acme/api.git');
  });

  it('leaves a local path unchanged', () => {
    expect(redactUrl('/srv/git/acme@api.git')).to.equal('/srv/git/acme@api.git');
  });
});

describe('UpstreamStore.fetch', () => {
  let dir: string;
  let upstream: string;
  beforeEach(() => {
    dir = tempDir();
    upstream = join(dir, 'up.git');
    execFileSync('git', ['init', '-q', '--bare', upstream]);
    const work = join(dir, 'work');
    execFileSync('git', ['clone', '-q', upstream, work], { stdio: 'ignore' });
    const env = { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.invalid', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.invalid' };
    const g = (...args: string[]): void => { execFileSync('git', ['-C', work, ...args], { env, stdio: 'ignore' }); };
    g('commit', '-q', '--allow-empty', '-m', 'one');
    g('tag', '-a', '-m', 'annotated', 'v1');
    g('checkout', '-q', '-b', 'side');
    g('commit', '-q', '--allow-empty', '-m', 'two');
    g('push', '-q', 'origin', 'HEAD~1:refs/heads/main', 'side', 'v1', 'HEAD:refs/notes/commits');
    execFileSync('git', ['--git-dir', upstream, 'symbolic-ref', 'HEAD', 'refs/heads/side']);
  });
  afterEach(() => removeDir(dir));

  const stored = (store: string): string => execFileSync('git', ['--git-dir', store, 'for-each-ref', '--format=%(objectname) %(refname)']).toString()
    + execFileSync('git', ['--git-dir', store, 'symbolic-ref', 'HEAD']).toString();

  it('reads a local upstream directly and ends with what a file:// URL (ls-remote) gives', async () => {
    const direct = new UpstreamStore(join(dir, 'a.git'));
    const viaUrl = new UpstreamStore(join(dir, 'b.git'));
    await direct.init();
    await viaUrl.init();
    expect(await direct.fetch({ url: upstream })).to.equal(true);
    expect(await viaUrl.fetch({ url: `file://${upstream}` })).to.equal(true);
    await direct.refsWritten();
    expect(stored(join(dir, 'a.git'))).to.equal(stored(join(dir, 'b.git')));
    expect(stored(join(dir, 'a.git'))).to.include('refs/heads/side').and.include('refs/tags/v1').and.not.include('refs/notes');
    expect(stored(join(dir, 'a.git')).trim().endsWith('refs/heads/side')).to.equal(true);
  });

  it('reports no change for an unchanged local upstream, and sees a moved ref and a moved HEAD', async () => {
    const store = new UpstreamStore(join(dir, 's.git'));
    await store.init();
    await store.fetch({ url: upstream });
    expect(await store.fetch({ url: upstream })).to.equal(false);
    execFileSync('git', ['--git-dir', upstream, 'update-ref', 'refs/heads/main', 'refs/heads/side']);
    expect(await store.fetch({ url: upstream })).to.equal(true);
    execFileSync('git', ['--git-dir', upstream, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
    expect(await store.fetch({ url: upstream })).to.equal(true);
    expect(await store.head()).to.equal('refs/heads/main');
  });

  it('fetches past the lock files a killed fetch of an earlier process left behind', async () => {
    const first = new UpstreamStore(join(dir, 's.git'));
    await first.init();
    await first.fetch({ url: upstream });
    await first.refsWritten();
    first.close();
    // What a fetch killed mid-update (with its gateway) leaves: a ref lock and a packed-refs lock.
    writeFileSync(join(dir, 's.git', 'refs', 'heads', 'main.lock'), '');
    writeFileSync(join(dir, 's.git', 'packed-refs.lock'), '');
    execFileSync('git', ['--git-dir', upstream, 'update-ref', 'refs/heads/main', 'refs/heads/side']);
    const store = new UpstreamStore(join(dir, 's.git'));
    expect(await store.fetch({ url: upstream })).to.equal(true);
    await store.refsWritten();
    expect(stored(join(dir, 's.git'))).to.equal(stored(upstream).replace(/^.*refs\/notes\/.*\n/m, ''));
  });

  it('reports a ref transaction that fails after fetch resolved through refsWritten, and writes it at the next fetch', async () => {
    const store = new UpstreamStore(join(dir, 's.git'));
    await store.init();
    await store.fetch({ url: upstream });
    await store.refsWritten();
    const before = stored(join(dir, 's.git'));
    // A directory where git wants main's lock file: the transaction cannot take the lock (and no stale-lock cleanup removes it).
    mkdirSync(join(dir, 's.git', 'refs', 'heads', 'main.lock'));
    execFileSync('git', ['--git-dir', upstream, 'update-ref', 'refs/heads/main', 'refs/heads/side']);
    // The fetch resolves with the refs as they will be; the write's outcome comes with refsWritten.
    expect(await store.fetch({ url: upstream })).to.equal(true);
    expect(((await rejection(store.refsWritten())) as { code?: string }).code).to.equal('GITGATE_UPSTREAM_FAILED');
    expect(stored(join(dir, 's.git'))).to.equal(before);
    rmSync(join(dir, 's.git', 'refs', 'heads', 'main.lock'), { recursive: true });
    // The next fetch reads the refs from disk again, so it sees the move once more and writes it.
    expect(await store.fetch({ url: upstream })).to.equal(true);
    await store.refsWritten();
    expect(stored(join(dir, 's.git'))).to.equal(stored(upstream).replace(/^.*refs\/notes\/.*\n/m, ''));
  });

  it('borrows the objects of a local upstream instead of copying them', async () => {
    const store = join(dir, 's.git');
    const s = new UpstreamStore(store);
    await s.init();
    await s.fetch({ url: upstream });
    expect(readFileSync(join(store, 'objects', 'info', 'alternates'), 'utf8').trim()).to.equal(realpathSync(join(upstream, 'objects')));
    expect(execFileSync('git', ['--git-dir', store, 'count-objects', '-v']).toString()).to.match(/^count: 0$/m).and.match(/^in-pack: 0$/m);
    execFileSync('git', ['--git-dir', store, 'fsck', '--no-dangling']);
  });

  it('copies the borrowed objects in and stops borrowing before it fetches from a URL', async () => {
    const store = join(dir, 's.git');
    const s = new UpstreamStore(store);
    await s.init();
    await s.fetch({ url: upstream });
    execFileSync('git', ['--git-dir', upstream, 'update-ref', 'refs/heads/main', 'refs/heads/side']);
    expect(await s.fetch({ url: `file://${upstream}` })).to.equal(true);
    expect(existsSync(join(store, 'objects', 'info', 'alternates'))).to.equal(false);
    expect(stored(store)).to.equal(stored(upstream).replace(/^.*refs\/notes\/.*\n/m, ''));
    execFileSync('git', ['--git-dir', store, 'fsck', '--no-dangling']);
  });

  it('fails with a clear error for a local path that holds no repository', async () => {
    const store = new UpstreamStore(join(dir, 's.git'));
    await store.init();
    let err: Error | undefined;
    await store.fetch({ url: join(dir, 'nothing-here') }).catch((e: Error) => { err = e; });
    expect(err?.message).to.include('fetching upstream').and.include('nothing-here');
  });
});
