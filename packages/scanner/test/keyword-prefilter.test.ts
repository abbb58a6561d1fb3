import { expect } from 'chai';
import { asciiLowerCase, createKeywordPrefilter } from '../src/keyword-prefilter.js';

describe('keyword-prefilter', () => {
  describe('asciiLowerCase', () => {
    it('folds A-Z to a-z', () => {
      expect(asciiLowerCase(Buffer.from('PassWORD=X'))).to.equal('password=x');
    });

    it('keeps non-ASCII bytes as they are, one char per byte', () => {
      const bytes = Buffer.from([0xc0, 0xc9, 0xde, 0x41, 0xff]);
      const lower = asciiLowerCase(bytes);
      expect(lower.length).to.equal(bytes.length);
      expect([...lower].map((c) => c.charCodeAt(0))).to.deep.equal([0xc0, 0xc9, 0xde, 0x61, 0xff]);
    });

    it('does not modify the input buffer', () => {
      const bytes = Buffer.from('ABC');
      asciiLowerCase(bytes);
      expect(bytes.toString()).to.equal('ABC');
    });
  });

  describe('createKeywordPrefilter', () => {
    const prefilter = createKeywordPrefilter([['akia', 'asia'], ['ghp_'], ['secret', 'ghp_']]);

    it('selects the rules one of whose keywords occurs', () => {
      expect(prefilter.candidates('x = ghp_abc')).to.deep.equal([1, 2]);
    });

    it('selects a rule when any one of its keywords occurs', () => {
      expect(prefilter.candidates('asia')).to.deep.equal([0]);
    });

    it('selects nothing when no keyword occurs', () => {
      expect(prefilter.candidates('nothing to see')).to.deep.equal([]);
    });
  });
});
