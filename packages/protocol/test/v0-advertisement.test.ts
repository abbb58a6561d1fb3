import { expect } from 'chai';
import { codes, parseV0Advertisement, serializeV0Advertisement } from '../src/index.js';
import { expectProtocolError, pkts, recorded } from './recorded.js';

const ZERO = '0'.repeat(40);
const A = 'a'.repeat(40);
const SERVICE = ['# service=git-upload-pack\n', '0000'];

describe('v0/v1 advertisement', () => {
  it('parses a recorded http-backend advertisement: refs in order, peeled tags, capabilities', () => {
    const a = parseV0Advertisement(recorded('v0-advertisement.pkt'));
    expect(a.version1).to.equal(false);
    expect(a.refs.map((r) => r.name)).to.deep.equal(['HEAD', 'refs/heads/dev', 'refs/heads/main', 'refs/tags/v1', 'refs/tags/v1^{}']);
    expect(a.refs[0]!.id).to.equal(a.refs[2]!.id);
    expect(a.capabilities).to.include.members(['multi_ack', 'side-band-64k', 'symref=HEAD:refs/heads/main', 'agent=git/2.39.5']);
  });

  it('parses the version 1 line of a recorded v1 advertisement', () => {
    expect(parseV0Advertisement(recorded('v1-advertisement.pkt')).version1).to.equal(true);
  });

  it('parses a recorded empty-repository advertisement from git 2.39 as no refs and no capabilities', () => {
    expect(parseV0Advertisement(recorded('v0-empty-advertisement.pkt'))).to.deep.equal({ refs: [], capabilities: [], version1: false });
  });

  it('reserializes every recorded advertisement byte for byte', () => {
    for (const name of ['v0-advertisement.pkt', 'v1-advertisement.pkt', 'v0-empty-advertisement.pkt']) {
      const body = recorded(name);
      expect(serializeV0Advertisement(parseV0Advertisement(body)).toString('latin1'), name).to.equal(body.toString('latin1'));
    }
  });

  it('writes the same bytes as http-backend after dropping a ref and a capability', () => {
    const a = parseV0Advertisement(recorded('v0-advertisement.pkt'));
    const filtered = {
      ...a,
      refs: a.refs.filter((r) => r.name !== 'refs/heads/dev'),
      capabilities: a.capabilities.filter((c) => c !== 'filter'),
    };
    const expected = recorded('v0-advertisement.pkt').toString('latin1')
      .replace(/003c[0-9a-f]{40} refs\/heads\/dev\n/, '')
      .replace(' filter ', ' ')
      .replace(/0112([0-9a-f]{40} HEAD)/, '010b$1');
    expect(serializeV0Advertisement(filtered).toString('latin1')).to.equal(expected);
  });

  it('reads and writes the capabilities^{} line of an empty repository that has capabilities', () => {
    const body = pkts([...SERVICE, `${ZERO} capabilities^{}\0ofs-delta agent=git/2.41.0\n`, '0000']);
    const a = parseV0Advertisement(body);
    expect(a).to.deep.equal({ refs: [], capabilities: ['ofs-delta', 'agent=git/2.41.0'], version1: false });
    expect(serializeV0Advertisement(a).equals(body)).to.equal(true);
  });

  it('reads an advertisement without the service header, as upload-pack --advertise-refs prints it', () => {
    const a = parseV0Advertisement(pkts([`${A} HEAD\0ofs-delta\n`, '0000']));
    expect(a.refs).to.deep.equal([{ id: A, name: 'HEAD' }]);
    expect(serializeV0Advertisement(a, { serviceHeader: false }).toString('latin1')).to.equal(`003c${A} HEAD\0ofs-delta\n0000`);
  });

  it('refuses a version 2 body as GITGATE_BAD_ADVERTISEMENT', () => {
    expectProtocolError(() => parseV0Advertisement(recorded('v2-advertisement.pkt')), codes.badAdvertisement);
  });

  it('refuses a service other than git-upload-pack as GITGATE_BAD_ADVERTISEMENT', () => {
    expectProtocolError(() => parseV0Advertisement(pkts(['# service=git-receive-pack\n', '0000', '0000'])), codes.badAdvertisement);
  });

  it('refuses a first ref line without a capability list as GITGATE_BAD_ADVERTISEMENT', () => {
    expectProtocolError(() => parseV0Advertisement(pkts([...SERVICE, `${A} HEAD\n`, '0000'])), codes.badAdvertisement);
  });

  it('refuses shallow lines as GITGATE_BAD_ADVERTISEMENT', () => {
    const body = pkts([...SERVICE, `${A} HEAD\0ofs-delta\n`, `shallow ${A}\n`, '0000']);
    expectProtocolError(() => parseV0Advertisement(body), codes.badAdvertisement);
  });

  it('refuses a ref line with a bad id as GITGATE_BAD_OBJECT_ID', () => {
    expectProtocolError(() => parseV0Advertisement(pkts([...SERVICE, `${A} HEAD\0\n`, 'xyz refs/heads/a\n', '0000'])), codes.badObjectId);
  });

  it('refuses an advertisement without its final flush as GITGATE_BAD_ADVERTISEMENT', () => {
    expectProtocolError(() => parseV0Advertisement(pkts([...SERVICE, `${A} HEAD\0\n`])), codes.badAdvertisement);
  });

  it('refuses data after the final flush as GITGATE_BAD_ADVERTISEMENT', () => {
    expectProtocolError(() => parseV0Advertisement(pkts([...SERVICE, '0000', `${A} HEAD\0\n`])), codes.badAdvertisement);
  });

  it('throws TypeError when serializing a ref name with a space', () => {
    expect(() => serializeV0Advertisement({ refs: [{ id: A, name: 'refs/heads/a b' }], capabilities: [], version1: false })).to.throw(TypeError);
  });
});
