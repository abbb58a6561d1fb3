import { expect } from 'chai';
import {
  foldHeaderValue,
  headerValue,
  makeHeader,
  parseHeadered,
  serializeHeadered,
  unfoldHeaderValue,
} from '../src/index.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const keys = (content: string): string[] => parseHeadered(b(content)).headers.map((h) => h.key);
const roundTrips = (content: string): boolean => serializeHeadered(parseHeadered(b(content))).equals(b(content));

describe('headered codec', () => {
  it('splits headers from the message at the first empty line', () => {
    const parsed = parseHeadered(b('tree t\nauthor a\n\nsubject\n\nbody\n'));
    expect(parsed.headers.map((h) => h.raw.toString())).to.deep.equal(['tree t', 'author a']);
    expect(parsed.message!.toString()).to.equal('subject\n\nbody\n');
  });

  it('attaches continuation lines to the header before them', () => {
    const parsed = parseHeadered(b('gpgsig line1\n \n line3\nnext v\n\nm'));
    expect(parsed.headers.map((h) => h.raw.toString())).to.deep.equal(['gpgsig line1\n \n line3', 'next v']);
  });

  it('keeps unknown headers and their order', () => {
    expect(keys('tree t\nzzz 1\nencoding x\nparent p\n\n')).to.deep.equal(['tree', 'zzz', 'encoding', 'parent']);
  });

  it('gives a header without a value its whole line as key and an empty value', () => {
    const h = parseHeadered(b('bare\n\n')).headers[0]!;
    expect([h.key, headerValue(h).length]).to.deep.equal(['bare', 0]);
  });

  it('ends the key of a bare header at its newline, not at a space on a continuation line', () => {
    const h = parseHeadered(b('bare\n more\n\n')).headers[0]!;
    expect([h.key, headerValue(h).toString()]).to.deep.equal(['bare', '\n more']);
  });

  it('reports a null message when there is no empty line', () => {
    expect(parseHeadered(b('tree t\nauthor a\n')).message).to.equal(null);
  });

  it('reports an empty message after a final empty line', () => {
    expect(parseHeadered(b('tree t\n\n')).message).to.deep.equal(Buffer.alloc(0));
  });

  it('marks content that ends inside a header line', () => {
    expect(parseHeadered(b('tree t\nauthor a')).unterminated).to.equal(true);
  });

  it('gives a leading continuation line a header of its own with key ""', () => {
    expect(keys(' odd\n more\ntree t\n')).to.deep.equal(['', 'tree']);
  });

  for (const [what, content] of [
    ['an ordinary commit', 'tree t\nparent p\nauthor a\ncommitter c\n\nmsg\n'],
    ['a message without final newline', 'tree t\n\nmsg'],
    ['CRLF in headers and message', 'tree t\r\nauthor a\r\n\r\nmsg\r\n'],
    ['headers ending without a newline', 'tree t\nauthor a'],
    ['headers and no empty line', 'tree t\n'],
    ['an empty message', 'tree t\n\n'],
    ['a message that is only newlines', 'tree t\n\n\n\n'],
    ['no headers but a message', '\nmsg'],
    ['a lone newline', '\n'],
    ['empty content', ''],
    ['a leading continuation line', ' odd\n more\ntree t\n\nm'],
    ['a continuation line as the last thing', 'gpgsig a\n b'],
    ['NUL bytes', 'tree t\0x\n\nm\0'],
  ] as const) {
    it(`round-trips ${what} byte for byte`, () => {
      expect(roundTrips(content)).to.equal(true);
    });
  }

  it('returns the value after "key " with continuations as in raw', () => {
    expect(headerValue(parseHeadered(b('gpgsig a\n b\n\n')).headers[0]!).toString()).to.equal('a\n b');
  });

  it('makes a header from a key and a string value', () => {
    const h = makeHeader('encoding', 'ISO-8859-1');
    expect([h.key, h.raw.toString()]).to.deep.equal(['encoding', 'encoding ISO-8859-1']);
  });

  it('makes a header that parses back as itself', () => {
    const h = makeHeader('x-sig', foldHeaderValue('one\n\nthree'));
    const back = parseHeadered(serializeHeadered({ headers: [h], message: b('m') })).headers;
    expect(back.map((x) => [x.key, x.raw.toString()])).to.deep.equal([['x-sig', 'x-sig one\n \n three']]);
  });

  it('refuses a key that is empty or holds a space or newline', () => {
    for (const key of ['', 'a b', 'a\nb']) expect(() => makeHeader(key, 'v'), JSON.stringify(key)).to.throw(TypeError);
  });

  it('refuses a value with a newline that does not start a continuation line', () => {
    expect(() => makeHeader('k', 'a\nb')).to.throw(TypeError);
    expect(() => makeHeader('k', 'a\n')).to.throw(TypeError);
  });

  it('refuses to serialize a header that would not parse back as itself', () => {
    expect(() => serializeHeadered({ headers: [{ key: 'k', raw: b('k a\n\nb') }], message: null })).to.throw(TypeError);
    expect(() => serializeHeadered({ headers: [{ key: '', raw: b('') }], message: null })).to.throw(TypeError);
    expect(() => serializeHeadered({ headers: [makeHeader('a', 'b'), { key: '', raw: b(' c') }], message: null })).to.throw(TypeError);
  });

  it('refuses an unterminated object that has a message', () => {
    expect(() => serializeHeadered({ headers: [makeHeader('a', 'b')], message: b('m'), unterminated: true })).to.throw(TypeError);
  });

  it('unfolds continuation lines by dropping their leading space', () => {
    expect(unfoldHeaderValue(b('object x\n \n msg')).toString()).to.equal('object x\n\nmsg');
  });

  it('folds a multi-line value as the exact inverse of unfolding', () => {
    const value = b('object x\ntype commit\n\nmsg\n\n');
    expect(unfoldHeaderValue(foldHeaderValue(value))).to.deep.equal(value);
  });
});
