import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { hashObject, PackWriter, serializeTree, type TreeEntry } from '../src/index.js';
import { bareRepoPerTest, directoryHistory, git, hexId, readObjects, type Input } from './git-helpers.js';

/** `git verify-pack -v`: object count per delta chain length ("chain length = n: m objects") and non-delta count. */
function chains(bare: string, pack: string): { nonDelta: number; byLength: Map<number, number> } {
  const lines = git(bare, ['verify-pack', '-v', pack.replace(/\.pack$/, '.idx')]).toString().split('\n');
  const byLength = new Map<number, number>();
  let nonDelta = 0;
  for (const l of lines) {
    const m = /^chain length = (\d+): (\d+) objects?$/.exec(l);
    if (m) byLength.set(Number(m[1]), Number(m[2]));
    const n = /^non delta: (\d+) objects?$/.exec(l);
    if (n) nonDelta = Number(n[1]);
  }
  return { nonDelta, byLength };
}

async function writeDeltaPack(file: string, objects: readonly Input[]): Promise<{ path: string; checksum: string; index?: Buffer }> {
  const writer = await PackWriter.create(file, { deltaTrees: true, index: true });
  for (const o of objects) if (!writer.write(o.type, o.content)) await writer.drain();
  return writer.finish();
}

describe('PackWriter with deltaTrees', function () {
  this.timeout(120_000);
  const repo = bareRepoPerTest();

  it('writes versions of a directory as deltas that git reads back byte for byte', async () => {
    const objects = directoryHistory(3, 40, 300);
    const result = await writeDeltaPack(path.join(repo.packDir, 'trees.pack'), objects);
    fs.writeFileSync(result.path.replace(/\.pack$/, '.idx'), result.index!);
    git(repo.bare, ['index-pack', '-o', path.join(repo.dir, 'check.idx'), result.path]);
    expect(fs.readFileSync(path.join(repo.dir, 'check.idx')).equals(result.index!)).to.equal(true);
    const back = readObjects(repo.bare, objects.map((o) => o.id));
    expect(back.map((o) => [o.id, o.type, o.content.toString('hex')])).to.deep.equal(objects.map((o) => [o.id, o.type, o.content.toString('hex')]));
    const { nonDelta } = chains(repo.bare, result.path);
    expect(nonDelta).to.be.below(objects.length / 10);
  });

  it('takes entries added, removed and changed anywhere in a version, and git reads every version back', async () => {
    let entries = Array.from({ length: 200 }, (_, k): TreeEntry => ({ mode: k % 9 === 0 ? '40000' : '100644', name: Buffer.from(`entry-${String(k * 10).padStart(5, '0')}`), id: hexId() }));
    const objects: Input[] = [];
    for (let v = 0; v < 60; v++) {
      entries = entries.filter((_, k) => (k + v) % 37 !== 0);
      for (let k = v % 5; k < entries.length; k += 23) entries[k] = { ...entries[k]!, id: hexId() };
      entries.push({ mode: '100755', name: Buffer.from(`entry-${String(v * 10 + 5).padStart(5, '0')}`), id: hexId() });
      entries.sort((a, b) => Buffer.compare(a.name, b.name));
      const content = serializeTree(entries);
      objects.push({ id: hashObject('tree', content), type: 'tree', content });
    }
    const result = await writeDeltaPack(path.join(repo.packDir, 'scattered.pack'), objects);
    fs.writeFileSync(result.path.replace(/\.pack$/, '.idx'), result.index!);
    const back = readObjects(repo.bare, objects.map((o) => o.id));
    expect(back.map((o) => o.content.equals(objects.find((x) => x.id === o.id)!.content))).to.deep.equal(objects.map(() => true));
    expect(chains(repo.bare, result.path).nonDelta).to.be.below(5);
  });

  it('keeps every delta chain within git default depth of 50', async () => {
    const objects = directoryHistory(1, 130, 80);
    const result = await writeDeltaPack(path.join(repo.packDir, 'deep.pack'), objects);
    fs.writeFileSync(result.path.replace(/\.pack$/, '.idx'), result.index!);
    const { byLength } = chains(repo.bare, result.path);
    expect(Math.max(...byLength.keys())).to.equal(50);
    expect(git(repo.bare, ['fsck', '--strict', '--no-dangling']).toString()).to.equal('');
  });

  it('goes on from a tree half as deep once a chain is full, not with the tree whole, and git reads every version back', async () => {
    const objects = directoryHistory(1, 130, 400);
    const result = await writeDeltaPack(path.join(repo.packDir, 'anchored.pack'), objects);
    fs.writeFileSync(result.path.replace(/\.pack$/, '.idx'), result.index!);
    const { nonDelta, byLength } = chains(repo.bare, result.path);
    // Only the first version is whole; chains past depth 25 restart there (26, 27, ... again).
    expect(nonDelta).to.equal(1);
    expect(Math.max(...byLength.keys())).to.equal(50);
    expect(byLength.get(26)).to.be.greaterThan(1);
    const back = readObjects(repo.bare, objects.map((o) => o.id));
    expect(back.map((o) => o.content.equals(objects.find((x) => x.id === o.id)!.content))).to.deep.equal(objects.map(() => true));
    expect(git(repo.bare, ['fsck', '--strict', '--no-dangling']).toString()).to.equal('');
  });

  it('bases a version on the one it was made from when branches of the directory are written in turn', async () => {
    // Two lines of descent of one directory (the same first and last entry), far apart from each other,
    // written alternately as a rewritten history interleaves its branches: each version differs from the
    // one before it on its own line in one entry, from the other line in most.
    const shared = (k: number): TreeEntry => ({ mode: '100644', name: Buffer.from(`file-${String(k).padStart(4, '0')}`), id: hexId() });
    const lines = [Array.from({ length: 300 }, (_, k) => shared(k))];
    lines.push(lines[0]!.map((e, k) => (k === 0 || k === 299 || k % 3 === 0 ? e : { ...e, id: hexId() })));
    const objects: Input[] = [];
    for (let v = 0; v < 40; v++) {
      const line = lines[v % 2]!;
      line[1 + ((v * 7) % 297)] = { ...line[1 + ((v * 7) % 297)]!, id: hexId() };
      const content = serializeTree(line);
      objects.push({ id: hashObject('tree', content), type: 'tree', content });
    }
    const result = await writeDeltaPack(path.join(repo.packDir, 'branches.pack'), objects);
    fs.writeFileSync(result.path.replace(/\.pack$/, '.idx'), result.index!);
    const stats = git(repo.bare, ['verify-pack', '-v', result.path.replace(/\.pack$/, '.idx')]).toString().split('\n')
      .map((l) => l.split(/\s+/)).filter((f) => f[1] === 'tree');
    const deltas = stats.filter((f) => f.length >= 7).map((f) => Number(f[2]));
    // The first version of each line is written whole (the other line is too far off); every later
    // one is a delta of about one entry against the version before it on its line.
    expect(stats.length - deltas.length).to.be.at.most(2);
    expect(Math.max(...deltas)).to.be.below(100);
    const back = readObjects(repo.bare, objects.map((o) => o.id));
    expect(back.map((o) => o.content.equals(objects.find((x) => x.id === o.id)!.content))).to.deep.equal(objects.map(() => true));
    expect(git(repo.bare, ['fsck', '--strict', '--no-dangling']).toString()).to.equal('');
  });

  it('writes blobs, commits and a tree unlike any before it whole', async () => {
    const blob = Buffer.from('a blob that looks like nothing else\n'.repeat(20));
    const objects: Input[] = [{ id: hashObject('blob', blob), type: 'blob', content: blob }, ...directoryHistory(1, 1, 50)];
    const result = await writeDeltaPack(path.join(repo.packDir, 'whole.pack'), objects);
    fs.writeFileSync(result.path.replace(/\.pack$/, '.idx'), result.index!);
    expect(chains(repo.bare, result.path).nonDelta).to.equal(objects.length);
  });

  it('refuses to discard an object a delta is based on, and one lying between a delta and its base', async () => {
    const blob = Buffer.from('between\n');
    const [v1, v2] = directoryHistory(1, 2, 60);
    const writer = await PackWriter.create(path.join(repo.packDir, 'd.pack'), { deltaTrees: true });
    for (const o of [v1!, { id: hashObject('blob', blob), type: 'blob' as const, content: blob }, v2!]) if (!writer.write(o.type, o.content)) await writer.drain();
    expect(() => writer.discard(0)).to.throw(TypeError, /delta/);
    expect(() => writer.discard(1)).to.throw(TypeError, /delta/);
    await writer.abort();
  });

  it('does not base a tree on a discarded one', async () => {
    const [v1, v2] = directoryHistory(1, 2, 60);
    const writer = await PackWriter.create(path.join(repo.packDir, 'gone.pack'), { deltaTrees: true, index: true });
    writer.write(v1!.type, v1!.content);
    writer.discard(0);
    writer.write(v2!.type, v2!.content);
    const result = await writer.finish();
    fs.writeFileSync(result.path.replace(/\.pack$/, '.idx'), result.index!);
    expect([result.count, chains(repo.bare, result.path).nonDelta]).to.deep.equal([1, 1]);
    expect(readObjects(repo.bare, [v2!.id])[0]!.content.equals(v2!.content)).to.equal(true);
  });
});
