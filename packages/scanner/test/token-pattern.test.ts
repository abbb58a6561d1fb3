import { expect } from 'chai';
import { TOKEN_PATTERN } from '../src/index.js';

describe('TOKEN_PATTERN', () => {
  const matchAll = (s: string): string[] => s.match(new RegExp(TOKEN_PATTERN.source, TOKEN_PATTERN.flags)) ?? [];

  it('matches a gateway token with a type slug and base32 id', () => {
    expect(matchAll('x = [[TOKEN_github-pat_ABCDEFGHIJKLMNOP234567]];')).to.deep.equal(['[[TOKEN_github-pat_ABCDEFGHIJKLMNOP234567]]']);
  });

  it('is global, so one text yields every token', () => {
    expect(TOKEN_PATTERN.flags).to.include('g');
    expect(matchAll('[[TOKEN_a_AAAAAAAAAAAAAAAA]] [[TOKEN_b-c_BBBBBBBBBBBBBBBB]]')).to.have.length(2);
  });

  it('rejects an id shorter than 16 chars', () => {
    expect(matchAll('[[TOKEN_x_AAAAAAAAAAAAAAA]]')).to.deep.equal([]);
  });

  it('rejects an id with chars outside base32', () => {
    expect(matchAll('[[TOKEN_x_AAAAAAAAAAAAAAA1]]')).to.deep.equal([]);
  });

  it('rejects an upper-case type slug', () => {
    expect(matchAll('[[TOKEN_GitHub_AAAAAAAAAAAAAAAA]]')).to.deep.equal([]);
  });
});
