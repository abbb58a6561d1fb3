// A small sync's reads through one long-lived `git cat-file --batch`.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { rejection } from '@gitgate/testkit';
import { MirrorError } from '../src/index.js';
import { ObjectReader } from '../src/object-reader.js';
import { tempDir, removeDir } from './helpers.js';

describe('ObjectReader', () => {
  let dir: string;
  let gitDir: string;
  let reader: ObjectReader;
  const blob = (text: string): string => execFileSync('git', ['--git-dir', gitDir, 'hash-object', '-w', '--stdin'], { input: text, encoding: 'utf8' }).trim();
  const texts = async (r: ObjectReader, ids: string[]): Promise<string[]> => {
    const out: string[] = [];
    for await (const batch of r.readBatches(ids, { views: false })) for (const o of batch) out.push(`${o.type} ${o.content.toString('utf8')}`);
    return out;
  };
  beforeEach(() => {
    dir = tempDir();
    gitDir = join(dir, 'repo.git');
    execFileSync('git', ['init', '-q', '--bare', gitDir]);
    reader = new ObjectReader(gitDir);
  });
  afterEach(() => {
    reader.close();
    removeDir(dir);
  });

  it('reads objects in the order asked, read after read through one git process', async () => {
    const [a, b] = [blob('first\n'), blob('second\n')];
    expect(await texts(reader, [b, a, b])).to.deep.equal(['blob second\n', 'blob first\n', 'blob second\n']);
    const pid = reader.pid;
    expect(await texts(reader, [a])).to.deep.equal(['blob first\n']);
    expect(pid).to.be.a('number');
    expect(reader.pid).to.equal(pid);
  });

  it('reads objects written after its git started, loose and in a new pack', async () => {
    await reader.read([blob('before\n')]);
    const pid = reader.pid;
    const loose = blob('loose, written later\n');
    const packed = blob('packed, written later\n');
    // Into a pack of its own, then the loose copy removed: only the new pack holds it.
    execFileSync('git', ['--git-dir', gitDir, 'pack-objects', '-q', join(gitDir, 'objects', 'pack', 'pack')], { input: `${packed}\n` });
    execFileSync('git', ['--git-dir', gitDir, 'prune-packed']);
    expect(await texts(reader, [loose, packed])).to.deep.equal(['blob loose, written later\n', 'blob packed, written later\n']);
    expect(reader.pid).to.equal(pid);
  });

  it('throws a MirrorError for a missing object, and reads on after it', async () => {
    const a = blob('there\n');
    const err = await rejection(reader.read([a, 'f'.repeat(40)]));
    expect(err).to.be.instanceOf(MirrorError);
    expect((err as MirrorError).code).to.equal('GITGATE_BAD_OBJECT');
    expect(await texts(reader, [a])).to.deep.equal(['blob there\n']);
  });

  it('streams a read that holds more than its byte budget, with the same objects in the same order', async () => {
    const small = new ObjectReader(gitDir, { maxBytes: 10 });
    try {
      const ids = [blob('0123456789\n'), blob('abc\n'), blob('0123456789\n')];
      expect(await small.read(ids)).to.equal(null);
      expect(await texts(small, ids)).to.deep.equal(['blob 0123456789\n', 'blob abc\n', 'blob 0123456789\n']);
      // The stopped git answers nothing more: the next read within budget is whole and alone.
      expect(await texts(small, [ids[1]!])).to.deep.equal(['blob abc\n']);
    } finally {
      small.close();
    }
  });

  it('keeps the commits and trees it read, answering them again without git, and not the blobs', async () => {
    const b = blob('kept?\n');
    const tree = execFileSync('git', ['--git-dir', gitDir, 'mktree'], { input: `100644 blob ${b}\tfile\n`, encoding: 'utf8' }).trim();
    const commit = execFileSync('git', ['--git-dir', gitDir, 'commit-tree', tree, '-m', 'kept'], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' } }).trim();
    const first = await reader.read([commit, tree, b]);
    reader.close();
    // A caller may change what it got: what is kept is a copy.
    first![1]!.content.fill(0);
    const again = await reader.read([tree, commit]);
    expect(reader.pid, 'no git was started for kept objects').to.equal(undefined);
    expect(again!.map((o) => o.type)).to.deep.equal(['tree', 'commit']);
    expect(again![0]!.content.toString('latin1')).to.contain('file');
    expect(again![1]!.content.toString('utf8')).to.contain(`tree ${tree}`);
    // A blob is read from git each time; a read mixing kept and new objects keeps the order asked.
    expect((await reader.read([tree, b, commit]))!.map((o) => o.id)).to.deep.equal([tree, b, commit]);
    expect(reader.pid).to.be.a('number');
  });

  it('lets the least recently used commits and trees go past its cache budget', async () => {
    const trees = ['a', 'b', 'c'].map((n) => execFileSync('git', ['--git-dir', gitDir, 'mktree'], { input: `100644 blob ${blob(`${n}\n`)}\t${n}\n`, encoding: 'utf8' }).trim());
    // Each tree is 29 bytes: two fit.
    const small = new ObjectReader(gitDir, { cacheBytes: 60 });
    try {
      await small.read(trees);
      small.close();
      await small.read([trees[1]!, trees[2]!]);
      expect(small.pid, 'the two newest are kept').to.equal(undefined);
      await small.read([trees[0]!]);
      expect(small.pid, 'the oldest went').to.be.a('number');
    } finally {
      small.close();
    }
  });
});
