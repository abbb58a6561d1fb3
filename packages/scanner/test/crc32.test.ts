import { expect } from 'chai';
import { gzipSync, inflateRawSync } from 'node:zlib';
import { crc32 } from '../src/crc32.js';
import { deflateStored } from '../src/deflate-stored.js';

describe('crc32 and stored deflate', () => {
  it('computes the CRC-32 zlib writes into a gzip trailer', () => {
    for (const text of ['', 'a', 'The quick brown fox jumps over the lazy dog', 'x'.repeat(100_000)]) {
      const gz = gzipSync(Buffer.from(text));
      expect(crc32(Buffer.from(text))).to.equal(gz.readUInt32LE(gz.length - 8));
    }
  });

  it('writes stored blocks that zlib inflates back, at and around the 65535-byte block size', () => {
    for (const n of [0, 1, 65_535, 65_536, 200_001]) {
      const content = Buffer.from(Array.from({ length: n }, (_, i) => (i * 31) & 0xff));
      const stream = deflateStored(content);
      expect(stream.length).to.equal(n + 5 * Math.max(1, Math.ceil(n / 65_535)));
      expect(inflateRawSync(stream).equals(content)).to.equal(true);
    }
  });
});
