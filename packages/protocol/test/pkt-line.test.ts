import { expect } from 'chai';
import {
  DELIM_PKT, FLUSH_PKT, MAX_PKT_DATA, RESPONSE_END_PKT, codes, encodePkt, parsePkts,
} from '../src/index.js';
import { expectProtocolError, recorded } from './recorded.js';

describe('pkt-line', () => {
  describe('encodePkt', () => {
    it('prefixes data with its total length as 4 lowercase hex digits', () => {
      expect(encodePkt('version 2\n').toString('latin1')).to.equal('000eversion 2\n');
    });

    it('encodes strings as UTF-8 and counts bytes, not characters', () => {
      expect(encodePkt('\u00e9').toString('latin1')).to.equal('0006\u00c3\u00a9');
    });

    it('accepts exactly MAX_PKT_DATA bytes with header fff0', () => {
      const pkt = encodePkt(Buffer.alloc(MAX_PKT_DATA, 0x61));
      expect(pkt.subarray(0, 4).toString('latin1')).to.equal('fff0');
      expect(pkt.length).to.equal(65520);
    });

    it('throws TypeError for data one byte over MAX_PKT_DATA', () => {
      expect(() => encodePkt(Buffer.alloc(MAX_PKT_DATA + 1))).to.throw(TypeError);
    });

    it('defines flush, delim and response-end as 0000, 0001 and 0002', () => {
      expect([FLUSH_PKT, DELIM_PKT, RESPONSE_END_PKT].map((b) => b.toString('latin1'))).to.deep.equal(['0000', '0001', '0002']);
    });
  });

  describe('parsePkts', () => {
    it('splits a recorded v2 ls-refs request into data, delim and flush pkts', () => {
      const pkts = parsePkts(recorded('v2-ls-refs.request'));
      expect(pkts.map((p) => p.kind)).to.deep.equal([
        'data', 'data', 'data', 'delim', 'data', 'data', 'data', 'data', 'data', 'data', 'flush',
      ]);
      const first = pkts[0]!;
      expect(first.kind === 'data' && first.data.toString()).to.equal('command=ls-refs\n');
    });

    it('round-trips recorded bodies through encodePkt and the special pkts', () => {
      for (const name of ['v2-fetch-haves.request', 'v0-fetch-round.request', 'v0-advertisement.pkt', 'v2-ls-refs.response', 'v2-fetch-clone.response']) {
        const body = recorded(name);
        const again = Buffer.concat(parsePkts(body).map((p) => {
          if (p.kind === 'data') return encodePkt(p.data);
          return p.kind === 'flush' ? FLUSH_PKT : p.kind === 'delim' ? DELIM_PKT : RESPONSE_END_PKT;
        }));
        expect(again.equals(body), name).to.equal(true);
      }
    });

    it('reads 0002 as a response-end pkt and 0004 as an empty data pkt', () => {
      const pkts = parsePkts(Buffer.from('00020004', 'latin1'));
      expect(pkts[0]).to.deep.equal({ kind: 'response-end' });
      expect(pkts[1]!.kind).to.equal('data');
      expect(pkts[1]!.kind === 'data' && pkts[1]!.data.length).to.equal(0);
    });

    it('accepts upper-case hex in the length header as git does', () => {
      const pkts = parsePkts(Buffer.concat([Buffer.from('000A', 'latin1'), Buffer.from('abcdef')]));
      expect(pkts[0]!.kind === 'data' && pkts[0]!.data.toString()).to.equal('abcdef');
    });

    it('returns no pkts for an empty body', () => {
      expect(parsePkts(Buffer.alloc(0))).to.deep.equal([]);
    });

    it('rejects a length header that is not 4 hex digits as GITGATE_PKT_MALFORMED', () => {
      expectProtocolError(() => parsePkts(Buffer.from('00g8abcd', 'latin1')), codes.pktMalformed);
    });

    it('rejects the impossible length 0003 as GITGATE_PKT_MALFORMED', () => {
      expectProtocolError(() => parsePkts(Buffer.from('0003x', 'latin1')), codes.pktMalformed);
    });

    it('rejects a length over 65520 as GITGATE_PKT_MALFORMED', () => {
      const body = Buffer.concat([Buffer.from('fff1', 'latin1'), Buffer.alloc(65521 - 4)]);
      expectProtocolError(() => parsePkts(body), codes.pktMalformed);
    });

    it('rejects a body that ends inside a pkt as GITGATE_PKT_MALFORMED', () => {
      const err = expectProtocolError(() => parsePkts(Buffer.from('0000000aabc', 'latin1')), codes.pktMalformed);
      expect(err.data).to.deep.include({ offset: 4 });
    });

    it('rejects a body that ends inside a length header as GITGATE_PKT_MALFORMED', () => {
      expectProtocolError(() => parsePkts(Buffer.from('000000', 'latin1')), codes.pktMalformed);
    });

    it('rejects a data pkt longer than maxData as GITGATE_PKT_TOO_LONG', () => {
      expectProtocolError(() => parsePkts(encodePkt('0123456789'), { maxData: 9 }), codes.pktTooLong);
    });

    it('accepts a data pkt of exactly maxData bytes', () => {
      expect(parsePkts(encodePkt('0123456789'), { maxData: 10 })).to.have.length(1);
    });

    it('rejects more than maxPkts pkts as GITGATE_REQUEST_TOO_LARGE', () => {
      expectProtocolError(() => parsePkts(Buffer.from('0000'.repeat(4), 'latin1'), { maxPkts: 3 }), codes.requestTooLarge);
    });

    it('accepts exactly maxPkts pkts', () => {
      expect(parsePkts(Buffer.from('0000'.repeat(3), 'latin1'), { maxPkts: 3 })).to.have.length(3);
    });

    it('caps a request at 100000 pkts by default', () => {
      expectProtocolError(() => parsePkts(Buffer.from('0000'.repeat(100001), 'latin1')), codes.requestTooLarge);
    });
  });
});
