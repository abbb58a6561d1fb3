import { expect } from 'chai';
import { splitTagSignature } from '../src/index.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const block = (kind: string): string => `-----BEGIN ${kind}-----\nabc\n-----END ${kind}-----\n`;
const split = (s: string): [string, string | null] => {
  const { body, signature } = splitTagSignature(b(s));
  return [body.toString('latin1'), signature === null ? null : signature.toString('latin1')];
};

describe('tag signature split', () => {
  it('returns the whole message and a null signature when there is none', () => {
    expect(split('release\r\n\r\nnotes\n')).to.deep.equal(['release\r\n\r\nnotes\n', null]);
  });

  for (const kind of ['PGP SIGNATURE', 'PGP MESSAGE', 'SSH SIGNATURE', 'SIGNED MESSAGE']) {
    it(`finds a signature that starts with -----BEGIN ${kind}-----`, () => {
      expect(split(`msg\n${block(kind)}`)).to.deep.equal(['msg\n', block(kind)]);
    });
  }

  it('starts the signature at the last marker line', () => {
    const quoted = `quoted:\n${block('PGP SIGNATURE')}more\n`;
    expect(split(quoted + block('SSH SIGNATURE'))).to.deep.equal([quoted, block('SSH SIGNATURE')]);
  });

  it('ignores a marker that does not start a line', () => {
    expect(split(`see  ${block('PGP SIGNATURE')}`)[1]).to.equal(null);
  });

  it('ignores a marker of a format git does not know', () => {
    expect(split(`msg\n${block('PGP PUBLIC KEY BLOCK')}`)[1]).to.equal(null);
  });

  it('finds a signature with no final newline', () => {
    expect(split('msg\n-----BEGIN PGP SIGNATURE-----')).to.deep.equal(['msg\n', '-----BEGIN PGP SIGNATURE-----']);
  });

  it('finds a signature that is the whole message', () => {
    expect(split(block('PGP SIGNATURE'))).to.deep.equal(['', block('PGP SIGNATURE')]);
  });

  it('does not count a truncated marker', () => {
    expect(split('msg\n-----BEGIN PGP SIGNATURE----')[1]).to.equal(null);
  });
});
