import { expect } from 'chai';
import { ZERO_ID, parseV0Advertisement, receivePackAdvertisement } from '../src/index.js';
import { recorded } from './recorded.js';

// receive-pack-*.pkt: what git 2.39.5 http-backend answered to GET info/refs?service=git-receive-pack
// (test/recorded/capture.mjs), for a repository with two branches and an annotated tag, and for an
// empty repository; both with receive.advertisePushOptions.

/** The refs and capabilities of a recorded receive-pack advertisement (after its service header). */
function refsAndCaps(body: Buffer): { refs: { id: string; name: string }[]; capabilities: string[] } {
  const afterHeader = body.indexOf('0000', 0, 'latin1') + 4;
  return parseV0Advertisement(body.subarray(afterHeader));
}

describe('receive-pack advertisement', () => {
  it('writes byte for byte what git http-backend advertises for the same refs and capabilities', () => {
    const body = recorded('receive-pack-advertisement.pkt');
    const { refs, capabilities } = refsAndCaps(body);
    expect(refs.map((r) => r.name)).to.deep.equal(['refs/heads/dev', 'refs/heads/main', 'refs/tags/v1']);
    expect(receivePackAdvertisement(refs, capabilities).toString('latin1')).to.equal(body.toString('latin1'));
  });

  it('writes the empty-repository form byte for byte: a zero-id capabilities^{} line', () => {
    const body = recorded('receive-pack-empty-advertisement.pkt');
    const { refs, capabilities } = refsAndCaps(body);
    expect(refs).to.deep.equal([]);
    const ours = receivePackAdvertisement([], capabilities);
    expect(ours.toString('latin1')).to.equal(body.toString('latin1'));
    expect(ours.toString('latin1')).to.include(`${ZERO_ID} capabilities^{}\0report-status`);
  });

  it('starts with the receive-pack service header and a flush-pkt', () => {
    const out = receivePackAdvertisement([{ name: 'refs/heads/main', id: 'a'.repeat(40) }], ['report-status']);
    expect(out.subarray(0, 35).toString('latin1')).to.equal('001f# service=git-receive-pack\n0000');
  });

  it('throws TypeError on a peeled ^{} name, an invalid id or an invalid capability', () => {
    const id = 'a'.repeat(40);
    expect(() => receivePackAdvertisement([{ name: 'refs/tags/v1^{}', id }], [])).to.throw(TypeError);
    expect(() => receivePackAdvertisement([{ name: 'refs/heads/main', id: 'A'.repeat(40) }], [])).to.throw(TypeError);
    expect(() => receivePackAdvertisement([{ name: 'refs/heads/main', id }], ['two words'])).to.throw(TypeError);
  });
});
