import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { open, seal } from '../src/secret-box.js';
import { VaultError } from '../src/index.js';
import { fakeGithubToken } from './helpers.js';

function decryptCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(VaultError);
    return (err as VaultError).code;
  }
  return undefined;
}

describe('secret box', () => {
  const key = randomBytes(32);
  const secret = fakeGithubToken();

  it('opens what it sealed', () => {
    expect(open(key, seal(key, secret, 'aad'), 'aad').equals(secret)).to.equal(true);
  });

  it('uses a fresh IV for every seal', () => {
    const a = seal(key, secret, 'aad');
    const b = seal(key, secret, 'aad');
    expect(a.iv.equals(b.iv)).to.equal(false);
    expect(a.ciphertext.equals(b.ciphertext)).to.equal(false);
  });

  it('refuses to open under another key', () => {
    expect(decryptCode(() => open(randomBytes(32), seal(key, secret, 'aad'), 'aad'))).to.equal('GITGATE_VAULT_DECRYPT');
  });

  it('refuses to open under another AAD', () => {
    expect(decryptCode(() => open(key, seal(key, secret, 'aad'), 'other'))).to.equal('GITGATE_VAULT_DECRYPT');
  });

  it('refuses a ciphertext with one flipped bit', () => {
    const box = seal(key, secret, 'aad');
    box.ciphertext[0] ^= 1;
    expect(decryptCode(() => open(key, box, 'aad'))).to.equal('GITGATE_VAULT_DECRYPT');
  });

  it('refuses a truncated tag', () => {
    const box = seal(key, secret, 'aad');
    expect(decryptCode(() => open(key, { ...box, tag: box.tag.subarray(0, 4) }, 'aad'))).to.equal('GITGATE_VAULT_DECRYPT');
  });
});
