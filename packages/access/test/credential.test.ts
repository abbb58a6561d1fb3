import { expect } from 'chai';
import { credentialFromHeader } from '../src/index.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('credentialFromHeader', () => {
  it('returns the JWT of a Bearer header', () => {
    expect(credentialFromHeader(`Bearer ${JWT}`)).to.equal(JWT);
  });

  it('treats the scheme name case-insensitively', () => {
    expect(credentialFromHeader(`bearer ${JWT}`)).to.equal(JWT);
  });

  it('returns the password of a Basic header whatever the username', () => {
    expect(credentialFromHeader(basic('x-token', JWT))).to.equal(JWT);
    expect(credentialFromHeader(basic('', JWT))).to.equal(JWT);
  });

  it('returns null when there is no header', () => {
    expect(credentialFromHeader(undefined)).to.equal(null);
    expect(credentialFromHeader('')).to.equal(null);
  });

  it('returns null for other schemes', () => {
    expect(credentialFromHeader(`Digest ${JWT}`)).to.equal(null);
  });

  it('returns null for a Basic header without a colon or with invalid base64', () => {
    expect(credentialFromHeader(`Basic ${Buffer.from(JWT).toString('base64')}`)).to.equal(null);
    expect(credentialFromHeader('Basic !!!!')).to.equal(null);
  });

  it('returns null when the credential is not shaped like a JWS compact JWT', () => {
    expect(credentialFromHeader('Bearer not-a-jwt')).to.equal(null);
    expect(credentialFromHeader('Bearer a.b.c.d.e')).to.equal(null);
    expect(credentialFromHeader(basic('u', 'password'))).to.equal(null);
  });

  it('returns null for a header with extra parts', () => {
    expect(credentialFromHeader(`Bearer ${JWT} extra`)).to.equal(null);
  });
});
