import { expect } from 'chai';
import type { Finding } from '../src/index.js';
import { resolveOverlaps } from '../src/resolve-overlaps.js';

const f = (ruleId: string, start: number, end: number, confidence: Finding['confidence'] = 'high'): Finding => ({
  ruleId,
  type: ruleId,
  start,
  end,
  confidence,
});

describe('resolveOverlaps', () => {
  it('keeps the longer of two overlapping findings', () => {
    expect(resolveOverlaps([f('a', 5, 8), f('b', 2, 10)])).to.deep.equal([f('b', 2, 10)]);
  });

  it('keeps the higher confidence of two equally long overlapping findings', () => {
    expect(resolveOverlaps([f('a', 0, 10, 'medium'), f('z', 2, 12, 'high')])).to.deep.equal([f('z', 2, 12, 'high')]);
  });

  it('keeps the lower rule id when length and confidence tie', () => {
    expect(resolveOverlaps([f('n', 0, 10), f('m', 0, 10)])).to.deep.equal([f('m', 0, 10)]);
  });

  it('keeps adjacent findings that touch but do not overlap', () => {
    expect(resolveOverlaps([f('b', 5, 9), f('a', 0, 5)])).to.deep.equal([f('a', 0, 5), f('b', 5, 9)]);
  });

  it('sorts the kept findings by start', () => {
    expect(resolveOverlaps([f('a', 30, 40), f('a', 0, 5), f('a', 10, 20)]).map((x) => x.start)).to.deep.equal([0, 10, 30]);
  });

  it('drops a finding that overlaps a kept one on either side', () => {
    // The long one in the middle wins; both short ones touch it and go.
    expect(resolveOverlaps([f('a', 0, 6), f('b', 5, 20), f('c', 19, 22)])).to.deep.equal([f('b', 5, 20)]);
  });

  it('gives the same result for every input order', () => {
    const input = [f('a', 0, 6), f('b', 5, 20, 'low'), f('c', 19, 22), f('d', 5, 20, 'high'), f('e', 25, 30), f('f', 21, 26)];
    const expected = resolveOverlaps(input);
    for (let i = 0; i < 20; i++) {
      const shuffled = [...input].sort(() => (((i * 7919) % 13) / 13 < 0.5 ? -1 : 1));
      expect(resolveOverlaps(shuffled)).to.deep.equal(expected);
      expect(resolveOverlaps([...input].reverse())).to.deep.equal(expected);
    }
  });
});
