import { expect } from 'chai';
import { shannonEntropy } from '../src/index.js';

describe('shannonEntropy', () => {
  it('is 0 for the empty string', () => {
    expect(shannonEntropy('')).to.equal(0);
  });

  it('is 0 for one repeated char', () => {
    expect(shannonEntropy('aaaaaaaa')).to.equal(0);
  });

  it('is 1 bit per char for two equally frequent chars', () => {
    expect(shannonEntropy('abababab')).to.equal(1);
  });

  it('is log2(n) for n distinct chars', () => {
    expect(shannonEntropy('abcdefgh')).to.equal(3);
  });

  it('is 8 bits per char over all 256 latin1 chars', () => {
    let s = '';
    for (let i = 0; i < 256; i++) s += String.fromCharCode(i);
    expect(shannonEntropy(s)).to.be.closeTo(8, 1e-9);
  });

  it('does not depend on char order', () => {
    expect(shannonEntropy('aabbbc')).to.equal(shannonEntropy('bcbaba'));
  });
});
