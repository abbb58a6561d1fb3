import { expect } from 'chai';
import { type FetchArgs, MAX_DEEPEN, codes, parseFetchArgs, parseV2Request, serializeFetchArgs } from '../src/index.js';
import { expectProtocolError, recorded, recordedNames } from './recorded.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function args(name: string): string[] {
  return parseV2Request(recorded(name)).args;
}

describe('fetch arguments', () => {
  it('parses a recorded clone: wants (duplicates kept), capabilities and done', () => {
    const a = parseFetchArgs(args('v2-fetch-clone.request'));
    expect(a.wants).to.have.length(4);
    expect(a.wants[0]).to.equal(a.wants[2]);
    expect(a).to.deep.include({ done: true, thinPack: true, noProgress: true, ofsDelta: true, includeTag: false, haves: [] });
  });

  it('parses a recorded shallow partial clone: deepen 1 and filter blob:none', () => {
    expect(parseFetchArgs(args('v2-fetch-depth-filter.request'))).to.deep.include({ deepen: 1, filter: 'blob:none', done: true });
  });

  it('parses a recorded negotiation round: haves and no done', () => {
    const a = parseFetchArgs(args('v2-fetch-haves.request'));
    expect(a.haves).to.have.length(26);
    expect(a.done).to.equal(false);
  });

  it('parses a recorded --deepen fetch: shallow lines and deepen-relative', () => {
    const a = parseFetchArgs(args('v2-fetch-deepen-relative.request'));
    expect(a.shallows).to.have.length(1);
    expect(a).to.deep.include({ deepen: 1, deepenRelative: true });
  });

  it('parses a recorded --shallow-since --shallow-exclude fetch with a combine: filter', () => {
    expect(parseFetchArgs(args('v2-fetch-since-not.request'))).to.deep.include({
      deepenSince: 1700000000, deepenNot: ['dev'], filter: 'combine:blob:none+tree:3',
    });
  });

  it('serializes in git order, reproducing every recorded fetch argument list', () => {
    for (const name of recordedNames((n) => n.startsWith('v2-fetch') && n.endsWith('.request'))) {
      expect(serializeFetchArgs(parseFetchArgs(args(name))), name).to.deep.equal(args(name));
    }
  });

  it('round-trips a struct with every field set', () => {
    const a: FetchArgs = {
      wants: [A], haves: [B], done: true, thinPack: true, noProgress: true, includeTag: true, ofsDelta: true,
      shallows: [B], deepenRelative: true, deepenSince: 1234, deepenNot: ['refs/heads/old'], filter: 'tree:0',
      waitForDone: true, wantRefs: ['refs/heads/main'], sidebandAll: true, packfileUris: 'https,http',
    };
    expect(parseFetchArgs(serializeFetchArgs(a))).to.deep.equal(a);
  });

  it('round-trips a struct with only wants', () => {
    const a = parseFetchArgs([`want ${A}`]);
    expect(parseFetchArgs(serializeFetchArgs(a))).to.deep.equal(a);
    expect(a).to.not.have.property('deepen');
  });

  it('parses packfile-uris, want-ref and sideband-all instead of refusing them', () => {
    const a = parseFetchArgs(['sideband-all', 'want-ref refs/heads/main', 'packfile-uris https']);
    expect(a).to.deep.include({ sidebandAll: true, wantRefs: ['refs/heads/main'], packfileUris: 'https' });
  });

  it('accepts the unshallow depth 2147483647', () => {
    expect(parseFetchArgs([`want ${A}`, `deepen ${MAX_DEEPEN}`]).deepen).to.equal(2147483647);
  });

  it('refuses an unknown argument as GITGATE_UNKNOWN_ARGUMENT', () => {
    for (const line of ['object-info', 'done please', 'bundle-uri', 'want-refs x', 'WANT ' + A]) {
      expectProtocolError(() => parseFetchArgs([`want ${A}`, line]), codes.unknownArgument);
    }
  });

  it('refuses a want that is not 40 lowercase hex as GITGATE_BAD_OBJECT_ID', () => {
    for (const id of [A.toUpperCase(), A.slice(1), `${A}0`, 'g'.repeat(40), '', `${A} `, 'a'.repeat(64)]) {
      const err = expectProtocolError(() => parseFetchArgs([`want ${id}`]), codes.badObjectId);
      expect(err.data).to.deep.equal({ line: `want ${id}` });
    }
  });

  it('refuses a bad have or shallow id as GITGATE_BAD_OBJECT_ID', () => {
    expectProtocolError(() => parseFetchArgs([`want ${A}`, 'have HEAD']), codes.badObjectId);
    expectProtocolError(() => parseFetchArgs([`want ${A}`, 'shallow']), codes.badObjectId);
  });

  it('truncates the quoted line to 100 characters in the error', () => {
    const err = expectProtocolError(() => parseFetchArgs([`want ${'z'.repeat(5000)}`]), codes.badObjectId);
    expect(err.message.length).to.be.below(200);
    expect((err.data!['line'] as string).length).to.be.at.most(103);
  });

  it('refuses a deepen that is not a positive decimal integer as GITGATE_BAD_REQUEST', () => {
    for (const v of ['0', '-1', '1.5', '0x10', '010', '', ' 1', '2147483648', 'deep']) {
      expectProtocolError(() => parseFetchArgs([`want ${A}`, `deepen ${v}`]), codes.badRequest);
    }
  });

  it('refuses a deepen-since that is not an integer timestamp as GITGATE_BAD_REQUEST', () => {
    for (const v of ['yesterday', '-5', '1e9', '99999999999999999']) {
      expectProtocolError(() => parseFetchArgs([`want ${A}`, `deepen-since ${v}`]), codes.badRequest);
    }
  });

  it('refuses deepen combined with deepen-since as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseFetchArgs([`want ${A}`, 'deepen 1', 'deepen-since 1700000000']), codes.badRequest);
  });

  it('refuses deepen combined with deepen-not as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseFetchArgs([`want ${A}`, 'deepen-not main', 'deepen 2']), codes.badRequest);
  });

  it('refuses a repeated deepen, deepen-since, filter or packfile-uris as GITGATE_BAD_REQUEST', () => {
    for (const line of ['deepen 1', 'deepen-since 5', 'filter blob:none', 'packfile-uris https']) {
      expectProtocolError(() => parseFetchArgs([`want ${A}`, line, line]), codes.badRequest);
    }
  });

  it('refuses a valued argument without its value as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseFetchArgs([`want ${A}`, 'filter']), codes.badRequest);
  });

  it('refuses a deepen-not or want-ref that is not a ref name as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseFetchArgs([`want ${A}`, 'deepen-not a b']), codes.badRequest);
    expectProtocolError(() => parseFetchArgs(['want-ref ']), codes.badRequest);
  });

  it('refuses a fetch with neither want nor want-ref as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseFetchArgs([`have ${A}`, 'done']), codes.badRequest);
  });

  it('refuses a sparse filter as GITGATE_FILTER_NOT_ALLOWED', () => {
    const err = expectProtocolError(() => parseFetchArgs([`want ${A}`, `filter sparse:oid=${B}`]), codes.filterNotAllowed);
    expect(err.data).to.deep.equal({ filter: `sparse:oid=${B}` });
  });

  it('throws TypeError when serializing an invalid id', () => {
    expect(() => serializeFetchArgs({ ...parseFetchArgs([`want ${A}`]), haves: ['nope'] })).to.throw(TypeError);
  });
});
