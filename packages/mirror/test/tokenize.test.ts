// Replacing finding spans with tokens, byte for byte outside the spans.
import { expect } from 'chai';
import type { Finding } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import { tokenize } from '../src/index.js';

const minter: TokenMinter = { tokenFor: (type, secret) => `[[TOKEN_${type}_${'A'.repeat(24 - secret.length)}${'B'.repeat(secret.length)}]]` };
const finding = (start: number, end: number): Finding => ({ ruleId: 'r', type: 't', start, end, confidence: 'high' });

describe('tokenize', () => {
  it('keeps every byte outside the spans, including non-UTF-8 bytes', () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('=abcd;'), Buffer.from([0xe9])]);
    const out = tokenize(content, [finding(3, 7)], minter);
    expect(out.content.equals(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('=' + minter.tokenFor('t', Buffer.from('abcd')) + ';'), Buffer.from([0xe9])]))).to.equal(true);
  });

  it('returns each secret with its token, type and rule', () => {
    const out = tokenize(Buffer.from('x=abcd y=efg'), [finding(2, 6), finding(9, 12)], minter);
    expect(out.secrets.map((s) => [s.secret.toString(), s.token, s.type, s.ruleId])).to.deep.equal([
      ['abcd', minter.tokenFor('t', Buffer.from('abcd')), 't', 'r'],
      ['efg', minter.tokenFor('t', Buffer.from('efg')), 't', 'r'],
    ]);
  });

  it('throws TypeError for overlapping findings', () => {
    expect(() => tokenize(Buffer.from('abcdefgh'), [finding(0, 4), finding(3, 6)], minter)).to.throw(TypeError);
  });

  it('throws TypeError for a span past the end', () => {
    expect(() => tokenize(Buffer.from('abc'), [finding(1, 9)], minter)).to.throw(TypeError);
  });
});
