// The byte-keyed memo of name masks (pass 1's per-name variants) against a plain Map of strings.
import { expect } from 'chai';
import { MAX_NAME_MASKS, NameMasks, nameMasksFor } from '../src/name-masks.js';

describe('name masks', () => {
  it('answers as a string-keyed Map would, for names at any offset, across starting over', () => {
    const memo = new NameMasks(50);
    const reference = new Map<string, number>();
    // 200 names of 10, found again; then 200 of 80 (some with the same prefix), more than the memo holds.
    const tree = Buffer.from(Array.from({ length: 400 }, (_, i) => (i < 200 ? `a${i % 10}` : `b${(i * 37) % 80}${'x'.repeat(i % 3)}`)).join('\0'));
    let from = 0;
    let [misses, hits] = [0, 0];
    for (let i = 0; i <= tree.length; i++) {
      if (i < tree.length && tree[i] !== 0) continue;
      const name = tree.toString('latin1', from, i);
      const got = memo.get(tree, from, i);
      if (got < 0) {
        misses++;
        memo.set(tree, from, i, reference.get(name) ?? reference.size + 1);
        reference.set(name, reference.get(name) ?? reference.size + 1);
      } else {
        hits++;
        expect(got).to.equal(reference.get(name));
      }
      from = i + 1;
    }
    expect(hits).to.be.at.least(190);
    expect(misses).to.be.greaterThan(60);
    expect(memo.get(Buffer.from('never-set'), 0, 9)).to.equal(-1);
  });

  it('sizes the memo of a small sync at a few thousand names and that of a large one at the cap', () => {
    expect(nameMasksFor(3)).to.equal(4096);
    expect(nameMasksFor(1000)).to.equal(16_000);
    expect(nameMasksFor(400_000)).to.equal(MAX_NAME_MASKS);
  });
});
