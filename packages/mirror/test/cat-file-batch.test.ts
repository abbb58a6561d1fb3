// Streaming many objects through one `git cat-file --batch --buffer`.
import { expect } from 'chai';
import path from 'node:path';
import { MirrorError, readObjects } from '../src/index.js';
import { readObjectBatches } from '../src/cat-file-batch.js';
import type { RawObject } from '../src/cat-file-batch.js';
import { Upstream, removeDir, tempDir } from './helpers.js';

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
});
