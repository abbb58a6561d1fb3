import { expect } from 'chai';
import { compareRanges, rangesEqual } from '../src/index.js';

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

describe('byte ranges', () => {
  // Few distinct byte values, so ranges share long prefixes and equal ranges are common.
  const random = prng(7);
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => 0x61 + (random() % 3)));
  const ranges = (buf: Buffer): [number, number] => {
    const start = random() % buf.length;
    return [start, start + (random() % (buf.length - start + 1))];
  };

  it('orders two ranges as Buffer.compare does, prefixes and empty ranges included', () => {
    const a = bytes(64);
    const b = bytes(64);
    for (let k = 0; k < 5000; k++) {
      const [as, ae] = ranges(a);
      const [bs, be] = ranges(b);
      const expected = Math.sign(a.compare(b, bs, be, as, ae));
      expect(Math.sign(compareRanges(a, as, ae, b, bs, be)), `a[${as},${ae}) vs b[${bs},${be})`).to.equal(expected);
    }
  });

  it('tells equal ranges of one length from unequal ones as Buffer.equals does', () => {
    const a = bytes(48);
    const b = Buffer.concat([a.subarray(0, 24), bytes(24)]);
    for (let k = 0; k < 5000; k++) {
      const length = random() % 12;
      const as = random() % (a.length - length + 1);
      const bs = random() % (b.length - length + 1);
      const expected = a.subarray(as, as + length).equals(b.subarray(bs, bs + length));
      expect(rangesEqual(a, as, b, bs, length), `a@${as} b@${bs} ×${length}`).to.equal(expected);
    }
  });
});
