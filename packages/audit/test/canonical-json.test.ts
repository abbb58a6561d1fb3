import { expect } from 'chai';
import { canonicalJson } from '../src/index.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).to.equal('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text for the same data built in a different key order', () => {
    const one = { repo: 'acme/api', identity: { subject: 'alice', groups: ['dev'] } };
    const two = { identity: { groups: ['dev'], subject: 'alice' }, repo: 'acme/api' };
    expect(canonicalJson(one)).to.equal(canonicalJson(two));
  });

  it('orders keys by UTF-16 code units', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '10': 4, '9': 5 })).to.equal('{"10":4,"9":5,"Z":3,"z":2,"é":1}');
  });

  it('leaves out undefined properties and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).to.equal('{"b":[null,1]}');
  });

  it('writes dates as ISO strings and non-finite numbers as null', () => {
    expect(canonicalJson({ at: new Date(0), n: Number.NaN })).to.equal('{"at":"1970-01-01T00:00:00.000Z","n":null}');
  });

  it('escapes strings the way JSON.stringify does', () => {
    expect(canonicalJson({ s: 'a"b\n\u0001' })).to.equal('{"s":"a\\"b\\n\\u0001"}');
  });

  it('throws TypeError on a cycle', () => {
    const a: Record<string, unknown> = {};
    a['self'] = a;
    expect(() => canonicalJson(a)).to.throw(TypeError, /cycle/);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).to.equal('{"a":{"x":1},"b":{"x":1}}');
  });

  it('throws TypeError on a bigint', () => {
    expect(() => canonicalJson({ n: 1n })).to.throw(TypeError, /bigint/);
  });
});
