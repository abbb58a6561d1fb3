import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { storedZlib } from '../src/pack-writer.js';
import { hashObject, ObjectsError, PackWriter, serializeTree, type ObjectType, type TreeEntry } from '../src/index.js';
import { bareRepoPerTest, git, readObjects } from './git-helpers.js';

interface Input {
  id: string;
  type: ObjectType;
  content: Buffer;
}

/** A few hundred linked objects: blobs of boundary sizes, trees over them, a chain of commits, tags. */
function sampleObjects(): Input[] {
  const out: Input[] = [];
  const add = (type: ObjectType, content: Buffer): string => {
    const id = hashObject(type, content);
    out.push({ id, type, content });
    return id;
  };
  const sizes = [0, 1, 15, 16, 17, 127, 128, 2047, 2048, 2049, 65_535, 65_536, 65_537, 200_000];
  const blobs = sizes.map((n) => add('blob', randomBytes(n)));
  for (let i = 0; i < 200; i++) blobs.push(add('blob', Buffer.from(`file ${i}\n`.repeat(i + 1))));
  let parent: string | null = null;
  for (let i = 0; i < 60; i++) {
    const entries: TreeEntry[] = [0, 1, 2].map((k) => ({ mode: '100644', name: Buffer.from(`f${k}`), id: blobs[(i * 3 + k) % blobs.length]! }));
    const tree = add('tree', serializeTree(entries));
    const lines = [`tree ${tree}`, ...(parent ? [`parent ${parent}`] : []), 'author A <a@x> 1700000000 +0000', 'committer C <c@x> 1700000000 +0000'];
    parent = add('commit', Buffer.from(`${lines.join('\n')}\n\ncommit ${i}\n`));
  }
  add('tag', Buffer.from(`object ${parent}\ntype commit\ntag v1\ntagger T <t@x> 1700000000 +0000\n\nrelease\n`));
  return out;
}

async function writePack(file: string, objects: readonly Input[], level?: number): Promise<{ path: string; count: number; checksum: string }> {
  const writer = await PackWriter.create(file, level === undefined ? {} : { level });
  for (const o of objects) await writer.add(o.type, o.content);
  return writer.finish();
}

/** Indexes `pack` (inside `bare`/objects/pack) and returns what git index-pack prints. */
function indexPack(bare: string, pack: string): string {
  return git(bare, ['index-pack', pack]).toString().trim();
}

/** `git verify-pack -v` rows (id, type, offset) and all its output lines. */
function verifyPack(bare: string, pack: string): { rows: { id: string; type: string; offset: number }[]; lines: string[] } {
  const lines = git(bare, ['verify-pack', '-v', pack.replace(/\.pack$/, '.idx')]).toString().trim().split('\n');
  const rows = lines
    .map((l) => l.split(/\s+/))
    .filter((f) => /^[0-9a-f]{40}$/.test(f[0]!))
    .map((f) => ({ id: f[0]!, type: f[1]!, offset: Number(f[4]) }));
  return { rows, lines };
}

describe('PackWriter', function () {
  this.timeout(120_000);
  const repo = bareRepoPerTest();

  it('writes a pack that git index-pack accepts with the same checksum', async () => {
    const objects = sampleObjects();
    const result = await writePack(path.join(repo.packDir, 'sample.pack'), objects);
    expect(result.count).to.equal(objects.length);
    expect(indexPack(repo.bare, result.path)).to.equal(result.checksum);
  });

  it('writes every object undeltified, in add order, as git verify-pack sees it', async () => {
    const objects = sampleObjects();
    const { path: pack } = await writePack(path.join(repo.packDir, 'sample.pack'), objects);
    indexPack(repo.bare, pack);
    const { rows, lines } = verifyPack(repo.bare, pack);
    expect(lines.slice(-2)).to.deep.equal([`non delta: ${objects.length} objects`, `${pack.replace(/\.pack$/, '')}.pack: ok`]);
    expect(rows.sort((x, y) => x.offset - y.offset).map((r) => [r.id, r.type])).to.deep.equal(objects.map((o) => [o.id, o.type]));
  });

  it('writes small payloads as stored zlib streams that zlib inflates (Adler-32 checked) and git reads back', async () => {
    for (let n = 0; n <= 300; n++) {
      const payload = n % 3 === 0 ? Buffer.alloc(n, 0xff) : randomBytes(n);
      const z = storedZlib(payload);
      expect(z.length).to.equal(n + 11);
      expect(inflateSync(z).equals(payload), `${n} bytes`).to.equal(true);
    }
    const tiny: { type: ObjectType; content: Buffer }[] = [
      { type: 'blob', content: Buffer.alloc(0) }, { type: 'blob', content: Buffer.from('x') }, { type: 'blob', content: randomBytes(255) }, { type: 'blob', content: randomBytes(256) },
    ];
    const objects = tiny.map((o) => ({ ...o, id: hashObject(o.type, o.content) }));
    const { path: pack } = await writePack(path.join(repo.packDir, 'tiny.pack'), objects);
    indexPack(repo.bare, pack);
    expect(readObjects(repo.bare, objects.map((o) => o.id)).map((o) => o.content.toString('hex'))).to.deep.equal(objects.map((o) => o.content.toString('hex')));
    expect(git(repo.bare, ['fsck', '--strict', '--no-dangling']).toString()).to.equal('');
  });

  it('stores content that git cat-file reads back byte for byte', async () => {
    const objects = sampleObjects();
    const { path: pack } = await writePack(path.join(repo.packDir, 'sample.pack'), objects, 6);
    indexPack(repo.bare, pack);
    const back = readObjects(repo.bare, objects.map((o) => o.id));
    expect(back.map((o) => [o.id, o.type, o.content.toString('hex')])).to.deep.equal(objects.map((o) => [o.id, o.type, o.content.toString('hex')]));
  });

  it('carries a 5 MB blob through', async () => {
    // Half random, half repetitive, so deflate has real work either way.
    const content = Buffer.concat([randomBytes(2_500_000), Buffer.alloc(2_742_880, 'gitgate ')]);
    const id = hashObject('blob', content);
    const { path: pack } = await writePack(path.join(repo.packDir, 'big.pack'), [{ id, type: 'blob', content }]);
    indexPack(repo.bare, pack);
    const [back] = readObjects(repo.bare, [id]);
    expect(back!.content.equals(content)).to.equal(true);
  });

  it('keeps add order when adds are not awaited one by one', async () => {
    const objects = sampleObjects().slice(0, 40);
    const writer = await PackWriter.create(path.join(repo.packDir, 'racy.pack'));
    await Promise.all(objects.map((o) => writer.add(o.type, o.content)));
    const { path: pack } = await writer.finish();
    indexPack(repo.bare, pack);
    const { rows } = verifyPack(repo.bare, pack);
    expect(rows.sort((x, y) => x.offset - y.offset).map((r) => r.id)).to.deep.equal(objects.map((o) => o.id));
  });

  it('gives the same index whether the caller passes each id or the writer hashes the content', async () => {
    const objects = sampleObjects();
    const indexes: Buffer[] = [];
    for (const withIds of [false, true]) {
      const writer = await PackWriter.create(path.join(repo.dir, `ids-${withIds}.pack`), { index: true });
      for (const o of objects) if (!writer.write(o.type, o.content, withIds ? o.id : undefined)) await writer.drain();
      indexes.push((await writer.finish()).index!);
    }
    expect(indexes[1]!.equals(indexes[0]!)).to.equal(true);
  });

  it('writes an empty pack that git accepts', async () => {
    const result = await writePack(path.join(repo.packDir, 'empty.pack'), []);
    expect([result.count, indexPack(repo.bare, result.path)]).to.deep.equal([0, result.checksum]);
  });

  it('counts the objects added so far', async () => {
    const writer = await PackWriter.create(path.join(repo.dir, 'count.pack'));
    await writer.add('blob', Buffer.from('a'));
    await writer.add('blob', Buffer.from('b'));
    expect(writer.count).to.equal(2);
    await writer.abort();
  });

  describe('discard', () => {
    it('leaves discarded objects out of a pack git accepts, staged and large ones alike', async () => {
      const big = randomBytes(3_000_000);
      const objects = [...sampleObjects().slice(0, 30), { id: hashObject('blob', big), type: 'blob' as const, content: big }, ...sampleObjects().slice(30, 60)];
      const writer = await PackWriter.create(path.join(repo.packDir, 'discard.pack'));
      const drop = new Set([0, 7, 30, objects.length - 1]);
      for (const o of objects) {
        expect(writer.accepted).to.be.a('number');
        if (!writer.write(o.type, o.content)) await writer.drain();
      }
      for (const o of drop) writer.discard(o);
      const result = await writer.finish();
      expect(result.count).to.equal(objects.length - drop.size);
      expect(indexPack(repo.bare, result.path)).to.equal(result.checksum);
      const { rows } = verifyPack(repo.bare, result.path);
      expect(rows.sort((x, y) => x.offset - y.offset).map((r) => r.id)).to.deep.equal(objects.filter((_, i) => !drop.has(i)).map((o) => o.id));
    });

    it('leaves discarded objects out of a small pack written from memory, with an index git would write', async () => {
      const objects = sampleObjects().slice(0, 40);
      const dir = path.join(repo.dir, 'small-discard');
      fs.mkdirSync(dir);
      const writer = await PackWriter.create(path.join(dir, 'small.pack'), { index: true });
      const drop = new Set([0, 13, objects.length - 1]);
      for (const o of objects) if (!writer.write(o.type, o.content, o.id)) await writer.drain();
      for (const o of drop) writer.discard(o);
      const result = await writer.finish();
      // Only the pack is left: the temp file went while the pack was written.
      expect(fs.readdirSync(dir)).to.deep.equal(['small.pack']);
      expect(indexPack(repo.bare, result.path)).to.equal(result.checksum);
      expect(result.index!.equals(fs.readFileSync(result.path.replace(/\.pack$/, '.idx')))).to.equal(true);
      const { rows } = verifyPack(repo.bare, result.path);
      expect(rows.sort((x, y) => x.offset - y.offset).map((r) => r.id)).to.deep.equal(objects.filter((_, i) => !drop.has(i)).map((o) => o.id));
    });

    it('refuses an ordinal never given', async () => {
      const writer = await PackWriter.create(path.join(repo.dir, 'none.pack'));
      await writer.add('blob', Buffer.from('a'));
      expect(() => writer.discard(1)).to.throw(TypeError);
      await writer.abort();
    });
  });

  it('leaves only the final pack in the directory after finish', async () => {
    const out = path.join(repo.dir, 'out');
    fs.mkdirSync(out);
    await writePack(path.join(out, 'only.pack'), sampleObjects().slice(0, 5));
    expect(fs.readdirSync(out)).to.deep.equal(['only.pack']);
  });

  it('removes its temp file and writes no pack on abort', async () => {
    const out = path.join(repo.dir, 'out');
    fs.mkdirSync(out);
    const writer = await PackWriter.create(path.join(out, 'gone.pack'));
    await writer.add('blob', Buffer.from('discarded\n'));
    expect(fs.readdirSync(out)).to.have.length(1);
    await writer.abort();
    await writer.abort();
    expect(fs.readdirSync(out)).to.deep.equal([]);
  });

  it('rejects adds and a second finish once finished', async () => {
    const writer = await PackWriter.create(path.join(repo.dir, 'closed.pack'));
    await writer.finish();
    let addError: unknown;
    let finishError: unknown;
    await writer.add('blob', Buffer.from('late')).catch((e: unknown) => (addError = e));
    await writer.finish().catch((e: unknown) => (finishError = e));
    expect([addError, finishError].map((e) => e instanceof TypeError)).to.deep.equal([true, true]);
  });

  it('rejects an unknown object type', async () => {
    const writer = await PackWriter.create(path.join(repo.dir, 'type.pack'));
    let error: unknown;
    await writer.add('ofs-delta' as ObjectType, Buffer.from('x')).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(TypeError);
    await writer.abort();
  });

  it('refuses a compression level outside 1..6', async () => {
    for (const level of [0, 7, 1.5]) {
      let error: unknown;
      await PackWriter.create(path.join(repo.dir, 'level.pack'), { level }).catch((e: unknown) => (error = e));
      expect(error, String(level)).to.be.instanceOf(TypeError);
    }
  });

  it('fails with GITGATE_PACK_WRITE when the target directory does not exist', async () => {
    let error: unknown;
    await PackWriter.create(path.join(repo.dir, 'missing', 'x.pack')).catch((e: unknown) => (error = e));
    expect((error as ObjectsError).code).to.equal('GITGATE_PACK_WRITE');
  });

  describe('write', () => {
    /** Writes every object with write(), awaiting drain() whenever write() asks for it. */
    async function writeAll(writer: PackWriter, objects: readonly Input[]): Promise<boolean[]> {
      const staged: boolean[] = [];
      for (const o of objects) {
        const ok = writer.write(o.type, o.content);
        staged.push(ok);
        if (!ok) await writer.drain();
      }
      return staged;
    }

    it('writes a pack, in write order, that git reads back byte for byte', async () => {
      // Enough objects to fill the 1 MiB staging buffer more than once, plus blobs too large to stage.
      const objects = [...sampleObjects(), ...Array.from({ length: 40 }, (_, i) => {
        const content = randomBytes(40_000 + i);
        return { id: hashObject('blob', content), type: 'blob' as const, content };
      })];
      const writer = await PackWriter.create(path.join(repo.packDir, 'written.pack'));
      await writeAll(writer, objects);
      const result = await writer.finish();
      expect(result.count).to.equal(objects.length);
      expect(indexPack(repo.bare, result.path)).to.equal(result.checksum);
      const { rows } = verifyPack(repo.bare, result.path);
      expect(rows.sort((x, y) => x.offset - y.offset).map((r) => r.id)).to.deep.equal(objects.map((o) => o.id));
      const back = readObjects(repo.bare, objects.map((o) => o.id));
      expect(back.every((b, i) => b.content.equals(objects[i]!.content))).to.equal(true);
    });

    it('stages a small object before returning true, and queues a large one, returning false', async () => {
      const writer = await PackWriter.create(path.join(repo.dir, 'staged.pack'));
      expect(writer.write('blob', Buffer.from('small\n'))).to.equal(true);
      expect(writer.count).to.equal(1);
      expect(writer.write('blob', randomBytes(100_000))).to.equal(false);
      await writer.drain();
      expect(writer.count).to.equal(2);
      await writer.abort();
    });

    it('queues behind an add that is still pending, keeping call order', async () => {
      const big = randomBytes(300_000);
      const small = Buffer.from('after the big one\n');
      const writer = await PackWriter.create(path.join(repo.packDir, 'mixed.pack'));
      const pending = writer.add('blob', big);
      expect(writer.write('blob', small)).to.equal(false);
      await Promise.all([pending, writer.drain()]);
      const { path: pack } = await writer.finish();
      indexPack(repo.bare, pack);
      const { rows } = verifyPack(repo.bare, pack);
      expect(rows.sort((x, y) => x.offset - y.offset).map((r) => r.id)).to.deep.equal([hashObject('blob', big), hashObject('blob', small)]);
    });

    it('throws TypeError once finished, and for an unknown type', async () => {
      const writer = await PackWriter.create(path.join(repo.dir, 'closed-write.pack'));
      expect(() => writer.write('ofs-delta' as ObjectType, Buffer.from('x'))).to.throw(TypeError);
      await writer.finish();
      expect(() => writer.write('blob', Buffer.from('late'))).to.throw(TypeError);
    });
  });


  describe('index option', () => {
    /** Writes `objects` (the ordinals in `drop` discarded) with the index option; returns the writer's index and git index-pack's. */
    const bothIndexes = async (objects: readonly Input[], drop: ReadonlySet<number>): Promise<{ ours: Buffer; git: Buffer; count: number }> => {
      const writer = await PackWriter.create(path.join(repo.packDir, 'indexed.pack'), { index: true });
      for (const o of objects) if (!writer.write(o.type, o.content)) await writer.drain();
      for (const o of drop) writer.discard(o);
      const result = await writer.finish();
      expect(indexPack(repo.bare, result.path)).to.equal(result.checksum);
      return { ours: result.index!, git: fs.readFileSync(result.path.replace(/\.pack$/, '.idx')), count: result.count };
    };

    it('gives the very index git index-pack writes for the same pack', async () => {
      const { ours, git: theirs, count } = await bothIndexes(sampleObjects(), new Set());
      expect(count).to.be.above(200);
      expect(ours.equals(theirs)).to.equal(true);
    });

    it('gives the index git writes when objects were discarded, staged and large ones alike', async () => {
      const big = randomBytes(3_000_000);
      const objects = [...sampleObjects().slice(0, 30), { id: hashObject('blob', big), type: 'blob' as const, content: big }, ...sampleObjects().slice(30, 60)];
      const { ours, git: theirs } = await bothIndexes(objects, new Set([0, 7, 30, objects.length - 1]));
      expect(ours.equals(theirs)).to.equal(true);
    });

    it('gives no index without the option', async () => {
      const result = await writePack(path.join(repo.packDir, 'plain.pack'), sampleObjects().slice(0, 5));
      expect((result as { index?: Buffer }).index).to.equal(undefined);
    });
  });
});
