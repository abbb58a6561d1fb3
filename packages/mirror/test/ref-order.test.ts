// Git's order of refs (bytes of the UTF-8 names), as the ref snapshot and the upstream store sort them.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { inRefOrder } from '../src/ref-order.js';
import { tempDir, removeDir } from './helpers.js';

describe('inRefOrder', () => {
  it('sorts ASCII names as git does, upper case before lower case and / before letters', () => {
    const names = ['refs/tags/v1.10', 'refs/heads/main', 'refs/tags/V2', 'refs/tags/v1.9', 'refs/heads/main-x', 'refs/heads/main/x'];
    expect(inRefOrder(names.map((name) => ({ name }))).map((r) => r.name)).to.deep.equal([
      'refs/heads/main', 'refs/heads/main-x', 'refs/heads/main/x', 'refs/tags/V2', 'refs/tags/v1.10', 'refs/tags/v1.9',
    ]);
  });

  it('sorts names beyond ASCII by their UTF-8 bytes, where UTF-16 order differs, and agrees with git for-each-ref', () => {
    // U+E000 is EE 80 80 in UTF-8, U+1F600 F0 9F 98 80: bytes put U+E000 first; UTF-16 code units (D83D < E000) would not.
    const names = ['refs/heads/\u{1F600}', 'refs/heads/\uE000', 'refs/heads/z', 'refs/heads/\u00e9'];
    const sorted = inRefOrder(names.map((name, i) => ({ name, i }))).map((r) => r.name);
    expect(sorted).to.deep.equal(['refs/heads/z', 'refs/heads/\u00e9', 'refs/heads/\uE000', 'refs/heads/\u{1F600}']);
    const dir = tempDir();
    try {
      const git = join(dir, 'r.git');
      execFileSync('git', ['init', '-q', '--bare', git]);
      const tree = execFileSync('git', ['--git-dir', git, 'mktree'], { input: '', encoding: 'utf8' }).trim();
      const commit = execFileSync('git', ['--git-dir', git, 'commit-tree', tree, '-m', 'x'], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' } }).trim();
      for (const n of names) execFileSync('git', ['--git-dir', git, 'update-ref', n, commit]);
      const listed = execFileSync('git', ['--git-dir', git, 'for-each-ref', '--format=%(refname)', 'refs/heads'], { encoding: 'utf8' }).trim().split('\n');
      expect(listed).to.deep.equal(sorted);
    } finally {
      removeDir(dir);
    }
  });
});
