// The ref snapshot a store keeps after its own ref transactions must be what a fresh read of the
// refs gives (show-ref --head -d): the advertisement after a sync is answered from it.
import { expect } from 'chai';
import path from 'node:path';
import { SanitizedStore } from '../src/index.js';
import { Upstream, removeDir, tempDir } from './helpers.js';

describe('SanitizedStore ref snapshot after its own updates', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => { dir = tempDir(); });
  afterEach(() => { removeDir(dir); });

  it('equals a fresh read after creating, moving and deleting branches and annotated tags, HEAD following its branch', async () => {
    // The store's objects are written by the Upstream helper into the store's own directory.
    const gitDir = path.join(dir, 'sanitized.git');
    const objects = Upstream.create(gitDir);
    const store = new SanitizedStore(gitDir);
    await store.init();
    const c1 = objects.commitFiles({ 'a.txt': 'one\n' }, 'one\n');
    const c2 = objects.commitFiles({ 'a.txt': 'two\n' }, 'two\n', [c1]);
    const tag = objects.tag({ object: c1, tag: 'v1', message: 'v1\n' });
    const tagOfTag = objects.tag({ object: tag, type: 'tag', tag: 'v1-again', message: 'again\n' });
    await store.setHead('refs/heads/main');
    const fresh = async (): Promise<unknown> => new SanitizedStore(gitDir).snapshot();
    const steps: { name: string; id: string | null }[][] = [
      [{ name: 'refs/heads/main', id: c1 }, { name: 'refs/heads/side', id: c1 }],
      [{ name: 'refs/tags/v1', id: tag }, { name: 'refs/tags/v1-again', id: tagOfTag }, { name: 'refs/heads/main', id: c2 }],
      [{ name: 'refs/heads/side', id: null }, { name: 'refs/heads/agent/x', id: c2 }, { name: 'refs/heads/Z', id: c1 }],
      [{ name: 'refs/heads/main', id: null }],
    ];
    for (const step of steps) {
      await store.snapshot();
      await store.updateRefs(step);
      const kept = await store.snapshot();
      expect(kept).to.deep.equal(await fresh());
    }
    // Kept, not read again: a ref written behind the store's back is not in it (only this process writes).
    objects.setRef('refs/heads/behind', c1);
    expect((await store.snapshot()).refs.map((r) => r.name)).to.not.include('refs/heads/behind');
  });
});
