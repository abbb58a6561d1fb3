import { expect } from 'chai';
import { parsePkts, reportStatus } from '../src/index.js';
import { recorded } from './recorded.js';

/** The text of each data pkt, and 'flush' for a flush-pkt. */
function lines(body: Buffer): string[] {
  return parsePkts(body).map((p) => (p.kind === 'data' ? p.data.toString('utf8') : p.kind));
}

describe('report-status', () => {
  it('round-trips through the pkt parser: unpack ok, ok and ng lines, then a flush', () => {
    const out = reportStatus([
      { ref: 'refs/heads/main', ok: true },
      { ref: 'refs/heads/blocked', ok: false, reason: 'new raw secret in src/config.ts' },
    ]);
    expect(lines(out)).to.deep.equal(['unpack ok\n', 'ok refs/heads/main\n', 'ng refs/heads/blocked new raw secret in src/config.ts\n', 'flush']);
  });

  it('writes the unpack reason when unpackError is given', () => {
    expect(lines(reportStatus([{ ref: 'refs/heads/a', ok: false, reason: 'unpacker error' }], 'index-pack failed'))[0]).to.equal('unpack index-pack failed\n');
  });

  it('writes what git receive-pack writes inside band 1 for the same outcome', () => {
    // push-update.response: 002e + band 1 + the report; then the flush-pkt after the side-band.
    const recordedReport = recorded('push-update.response').subarray(5, -4);
    expect(reportStatus([{ ref: 'refs/heads/main', ok: true }]).toString('latin1')).to.equal(recordedReport.toString('latin1'));
  });

  it('writes only unpack ok and the flush for no refs', () => {
    expect(lines(reportStatus([]))).to.deep.equal(['unpack ok\n', 'flush']);
  });

  it('throws TypeError on an ng without reason, a LF in a reason, or a space in a ref', () => {
    expect(() => reportStatus([{ ref: 'refs/heads/a', ok: false }])).to.throw(TypeError);
    expect(() => reportStatus([{ ref: 'refs/heads/a', ok: false, reason: 'two\nlines' }])).to.throw(TypeError);
    expect(() => reportStatus([{ ref: 'refs/heads/a b', ok: true }])).to.throw(TypeError);
    expect(() => reportStatus([], 'a\nb')).to.throw(TypeError);
  });
});
