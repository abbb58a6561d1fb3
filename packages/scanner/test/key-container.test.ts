import { expect } from 'chai';
import type * as Corpus from '../../../fixtures/secrets-corpus.mjs';
import { createScanner, keyContainerKind } from '../src/index.js';

const fixtures = new URL('../../../../fixtures/', import.meta.url); // from dist/test/
const corpus = (await import(new URL('secrets-corpus.mjs', fixtures).href)) as typeof Corpus;

describe('key-container', () => {
  const r = corpus.createCorpusRng(77);

  it('recognises PKCS#12 stores (data and signedData authSafe)', () => {
    expect(keyContainerKind(corpus.pkcs12(r))).to.equal('pkcs12');
    expect(keyContainerKind(corpus.pkcs12(r, true))).to.equal('pkcs12');
  });

  it('recognises JKS and JCEKS stores that hold a key entry', () => {
    expect(keyContainerKind(corpus.javaKeyStore(r))).to.equal('jks');
    expect(keyContainerKind(corpus.javaKeyStore(r, { jceks: true }))).to.equal('jks');
    expect(keyContainerKind(corpus.javaKeyStore(r, { version: 1 }))).to.equal('jks');
  });

  it('treats a truststore of certificates only as public', () => {
    expect(keyContainerKind(corpus.javaKeyStore(r, { keyEntry: false }))).to.equal(undefined);
  });

  it('treats a JKS it cannot walk as holding keys (fail closed)', () => {
    const broken = Buffer.concat([Buffer.from('feedfeed0000000200000001', 'hex'), Buffer.from([0, 0, 0, 2, 0xff, 0xff])]);
    expect(keyContainerKind(broken)).to.equal('jks');
  });

  it('recognises DER private keys: PKCS#8, encrypted PKCS#8, PKCS#1 and SEC1', () => {
    for (const der of [corpus.derPkcs8Rsa(r), corpus.derEncryptedPkcs8(r), corpus.derPkcs1Rsa(r), corpus.derSec1Ec(r)]) expect(keyContainerKind(der)).to.equal('der');
  });

  it('does not recognise a DER key that does not span the whole content', () => {
    expect(keyContainerKind(Buffer.concat([corpus.derPkcs8Rsa(r), Buffer.from([0])]))).to.equal(undefined);
  });

  it('does not recognise random bytes, text or an empty buffer', () => {
    expect(keyContainerKind(r.bytes(4096))).to.equal(undefined);
    expect(keyContainerKind(Buffer.from('0\x82 not der at all, just text that starts with a zero'))).to.equal(undefined);
    expect(keyContainerKind(Buffer.alloc(0))).to.equal(undefined);
  });

  it('makes the scanner report the whole content of a key store', () => {
    const p12 = corpus.pkcs12(r);
    expect(createScanner().scan(p12)).to.deep.equal([{ ruleId: 'private-key-pkcs12', type: 'private-key', start: 0, end: p12.length, confidence: 'high' }]);
  });

  it('makes the scanner report a base64-encoded key store as the encoded run', () => {
    const b64 = corpus.javaKeyStore(r).toString('base64');
    const text = `keystore: ${b64}\n`;
    expect(createScanner().scan(Buffer.from(text))).to.deep.equal([{ ruleId: 'private-key-jks', type: 'private-key', start: 10, end: 10 + b64.length, confidence: 'high', via: 'base64' }]);
  });
});
