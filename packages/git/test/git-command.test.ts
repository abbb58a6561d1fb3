import { expect } from 'chai';
import { git, GitError, gitConfigEnv } from '../src/index.js';
import { tempDir, removeDirs, rejection, randomChars } from '@gitgate/testkit';

/** Runs a shell snippet as a git alias (`git hang`), so the child is a real git with a grandchild. */
function aliasEnv(script: string): Record<string, string> {
  return gitConfigEnv([['alias.hang', `!${script}`]]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('GitCommand', function () {
  let dir: string;
  before(async () => {
    dir = tempDir('gitgate-git-');
    await git('init', '--bare', '--quiet').addDynamicArgs(`${dir}/repo.git`).run();
  });
  after(() => removeDirs(dir));

  it('refuses a dynamic argument that starts with a dash, before starting anything', () => {
    expect(() => git('ls-remote').addDynamicArgs('--upload-pack=touch /tmp/pwned')).to.throw(TypeError, /may not start with "-"/);
    expect(() => git('fetch').addArgs('--quiet').addDynamicArgs('origin', '-oProxyCommand=x')).to.throw(TypeError);
  });

  it('passes trusted options and dynamic values in order', () => {
    expect(git('fetch', '--quiet').addArgs('--').addDynamicArgs('https://example.test/a.git').args)
      .to.deep.equal(['fetch', '--quiet', '--', 'https://example.test/a.git']);
  });

  it('returns stdout of a command that succeeds', async () => {
    const out = await git('rev-parse', '--is-bare-repository').run({ gitDir: `${dir}/repo.git` });
    expect(out.toString('utf8').trim()).to.equal('true');
  });

  it('fails with GITGATE_GIT_FAILED carrying the exit code and the end of stderr', async () => {
    const err = await rejection(git('rev-parse', '--verify').addDynamicArgs('no-such-ref').run({ gitDir: `${dir}/repo.git` }));
    expect(err).to.be.instanceOf(GitError);
    const e = err as GitError;
    expect(e.code).to.equal('GITGATE_GIT_FAILED');
    expect(e.data?.exitCode).to.equal(128);
    expect(e.message).to.match(/^git rev-parse failed \(exit 128\): fatal: Needed a single revision/);
  });

  it('keeps only a bounded tail of a long stderr', async () => {
    const err = await rejection(git('hang').run({ env: aliasEnv('head -c 200000 /dev/zero | tr "\\0" x >&2; echo last words >&2; exit 3') })) as GitError;
    expect(err.data?.exitCode).to.equal(3);
    expect((err.data?.stderr as string).length).to.be.at.most(4096);
    expect(err.message).to.match(/\(exit 3\).*last words/);
    expect(err.message.length).to.be.below(10_000);
  });

  it('accepts the exit codes the caller lists', async () => {
    // `git config --get` of an unset key exits 1 with no output.
    const out = await git('config', '--get', 'gitgate.unset').run({ gitDir: `${dir}/repo.git`, okCodes: [1] });
    expect(out.length).to.equal(0);
    const err = await rejection(git('config', '--get', 'gitgate.unset').run({ gitDir: `${dir}/repo.git` })) as GitError;
    expect(err.data?.exitCode).to.equal(1);
  });

  it('never shows an upstream credential from stderr in the error', async () => {
    const password = randomChars(24);
    const header = `Authorization: Bearer ${randomChars(32)}`;
    const script = `echo "fatal: unable to access https://agent:${password}@upstream.test/x.git: ${header}" >&2; exit 128`;
    const err = await rejection(git('hang').run({ env: aliasEnv(script), redact: [header] })) as GitError;
    const shown = err.message + JSON.stringify(err.data);
    expect(shown).to.not.include(password);
    expect(shown).to.not.include(header);
    expect(err.message).to.include('https://***@upstream.test/x.git');
  });

  it('kills a child that outlives its timeout, and the helpers it started, with GITGATE_GIT_TIMEOUT', async () => {
    const started = Date.now();
    const proc = git('hang').start({ env: aliasEnv('sleep 30'), timeoutMs: 300 });
    proc.stdout.resume();
    const err = await rejection(proc.done()) as GitError;
    expect(err.code).to.equal('GITGATE_GIT_TIMEOUT');
    expect(err.message).to.equal('git hang did not finish within 300 ms and was stopped');
    // The grandchild (sleep) held stdout open: the exit is only seen because the whole group died.
    expect(Date.now() - started).to.be.below(5_000);
    expect(alive(proc.pid!)).to.equal(false);
  });

  it('kills a child waiting on stdin when its timeout passes', async () => {
    const proc = git('cat-file', '--batch').start({ gitDir: `${dir}/repo.git`, timeoutMs: 200 });
    proc.stdout.resume();
    const exit = await proc.exit;
    expect(exit.error?.code).to.equal('GITGATE_GIT_TIMEOUT');
    expect(exit.signal).to.equal('SIGTERM');
  });

  it('kills the child when the caller aborts, with GITGATE_GIT_ABORTED', async () => {
    const ac = new AbortController();
    const run = git('hang').run({ env: aliasEnv('sleep 30'), signal: ac.signal, timeoutMs: 0 });
    setTimeout(() => ac.abort(), 100);
    const err = await rejection(run) as GitError;
    expect(err.code).to.equal('GITGATE_GIT_ABORTED');
  });

  it('does not start work for a signal that has already fired', async () => {
    const err = await rejection(git('hang').run({ env: aliasEnv('sleep 30'), signal: AbortSignal.abort() })) as GitError;
    expect(err.code).to.equal('GITGATE_GIT_ABORTED');
  });

  it('streams lines of a large output to a callback', async () => {
    const seen: string[] = [];
    await git('hang').forEachLine({ env: aliasEnv('seq 1 50000') }, (l) => seen.push(l));
    expect(seen).to.have.length(50000);
    expect(seen[49999]).to.equal('50000');
  });
});
