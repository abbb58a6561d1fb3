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
});
