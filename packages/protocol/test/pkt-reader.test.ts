import { expect } from 'chai';
import { MAX_PKT_DATA, PktReader, type RawPkt, codes, encodePkt, parsePkts } from '../src/index.js';
import { expectProtocolError, prng, recorded } from './recorded.js';

/** Feeds `body` in the given chunk sizes and returns every pkt read. */
function readInChunks(body: Buffer, sizes: Iterable<number>): { pkts: RawPkt[]; reader: PktReader } {
  const reader = new PktReader();
  const pkts: RawPkt[] = [];
  let off = 0;
  for (const size of sizes) {
    if (off >= body.length) break;
    pkts.push(...reader.push(body.subarray(off, off + size)));
    off += size;
  }
  if (off < body.length) pkts.push(...reader.push(body.subarray(off)));
  return { pkts, reader };
}

function summary(pkts: { kind: string; data?: Buffer }[]): string[] {
  return pkts.map((p) => (p.kind === 'data' ? `data:${p.data!.toString('hex')}` : p.kind));
}

describe('PktReader', () => {
  const stream = Buffer.concat([recorded('v2-fetch-clone.response'), Buffer.from('0002', 'latin1')]);
  const expected = summary(parsePkts(stream));

  it('reads a recorded upload-pack response pushed in one chunk like parsePkts', () => {
    const { pkts, reader } = readInChunks(stream, [stream.length]);
    expect(summary(pkts)).to.deep.equal(expected);
    expect(reader.pending).to.equal(0);
  });

  it('gives the same pkts for a two-chunk split at every byte offset', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const { pkts } = readInChunks(stream, [cut, stream.length - cut]);
      expect(summary(pkts), `cut at ${cut}`).to.deep.equal(expected);
    }
  });

  it('gives the same pkts for 200 random chunkings', () => {
    const rand = prng(42);
    for (let round = 0; round < 200; round++) {
      const sizes = Array.from({ length: stream.length }, () => 1 + Math.floor(rand() * 40));
      expect(summary(readInChunks(stream, sizes).pkts)).to.deep.equal(expected);
    }
  });

  it('gives the same pkts when fed one byte at a time', () => {
    expect(summary(readInChunks(stream, Array(stream.length).fill(1)).pkts)).to.deep.equal(expected);
  });

  it('hands back raw bytes that concatenate to exactly the input stream', () => {
    const { pkts } = readInChunks(stream, Array(stream.length).fill(7));
    expect(Buffer.concat(pkts.map((p) => p.raw)).equals(stream)).to.equal(true);
  });

  it('reports the bytes of an incomplete pkt as pending', () => {
    const reader = new PktReader();
    expect(reader.push(Buffer.from('00000009hel', 'latin1'))).to.have.length(1);
    expect(reader.pending).to.equal(7);
    const rest = reader.push(Buffer.from('lo0', 'latin1'));
    expect(rest[0]!.kind === 'data' && rest[0]!.data.toString()).to.equal('hello');
    expect(reader.pending).to.equal(1);
  });

  it('reads a maximum-size pkt fed one byte at a time without copying quadratically', () => {
    const big = encodePkt(Buffer.alloc(MAX_PKT_DATA, 0x5a));
    const started = process.hrtime.bigint();
    const { pkts } = readInChunks(big, Array(big.length).fill(1));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(pkts).to.have.length(1);
    expect(pkts[0]!.raw.equals(big)).to.equal(true);
    expect(ms).to.be.below(2000);
  });

  it('throws GITGATE_PKT_MALFORMED on a bad header even when it arrives split', () => {
    const reader = new PktReader();
    reader.push(Buffer.from('0000', 'latin1'));
    expect(reader.push(Buffer.from('0z', 'latin1'))).to.deep.equal([]);
    expectProtocolError(() => reader.push(Buffer.from('1a', 'latin1')), codes.pktMalformed);
  });

  it('refuses to continue after a malformed header', () => {
    const reader = new PktReader();
    expectProtocolError(() => reader.push(Buffer.from('zzzz', 'latin1')), codes.pktMalformed);
    expect(() => reader.push(Buffer.from('0000', 'latin1'))).to.throw(TypeError);
  });

  it('throws GITGATE_PKT_TOO_LONG for a data pkt over its maxData', () => {
    const reader = new PktReader({ maxData: 4 });
    expectProtocolError(() => reader.push(encodePkt('12345')), codes.pktTooLong);
  });

  it('throws GITGATE_PKT_MALFORMED from end() when the stream stops inside a pkt', () => {
    const reader = new PktReader();
    reader.push(Buffer.from('0009do', 'latin1'));
    expectProtocolError(() => reader.end(), codes.pktMalformed);
  });

  it('ends cleanly at a pkt boundary', () => {
    const reader = new PktReader();
    reader.push(Buffer.from('0009done\n', 'latin1'));
    expect(() => reader.end()).to.not.throw();
  });
});
