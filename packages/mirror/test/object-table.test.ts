// The compact table of one sync's new objects.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { ObjectTable } from '../src/object-table.js';

const randomId = (): string => randomBytes(20).toString('hex');

describe('ObjectTable', () => {
  it('gives each new id the next index and an id it already holds its first index', () => {
    const t = new ObjectTable();
    const [a, b] = [randomId(), randomId()];
    expect([t.add(a), t.add(b), t.add(a)]).to.deep.equal([0, 1, 0]);
    expect(t.size).to.equal(2);
  });

  it('finds an id by its hex form and by its 20 binary bytes inside a larger buffer', () => {
    const t = new ObjectTable();
    const ids = [randomId(), randomId(), randomId()];
    for (const id of ids) t.add(id);
    const framed = Buffer.concat([Buffer.from('100644 name\0'), Buffer.from(ids[2]!, 'hex'), Buffer.from('tail')]);
    expect(t.indexOf(ids[1]!)).to.equal(1);
    expect(t.indexOfRaw(framed, 12)).to.equal(2);
    expect(t.id(2)).to.equal(ids[2]);
  });

  it('answers -1 for an id it does not hold and for anything that is not 40 lowercase hex digits', () => {
    const t = new ObjectTable();
    const id = randomId();
    t.add(id);
    expect([t.indexOf(randomId()), t.indexOf(id.toUpperCase()), t.indexOf(id.slice(1)), t.indexOf(`${id.slice(1)}g`)]).to.deep.equal([-1, -1, -1, -1]);
    expect(t.indexOfRaw(randomBytes(20), 0)).to.equal(-1);
  });

  it('keeps every id, type and sanitized id while it grows far past its first capacity', () => {
    const t = new ObjectTable(16);
    const ids = Array.from({ length: 5000 }, randomId);
    ids.forEach((id, i) => {
      t.add(id);
      t.setType(i, i % 2 === 0 ? 'blob' : 'tree');
      if (i % 3 === 0) t.rewrite(i, ids[(i + 1) % ids.length]!);
    });
    expect(t.size).to.equal(5000);
    expect(ids.every((id, i) => t.indexOf(id) === i && t.id(i) === id)).to.equal(true);
    expect(ids.every((_, i) => t.type(i) === (i % 2 === 0 ? 'blob' : 'tree'))).to.equal(true);
    expect(ids.every((_, i) => t.sanitized(i) === (i % 3 === 0 ? ids[(i + 1) % ids.length] : undefined))).to.equal(true);
    expect(t.rewritten).to.equal(1667);
  });

  it('replaces the sanitized id of a rewritten object and refuses one never rewritten', () => {
    const t = new ObjectTable();
    const ids = [randomId(), randomId()];
    ids.forEach((id) => t.setType(t.add(id), 'blob'));
    const [s1, s2] = [randomId(), randomId()];
    t.rewrite(0, s1);
    t.replace(0, s2);
    expect([t.sanitized(0), t.rewritten]).to.deep.equal([s2, 1]);
    expect(() => t.replace(1, s1)).to.throw(TypeError);
  });

  it('lists every id, the unchanged ids and the rewritten pairs in index order', () => {
    const t = new ObjectTable();
    const ids = [randomId(), randomId(), randomId(), randomId()];
    const types = ['commit', 'tree', 'blob', 'tag'] as const;
    ids.forEach((id, i) => t.setType(t.add(id), types[i]!));
    const [s1, s3] = [randomId(), randomId()];
    t.rewrite(3, s3);
    t.rewrite(1, s1);
    expect([...t.ids()]).to.deep.equal(ids);
    expect([...t.unchanged()]).to.deep.equal([ids[0], ids[2]]);
    // Split by type: the unchanged blobs, and every other unchanged object.
    expect([...t.unchanged(true)]).to.deep.equal([ids[2]]);
    expect([...t.unchanged(false)]).to.deep.equal([ids[0]]);
    expect([...t.pairs()]).to.deep.equal([
      { upstreamId: ids[1], sanitizedId: s1, type: 'tree' },
      { upstreamId: ids[3], sanitizedId: s3, type: 'tag' },
    ]);
  });

  it('throws TypeError for adding a string that is not an id, and for rewriting an object twice', () => {
    const t = new ObjectTable();
    expect(() => t.add('HEAD')).to.throw(TypeError);
    expect(() => t.add(randomId().toUpperCase())).to.throw(TypeError);
    t.add(randomId());
    t.rewrite(0, randomId());
    expect(() => t.rewrite(0, randomId())).to.throw(TypeError);
  });

  it('throws RangeError for an index it does not hold', () => {
    const t = new ObjectTable();
    t.add(randomId());
    expect(() => t.id(1)).to.throw(RangeError);
    expect(() => t.type(-1)).to.throw(RangeError);
  });
});
