import { expect } from 'chai';
import { createKeywordAutomaton } from '../src/index.js';
import { cpuMs } from './fakes.js';

/** Every hit as [keyword, start], from the automaton's typed arrays. */
function hits(keywords: string[], text: string | Buffer): Array<[string, number]> {
  const a = createKeywordAutomaton(keywords);
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const h = a.scan(bytes, 0, bytes.length);
  const out: Array<[string, number]> = [];
  for (let i = 0; i < h.count; i++) out.push([keywords[h.keyword[i]!]!, h.end[i]! - keywords[h.keyword[i]!]!.length]);
  return out;
}

/** The naive answer: every occurrence of every keyword in the lower-cased text, by end then keyword index. */
function naive(keywords: string[], text: string): Array<[string, number]> {
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const out: Array<[string, number, number]> = [];
  keywords.forEach((k, ki) => {
    for (let i = lower.indexOf(k); i >= 0; i = lower.indexOf(k, i + 1)) out.push([k, i, ki]);
  });
  out.sort((a, b) => a[1] + a[0].length - (b[1] + b[0].length) || a[2] - b[2]);
  return out.map(([k, i]) => [k, i]);
}

describe('keyword-automaton', () => {
  it('finds every occurrence of every keyword with its start offset', () => {
    expect(hits(['ghp_', 'secret'], 'x ghp_a SECRET ghp_')).to.deep.equal([
      ['ghp_', 2],
      ['secret', 8],
      ['ghp_', 15],
    ]);
  });

  it('folds A-Z in the content and nothing else', () => {
    expect(hits(['akia'], 'AKIA akia AkIa')).to.have.length(3);
    expect(hits(['\xe9t'], Buffer.from([0xc9, 0x74, 0xe9, 0x74]))).to.deep.equal([['\xe9t', 2]]);
  });

  it('reports keywords that end inside other keywords (failure links)', () => {
    expect(hits(['he', 'she', 'his', 'hers'], 'ushers')).to.deep.equal([
      ['he', 2],
      ['she', 1],
      ['hers', 2],
    ]);
  });

  it('reports overlapping occurrences of one keyword', () => {
    expect(hits(['aa'], 'aaaa').map(([, i]) => i)).to.deep.equal([0, 1, 2]);
  });

  it('agrees with a naive search on a random text over a small alphabet', () => {
    const keywords = ['ab', 'abc', 'bca', 'c', 'aab', 'cab_', '_'];
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const text = Array.from({ length: 5000 }, () => 'abcABC_ '[Math.floor(rnd() * 8)]).join('');
    expect(hits(keywords, text)).to.deep.equal(naive(keywords, text));
  });

  it('scans only the given range', () => {
    const a = createKeywordAutomaton(['key']);
    const bytes = Buffer.from('key key key');
    expect(a.scan(bytes, 1, 7).count).to.equal(1);
  });

  it('stops at maxHits and reports the overflow', () => {
    const a = createKeywordAutomaton(['a']);
    const h = a.scan(Buffer.alloc(1000, 0x61), 0, 1000, 100);
    expect(h.overflow).to.equal(true);
    expect(h.count).to.be.at.most(100);
  });

  it('throws TypeError for an empty keyword or one outside latin1', () => {
    expect(() => createKeywordAutomaton([''])).to.throw(TypeError);
    expect(() => createKeywordAutomaton(['€'])).to.throw(TypeError);
  });

  it('scans 8 MB of text in well under a second', () => {
    const a = createKeywordAutomaton(['password', 'token', 'ghp_', 'akia', '://', 'private key']);
    const bytes = Buffer.from('const value = compute(input, options); // plain code line\n'.repeat(140_000));
    expect(cpuMs(() => a.scan(bytes, 0, bytes.length))).to.be.below(1000);
  });
});
