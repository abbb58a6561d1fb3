// The benchmarks' one-commit change of an upstream and the timed fetch that brings it to a client.
import { gitOk, gitText } from './bench-git.mjs';

/** Fetches heads and tags into an existing bare clone (a bare clone has no fetch refspec of its own); resolves with ms. */
export async function timedFetch(dir) {
  const r = await gitOk(['-c', 'protocol.version=2', '--git-dir', dir, 'fetch', '-q', 'origin', '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
  return r.ms;
}

/**
 * Adds one commit on HEAD's branch holding one new small file (for a repository that is not the
 * bench fixture): hash-object, mktree, commit-tree, update-ref.
 */
export async function advanceByCommitTree(gitDir, i) {
  const branch = await gitText(['--git-dir', gitDir, 'symbolic-ref', 'HEAD']);
  const tip = await gitText(['--git-dir', gitDir, 'rev-parse', '--verify', `${branch}^{commit}`]);
  const name = `gitgate-bench-${i}.txt`;
  const blob = await gitText(['--git-dir', gitDir, 'hash-object', '-w', '--stdin'], { input: `incremental fetch ${i} of the gitgate benchmark\n` });
  const entries = (await gitOk(['--git-dir', gitDir, 'ls-tree', `${tip}^{tree}`])).stdout.split('\n').filter((l) => l && !l.endsWith(`\t${name}`));
  entries.push(`100644 blob ${blob}\t${name}`);
  const tree = await gitText(['--git-dir', gitDir, 'mktree'], { input: entries.join('\n') + '\n' });
  const commit = await gitText(['--git-dir', gitDir, 'commit-tree', tree, '-p', tip, '-m', `bench: incremental fetch ${i}`]);
  await gitOk(['--git-dir', gitDir, 'update-ref', branch, commit, tip]);
  return { newCommit: commit, branch };
}
