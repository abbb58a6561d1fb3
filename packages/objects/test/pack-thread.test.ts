import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashObject, ObjectsError, PackWriter, PackWriterThread, codes } from '../src/index.js';
import { bareRepoPerTest, directoryHistory, readObjects, type Input } from './git-helpers.js';

const FAILING = new URL('./failing-pack-thread.js', import.meta.url);

/** Trees of a history, blobs between them (larger than a batch), and commits. */
function mixedObjects(): Input[] {
  const out: Input[] = [];
  const trees = directoryHistory(4, 30, 120);
  for (let i = 0; i < trees.length; i++) {
    out.push(trees[i]!);
    if (i % 10 === 0) {
      const blob = randomBytes(i % 20 === 0 ? 1536 * 1024 : 200 + i);
      out.push({ id: hashObject('blob', blob), type: 'blob', content: blob });
      const commit = Buffer.from(`tree ${trees[i]!.id}\nauthor A <a@example.test> 1700000000 +0000\ncommitter A <a@example.test> 1700000000 +0000\n\nversion ${i}\n`);
      out.push({ id: hashObject('commit', commit), type: 'commit', content: commit });
    }
  }
  return out;
}

/** The error `p` rejects with, or null when it resolves. */
const rejection = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (err: unknown) => err);

describe('PackWriterThread', function () {
  this.timeout(60_000);
  const repo = bareRepoPerTest();

  it('writes byte for byte the pack and index a PackWriter writes for the same objects, and git reads them back', async () => {
    const objects = mixedObjects();
    const inline = await PackWriter.create(path.join(repo.dir, 'inline.pack'), { index: true, deltaTrees: true });
    for (const o of objects) if (!inline.write(o.type, o.content, o.id)) await inline.drain();
    const expected = await inline.finish();
    const thread = await PackWriterThread.create(path.join(repo.packDir, 'thread.pack'), { index: true, deltaTrees: true });
    let refused = 0;
    for (const [i, o] of objects.entries()) {
      expect(thread.accepted).to.equal(i);
      // The thread copied the bytes: the caller may reuse its buffer at once.
      const content = Buffer.from(o.content);
      const more = thread.write(o.type, content, i % 2 === 0 ? o.id : undefined);
      content.fill(0);
      if (!more) {
        refused++;
        await thread.drain();
      }
    }
    const got = await thread.finish();
    expect([got.count, got.checksum]).to.deep.equal([objects.length, expected.checksum]);
    expect(fs.readFileSync(got.path).equals(fs.readFileSync(expected.path))).to.equal(true);
    expect(got.index!.equals(expected.index!)).to.equal(true);
    fs.writeFileSync(got.path.replace(/\.pack$/, '.idx'), got.index!);
    const back = readObjects(repo.bare, objects.map((o) => o.id));
    expect(back.map((o) => o.content.equals(objects.find((x) => x.id === o.id)!.content))).to.deep.equal(objects.map(() => true));
    // 9 MB of blobs fill more batches than may be in flight: writes were held back.
    expect(refused).to.be.greaterThan(0);
    expect(fs.readdirSync(repo.packDir).sort()).to.deep.equal(['thread.idx', 'thread.pack']);
  });

  it('removes its temp file on abort, is closed after it, and a second abort is harmless', async () => {
    const thread = await PackWriterThread.create(path.join(repo.packDir, 'gone.pack'), { index: true });
    for (const o of directoryHistory(1, 5, 20)) thread.write(o.type, o.content, o.id);
    await thread.abort();
    await thread.abort();
    expect(fs.readdirSync(repo.packDir)).to.deep.equal([]);
    expect(() => thread.write('blob', Buffer.from('x'))).to.throw(TypeError, /closed/);
    expect(await rejection(thread.finish())).to.be.instanceOf(TypeError);
  });

  it('rejects like PackWriter.create where the pack cannot be written, and for a bad level', async () => {
    const err = await rejection(PackWriterThread.create(path.join(repo.dir, 'no-such-dir', 'x.pack')));
    expect(err).to.be.instanceOf(ObjectsError);
    expect((err as ObjectsError).code).to.equal(codes.packWrite);
    expect(await rejection(PackWriterThread.create(path.join(repo.packDir, 'x.pack'), { level: 9 }))).to.be.instanceOf(TypeError);
  });

  it('fails drain and finish with GITGATE_PACK_WRITE when its thread dies, and fails closed after', async () => {
    const thread = await PackWriterThread.create(path.join(repo.packDir, 'broken.pack'), { index: true }, FAILING);
    const big = randomBytes(2 * 1024 * 1024);
    let more = true;
    for (let i = 0; i < 6 && more; i++) more = thread.write('blob', big);
    // Batches in flight that the thread never answers: drain waits for them until the thread dies.
    expect(more).to.equal(false);
    const drained = await rejection(thread.drain());
    expect((drained as ObjectsError).code).to.equal(codes.packWrite);
    expect(thread.write('blob', Buffer.from('after'))).to.equal(false);
    const finished = await rejection(thread.finish());
    expect((finished as ObjectsError).code).to.equal(codes.packWrite);
    expect(await rejection(thread.finish())).to.be.instanceOf(TypeError);
    await thread.abort();
  });
});
