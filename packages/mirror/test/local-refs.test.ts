// Reading a local upstream's heads and tags from its ref files, as for-each-ref lists them.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLocalRefs } from '../src/local-refs.js';
import { Upstream, removeDir, tempDir } from './helpers.js';

describe('readLocalRefs', () => {
  let dir: string;
  let up: Upstream;
  beforeEach(() => {
    dir = tempDir();
    up = Upstream.create(join(dir, 'up.git'));
    const c1 = up.commitFiles({ 'a.txt': 'a\n' }, 'one\n');
    const c2 = up.commitFiles({ 'a.txt': 'b\n' }, 'two\n', [c1]);
    up.setRef('refs/heads/main', c2);
    up.setRef('refs/heads/team/feature-1', c1);
    up.setRef('refs/tags/v1', up.tag({ object: c1, tag: 'v1', message: 'one\n' }));
    up.setRef('refs/notes/commits', c1);
  });
  afterEach(() => removeDir(dir));

  const forEachRef = (): string[] => execFileSync('git', ['--git-dir', up.gitDir, 'for-each-ref', '--format=%(objectname)%09%(refname)', 'refs/heads', 'refs/tags'])
    .toString('latin1').split('\n').filter(Boolean);

  it('lists loose heads and tags exactly as for-each-ref does', () => {
    expect(readLocalRefs(up.gitDir)).to.deep.equal(forEachRef());
  });

  it('lists packed refs, with a loose ref winning over its stale packed entry, as for-each-ref does', () => {
    execFileSync('git', ['--git-dir', up.gitDir, 'pack-refs', '--all']);
    up.setRef('refs/heads/main', execFileSync('git', ['--git-dir', up.gitDir, 'rev-parse', 'main~1']).toString('latin1').trim());
    up.setRef('refs/tags/v2', execFileSync('git', ['--git-dir', up.gitDir, 'rev-parse', 'main']).toString('latin1').trim());
    const refs = readLocalRefs(up.gitDir);
    expect(refs).to.deep.equal(forEachRef());
    expect(refs).to.have.length(4);
  });

  it('leaves a symbolic ref under refs/heads to git', () => {
    writeFileSync(join(up.gitDir, 'refs', 'heads', 'alias'), 'ref: refs/heads/main\n');
    expect(readLocalRefs(up.gitDir)).to.equal(null);
  });
});
