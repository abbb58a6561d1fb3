import { expect } from 'chai';
import { MAX_PKT_DATA, MAX_SIDEBAND_PAYLOAD, errorPkt, parsePkts, progressMessage, sidebandPkts } from '../src/index.js';
import { recorded } from './recorded.js';

/** Data payloads of a pkt stream. */
function payloads(body: Buffer): Buffer[] {
  return parsePkts(body).map((p) => (p.kind === 'data' ? p.data : Buffer.alloc(0)));
}

describe('side-band', () => {
  it('frames data as one pkt with the band byte first', () => {
    expect(sidebandPkts(2, Buffer.from('hi\n')).toString('latin1')).to.equal('0008\u0002hi\n');
  });

  it('fits 65515 payload bytes in one maximum-size pkt', () => {
    const out = sidebandPkts(1, Buffer.alloc(MAX_SIDEBAND_PAYLOAD, 1));
    expect(MAX_SIDEBAND_PAYLOAD).to.equal(65515);
    expect(out.length).to.equal(MAX_PKT_DATA + 4);
    expect(payloads(out)).to.have.length(1);
  });

  it('splits at 65515 payload bytes per pkt', () => {
    const data = Buffer.alloc(65515 * 2 + 10);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    const parts = payloads(sidebandPkts(1, data));
    expect(parts.map((p) => p.length)).to.deep.equal([65516, 65516, 11]);
    expect(parts.every((p) => p[0] === 1)).to.equal(true);
    expect(Buffer.concat(parts.map((p) => p.subarray(1))).equals(data)).to.equal(true);
  });

  it('splits at a smaller maxPayload for the old side-band capability', () => {
    expect(payloads(sidebandPkts(3, Buffer.alloc(2000), 999)).map((p) => p.length)).to.deep.equal([1000, 1000, 3]);
  });

  it('writes nothing for empty data', () => {
    expect(sidebandPkts(2, Buffer.alloc(0)).length).to.equal(0);
  });

  it('throws TypeError for a band other than 1, 2 or 3', () => {
    expect(() => sidebandPkts(4 as 1, Buffer.from('x'))).to.throw(TypeError);
  });

  it('throws TypeError for a maxPayload above 65515', () => {
    expect(() => sidebandPkts(1, Buffer.from('x'), 65516)).to.throw(TypeError);
  });

  it('frames band-1 pack data exactly as upload-pack does in a recorded response', () => {
    // The recorded v0 clone response is NAK, then the pack on band 1, then a flush.
    const pkts = parsePkts(recorded('v0-clone.response'));
    const band1 = pkts.flatMap((p) => (p.kind === 'data' && p.data[0] === 1 ? [p.data.subarray(1)] : []));
    const rebuilt = band1.map((piece) => sidebandPkts(1, piece));
    const original = pkts.flatMap((p) => (p.kind === 'data' && p.data[0] === 1 ? [p.data] : []));
    expect(rebuilt.map((b) => payloads(b)[0]!.toString('hex'))).to.deep.equal(original.map((b) => b.toString('hex')));
  });

  it('puts progress text on band 2 as UTF-8', () => {
    const [payload] = payloads(progressMessage('gitgate: 3 secrets replaced \u2713\n'));
    expect(payload![0]).to.equal(2);
    expect(payload!.subarray(1).toString('utf8')).to.equal('gitgate: 3 secrets replaced \u2713\n');
  });

  it('writes an ERR pkt-line that git reports as a remote error', () => {
    expect(errorPkt('access denied').toString('latin1')).to.equal('0016ERR access denied\n');
  });

  it('keeps an ERR message on one line', () => {
    expect(errorPkt('a\r\nb\nc').toString('latin1')).to.equal('000eERR a b c\n');
  });

  it('cuts an over-long ERR message to fit one pkt without splitting a character', () => {
    const out = errorPkt('\u00e9'.repeat(40000));
    const [payload] = payloads(out);
    expect(payload!.length).to.be.at.most(MAX_PKT_DATA);
    const text = payload!.toString('utf8');
    expect(text.endsWith('\u00e9\n')).to.equal(true);
    expect(text.includes('\ufffd')).to.equal(false);
  });
});
