import { expect } from 'chai';
import { lsRefsResponse, v0AdvertisedRefs, listedIds, parsePkts, type RefListing, type LsRefsArgs } from '../src/index.js';

const id = (c: string): string => c.repeat(40);
const listing: RefListing = {
  head: { target: 'refs/heads/main', id: id('a') },
  refs: [
    { name: 'refs/heads/dev', id: id('b') },
    { name: 'refs/heads/main', id: id('a') },
    { name: 'refs/tags/v1', id: id('c'), peeled: id('a') },
  ],
};
const args = (o: Partial<LsRefsArgs> = {}): LsRefsArgs => ({ symrefs: false, peel: false, unborn: false, refPrefixes: [], ...o });
const lines = (b: Buffer): string[] => parsePkts(b).map((p) => (p.kind === 'data' ? p.data.toString('latin1') : p.kind));

describe('ref listings', () => {
  it('lists HEAD first, then every ref, then a flush-pkt', () => {
    expect(lines(lsRefsResponse(listing, args()))).to.deep.equal([
      `${id('a')} HEAD\n`, `${id('b')} refs/heads/dev\n`, `${id('a')} refs/heads/main\n`, `${id('c')} refs/tags/v1\n`, 'flush',
    ]);
  });

  it('adds symref-target to HEAD and peeled to annotated tags only when asked', () => {
    const out = lines(lsRefsResponse(listing, args({ symrefs: true, peel: true })));
    expect(out[0]).to.equal(`${id('a')} HEAD symref-target:refs/heads/main\n`);
    expect(out[3]).to.equal(`${id('c')} refs/tags/v1 peeled:${id('a')}\n`);
    expect(out[2]).to.equal(`${id('a')} refs/heads/main\n`);
  });

  it('keeps only refs that start with one of the prefixes', () => {
    expect(lines(lsRefsResponse(listing, args({ refPrefixes: ['refs/tags/', 'HEAD'] })))).to.deep.equal([
      `${id('a')} HEAD\n`, `${id('c')} refs/tags/v1\n`, 'flush',
    ]);
    expect(lines(lsRefsResponse(listing, args({ refPrefixes: ['refs/heads/x'] })))).to.deep.equal(['flush']);
  });

  it('shows an unborn HEAD only to a client that asked for unborn and symrefs', () => {
    const unborn: RefListing = { head: { target: 'refs/heads/new', id: null }, refs: [] };
    expect(lines(lsRefsResponse(unborn, args({ unborn: true, symrefs: true })))).to.deep.equal(['unborn HEAD symref-target:refs/heads/new\n', 'flush']);
    expect(lines(lsRefsResponse(unborn, args({ unborn: true })))).to.deep.equal(['flush']);
    expect(lines(lsRefsResponse(unborn, args({ symrefs: true, peel: true })))).to.deep.equal(['flush']);
  });

  it('writes v0 ref lines with HEAD first and each tag followed by its peeled line', () => {
    expect(v0AdvertisedRefs(listing)).to.deep.equal([
      { id: id('a'), name: 'HEAD' }, { id: id('b'), name: 'refs/heads/dev' }, { id: id('a'), name: 'refs/heads/main' },
      { id: id('c'), name: 'refs/tags/v1' }, { id: id('a'), name: 'refs/tags/v1^{}' },
    ]);
    expect(v0AdvertisedRefs({ head: { target: 'refs/heads/new', id: null }, refs: [] })).to.deep.equal([]);
  });

  it('collects every id a listing names, peeled ones included', () => {
    expect([...listedIds(listing)].sort()).to.deep.equal([id('a'), id('b'), id('c')]);
  });
});
