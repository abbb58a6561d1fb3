import { expect } from 'chai';
import { type V0Request, codes, parseV0Request, serializeV0Request } from '../src/index.js';
import { expectProtocolError, pkts, recorded, recordedNames } from './recorded.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('v0 requests', () => {
  it('parses a recorded clone: wants, first-line capabilities, flush, done', () => {
    const r = parseV0Request(recorded('v0-clone.request'));
    expect(r.wants).to.have.length(3);
    expect(r.capabilities).to.include.members(['multi_ack_detailed', 'side-band-64k', 'ofs-delta', 'agent=git/2.39.5']);
    expect(r).to.deep.include({ haves: [], done: true, shallows: [], deepenNot: [] });
  });

  it('parses a recorded shallow partial clone that ends right after the want section', () => {
    const r = parseV0Request(recorded('v0-shallow.request'));
    expect(r).to.deep.include({ deepen: 1, filter: 'blob:limit=1024', done: false, haves: [] });
    expect(r.capabilities).to.include('filter');
  });

  it('parses a recorded negotiation round ending in a flush', () => {
    const r = parseV0Request(recorded('v0-fetch-round.request'));
    expect(r.haves).to.have.length(16);
    expect(r.done).to.equal(false);
  });

  it('parses a recorded final round ending in done', () => {
    const r = parseV0Request(recorded('v0-fetch-done.request'));
    expect(r.haves).to.have.length(10);
    expect(r.done).to.equal(true);
  });

  it('reserializes every recorded v0 request byte for byte', () => {
    for (const name of recordedNames((n) => n.startsWith('v0-') && n.endsWith('.request'))) {
      const body = recorded(name);
      expect(serializeV0Request(parseV0Request(body)).toString('latin1'), name).to.equal(body.toString('latin1'));
    }
  });

  it('round-trips a struct with every field set', () => {
    const r: V0Request = {
      wants: [A, B], capabilities: ['side-band-64k', 'agent=x/1'], shallows: [C], deepenSince: 99,
      deepenNot: ['refs/heads/old'], filter: 'combine:blob:none+tree:2', haves: [C], done: true,
    };
    expect(parseV0Request(serializeV0Request(r))).to.deep.equal(r);
  });

  it('reads only the first have round of a body, as upload-pack --stateless-rpc does', () => {
    const r = parseV0Request(pkts([`want ${A}\n`, '0000', `have ${B}\n`, '0000', `have ${C}\n`, '0000', 'done\n']));
    expect(r).to.deep.include({ haves: [B], done: false, flush: true });
    // Re-serialized, the round still ends in a flush, so git answers it with ACK/NAK and no pack.
    expect(serializeV0Request(r).toString('latin1').endsWith(`have ${B}\n0000`)).to.equal(true);
  });

  it('keeps the flush of a round whose haves were all removed, so git still answers NAK', () => {
    const r = parseV0Request(pkts([`want ${A}\n`, '0000', `have ${B}\n`, '0000']));
    expect(serializeV0Request({ ...r, haves: [] }).toString('latin1')).to.equal(`0032want ${A}\n00000000`);
  });

  it('accepts a later want line that ends in a space, as git does, but not one with capabilities', () => {
    expect(parseV0Request(pkts([`want ${A} ofs-delta\n`, `want ${B} \n`, '0000'])).wants).to.deep.equal([A, B]);
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, `want ${B} ofs-delta \n`, '0000'])), codes.badRequest);
  });

  it('accepts want lines without LF', () => {
    expect(parseV0Request(pkts([`want ${A}`, '0000'])).wants).to.deep.equal([A]);
  });

  it('refuses a body without a want as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts(['0000', 'done\n'])), codes.badRequest);
    expectProtocolError(() => parseV0Request(Buffer.alloc(0)), codes.badRequest);
  });

  it('refuses a body that does not start with want as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`shallow ${A}`, `want ${A}\n`, '0000'])), codes.badRequest);
  });

  it('refuses an unknown line as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, 'deepen-relative', '0000'])), codes.badRequest);
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, `need ${A}`, '0000'])), codes.badRequest);
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, '0000', `want ${B}\n`, 'done\n'])), codes.badRequest);
  });

  it('refuses capabilities on a later want line as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, `want ${B} ofs-delta\n`, '0000'])), codes.badRequest);
  });

  it('accepts a capability list that ends with a space, as libgit2 sends it', () => {
    const r = parseV0Request(pkts([`want ${A} multi_ack thin-pack side-band-64k ofs-delta \n`, `want ${B}\n`, '0000', 'done\n']));
    expect(r.capabilities).to.deep.equal(['multi_ack', 'thin-pack', 'side-band-64k', 'ofs-delta']);
    expect(r.wants).to.deep.equal([A, B]);
    expect(serializeV0Request(r).toString('latin1')).to.include(`want ${A} multi_ack thin-pack side-band-64k ofs-delta\n`);
  });

  it('accepts runs of spaces between capabilities and a lone space after the id, as git does', () => {
    expect(parseV0Request(pkts([`want ${A}  ofs-delta   thin-pack\n`, '0000'])).capabilities).to.deep.equal(['ofs-delta', 'thin-pack']);
    expect(parseV0Request(pkts([`want ${A} \n`, '0000'])).capabilities).to.deep.equal([]);
  });

  it('refuses a malformed capability list as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A} =x\n`, '0000'])), codes.badRequest);
  });

  it('refuses a want or have that is not a sha1 id as GITGATE_BAD_OBJECT_ID', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A.toUpperCase()}\n`, '0000'])), codes.badObjectId);
    expectProtocolError(() => parseV0Request(pkts(['want\n', '0000'])), codes.badObjectId);
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, '0000', 'have refs/heads/main\n', '0000'])), codes.badObjectId);
  });

  it('refuses a bad shallow id as GITGATE_BAD_OBJECT_ID', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, `shallow ${A.slice(2)}`, '0000'])), codes.badObjectId);
  });

  it('refuses a bad deepen value as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, 'deepen 0', '0000'])), codes.badRequest);
  });

  it('refuses deepen with deepen-not as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, 'deepen 3', 'deepen-not main', '0000'])), codes.badRequest);
  });

  it('refuses a filter outside the allowed set as GITGATE_FILTER_NOT_ALLOWED', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, 'filter object:type=blob', '0000'])), codes.filterNotAllowed);
  });

  it('refuses a delim pkt as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, '0001', '0000'])), codes.badRequest);
  });

  it('ignores what follows done, as upload-pack does, as long as it is whole pkt-lines', () => {
    expect(parseV0Request(pkts([`want ${A}\n`, '0000', 'done\n', `have ${B}\n`, 'garbage'])).haves).to.deep.equal([]);
    expectProtocolError(() => parseV0Request(Buffer.concat([pkts([`want ${A}\n`, '0000', 'done\n']), Buffer.from('00')])), codes.pktMalformed);
  });

  it('refuses a body that ends inside the want section as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`])), codes.badRequest);
  });

  it('refuses a body that ends inside a have round as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV0Request(pkts([`want ${A}\n`, '0000', `have ${B}\n`])), codes.badRequest);
  });

  it('passes the maxPkts bound through as GITGATE_REQUEST_TOO_LARGE', () => {
    expectProtocolError(() => parseV0Request(recorded('v0-fetch-round.request'), { maxPkts: 10 }), codes.requestTooLarge);
  });

  it('throws TypeError when serializing a request without wants', () => {
    expect(() => serializeV0Request({ ...parseV0Request(recorded('v0-clone.request')), wants: [] })).to.throw(TypeError);
  });
});
