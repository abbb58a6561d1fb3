// One long-lived `git update-ref --stdin` applying a repository's ref transactions one after another.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rejection, runAsync } from '@gitgate/testkit';
import { GitError } from '@gitgate/git';
import { RefTransactions } from '../src/index.js';
import { tempDir, removeDir } from './helpers.js';

const ZERO_PLUS_ONE = '0'.repeat(39) + '1';

describe('RefTransactions', () => {
  let dir: string;
  let gitDir: string;
  let commit: string;
  let refs: RefTransactions;
  const listRefs = (): string => execFileSync('git', ['--git-dir', gitDir, 'for-each-ref', '--format=%(refname) %(objectname)'], { encoding: 'utf8' });
  beforeEach(() => {
    dir = tempDir();
    gitDir = join(dir, 'repo.git');
    execFileSync('git', ['init', '-q', '--bare', gitDir]);
    const tree = execFileSync('git', ['--git-dir', gitDir, 'mktree'], { input: '', encoding: 'utf8' }).trim();
    const env = { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.invalid', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.invalid' };
    commit = execFileSync('git', ['--git-dir', gitDir, 'commit-tree', tree, '-m', 'one'], { env, encoding: 'utf8' }).trim();
    refs = new RefTransactions(gitDir);
  });
  afterEach(() => {
    refs.close();
    removeDir(dir);
  });

  it('applies transactions one after another through one git process', async () => {
    await refs.apply(`update refs/heads/a ${commit}\n`);
    const pid = refs.pid;
    await refs.apply(`update refs/heads/b ${commit}\ndelete refs/heads/a\n`);
    expect(pid).to.be.a('number');
    expect(refs.pid).to.equal(pid);
    expect(listRefs()).to.equal(`refs/heads/b ${commit}\n`);
  });

  it('applies transactions asked for together in the order they were asked', async () => {
    await Promise.all([refs.apply(`update refs/heads/a ${commit}\n`), refs.apply(`delete refs/heads/a ${commit}\n`), refs.apply(`create refs/heads/c ${commit}\n`)]);
    expect(listRefs()).to.equal(`refs/heads/c ${commit}\n`);
  });

  it('rejects a failed transaction with a GitError, applies none of it, and applies the next with a new git', async () => {
    await refs.apply(`update refs/heads/a ${commit}\n`);
    const pid = refs.pid;
    const err = await rejection(refs.apply(`update refs/heads/b ${commit}\nupdate refs/heads/a ${commit} ${ZERO_PLUS_ONE}\n`));
    expect(err).to.be.instanceOf(GitError);
    expect((err as GitError).code).to.equal('GITGATE_GIT_FAILED');
    expect((err as GitError).message).to.include('refs/heads/a');
    await refs.apply(`update refs/heads/c ${commit}\n`);
    expect(refs.pid).to.be.a('number').and.not.equal(pid);
    expect(listRefs()).to.equal(`refs/heads/a ${commit}\nrefs/heads/c ${commit}\n`);
  });

  it('keeps the strings it is told to redact out of a failed transaction\'s error', async () => {
    const err = await rejection(refs.apply(`update refs/heads/hidden-name ${commit} ${ZERO_PLUS_ONE}\n`, { redact: ['hidden-name'] }));
    expect((err as GitError).message).to.include('refs/heads/***').and.not.include('hidden-name');
    expect(JSON.stringify((err as GitError).data)).to.not.include('hidden-name');
  });

  it('lets its git go when closed and starts another for the next transaction', async () => {
    await refs.apply(`update refs/heads/a ${commit}\n`);
    const pid = refs.pid;
    refs.close();
    expect(refs.pid).to.equal(undefined);
    await refs.apply(`update refs/heads/b ${commit}\n`);
    expect(refs.pid).to.be.a('number').and.not.equal(pid);
    expect(listRefs()).to.equal(`refs/heads/a ${commit}\nrefs/heads/b ${commit}\n`);
  });

  it('does not keep node running while its git waits idle for the next transaction', async () => {
    const mirror = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'index.js');
    const script = `import { RefTransactions } from ${JSON.stringify(mirror)};\n`
      + `await new RefTransactions(${JSON.stringify(gitDir)}).apply('update refs/heads/from-child ${commit}\\n');\n`;
    // A node kept alive by the idle git would run into the kill below and end with a signal, not code 0.
    const run = await runAsync('timeout', ['-s', 'KILL', '30', process.execPath, '--input-type=module', '-e', script]);
    expect(run.code, run.stderr).to.equal(0);
    expect(listRefs()).to.equal(`refs/heads/from-child ${commit}\n`);
  });
});
