// Streaming many objects through one `git cat-file --batch --buffer`.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { MirrorError, readObjects } from '../src/index.js';
import { inStorageOrder, readObjectBatches } from '../src/cat-file-batch.js';
import type { RawObject } from '../src/cat-file-batch.js';
import { Upstream, git, removeDir, tempDir } from './helpers.js';

describe('readObjectBatches', function () {
  this.timeout(30_000);
  let dir: string;
  let up: Upstream;

  beforeEach(() => {
    dir = tempDir();
    up = Upstream.create(path.join(dir, 'upstream.git'));
  });
  afterEach(() => removeDir(dir));

  /** Blobs large and small, so that a pipe chunk ends inside some of them. */
  const someBlobs = (): { ids: string[]; contents: string[] } => {
    const contents = Array.from({ length: 300 }, (_, i) => `line ${i}\n`.repeat(i % 7 === 0 ? 2000 : i + 1));
    return { ids: contents.map((c) => up.blob(c)), contents };
  };

  it('yields every object in the order asked, over several batches', async () => {
    const { ids, contents } = someBlobs();
    const got: RawObject[] = [];
    let batches = 0;
    for await (const batch of readObjectBatches(up.gitDir, ids, { views: true })) {
      batches++;
      // Views are only good until the next batch is asked for.
      for (const o of batch) got.push({ ...o, content: Buffer.from(o.content) });
    }
    expect(batches).to.be.greaterThan(1);
    expect(got.map((o) => o.id)).to.deep.equal(ids);
    expect(got.every((o, i) => o.type === 'blob' && o.content.toString() === contents[i])).to.equal(true);
  });

  it('yields the objects before a missing one, then throws GITGATE_BAD_OBJECT', async () => {
    const { ids } = someBlobs();
    const asked = [...ids.slice(0, 5), 'e'.repeat(40), ...ids.slice(5)];
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const batch of readObjectBatches(up.gitDir, asked)) for (const o of batch) got.push(o.id);
    } catch (e) {
      error = e;
    }
    expect((error as MirrorError).code).to.equal('GITGATE_BAD_OBJECT');
    expect(got).to.deep.equal(ids.slice(0, 5));
  });

  it('gives readObjects the same objects one at a time', async () => {
    const { ids, contents } = someBlobs();
    const got: string[] = [];
    for await (const o of readObjects(up.gitDir, ids)) got.push(o.content.toString());
    expect(got).to.deep.equal(contents);
  });

  it('orders ids as git stores them: packed ones by offset, then those it does not list, as asked', async () => {
    // Versions of one file: a repack stores them as deltas of each other, not in the order they were made.
    const packed: string[] = [];
    let tip: string[] = [];
    for (let i = 0; i < 40; i++) {
      const content = `${'shared line\n'.repeat(200)}version ${i}\n`.repeat(1 + (i % 3));
      packed.push(up.blob(content));
      tip = [up.commitFiles({ 'f.txt': content }, `version ${i}\n`, tip)];
    }
    up.setRef('refs/heads/main', tip[0]!);
    git(up.gitDir, ['repack', '-a', '-d', '-q']);
    const loose = up.blob('written after the repack\n');
    const unknown = 'e'.repeat(40);
    const offsets = new Map<string, number>();
    const idx = git(up.gitDir, ['rev-parse', '--git-path', 'objects/pack']).toString().trim();
    for (const line of git(up.gitDir, ['verify-pack', '-v', ...listIdx(path.resolve(up.gitDir, idx))]).toString().split('\n')) {
      const m = /^([0-9a-f]{40}) blob +\d+ \d+ (\d+)/.exec(line);
      if (m) offsets.set(m[1]!, Number(m[2]));
    }
    const ids = [unknown, ...packed, loose];
    const order = await inStorageOrder(up.gitDir, ids);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(ids.map((_, k) => k));
    const packedOrder = order.map((k) => ids[k]!).filter((id) => offsets.has(id));
    expect(packedOrder).to.have.length(packed.length);
    expect(packedOrder.map((id) => offsets.get(id)!)).to.deep.equal([...packedOrder.map((id) => offsets.get(id)!)].sort((a, b) => a - b));
    // Not stored at all: last, where a read would then fail as it would in any order.
    expect(order[order.length - 1]).to.equal(0);
    expect(order).to.include(ids.indexOf(loose));
  });
});

/** The pack index files in a pack directory. */
function listIdx(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.idx')).map((f) => path.join(dir, f));
}
