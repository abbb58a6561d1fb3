import { expect } from 'chai';
import { base32Encode } from '../src/base32.js';

describe('base32Encode', () => {
  // RFC 4648 section 10 test vectors, with the '=' padding removed.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [input, output] of vectors) {
    it(`encodes "${input}" as "${output}" per RFC 4648`, () => {
      expect(base32Encode(Buffer.from(input, 'latin1'))).to.equal(output);
    });
  }

  it('uses only A-Z and 2-7 for arbitrary bytes', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(base32Encode(all)).to.match(/^[A-Z2-7]+$/);
  });
});
