import { expect } from 'chai';
import { ExposureCache } from '../src/exposure-cache.js';

describe('ExposureCache', () => {
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);

  it('gives the same key whatever the order or repetition of wants and haves', () => {
    expect(ExposureCache.key('r', { wants: [a, b, a], haves: [b] })).to.equal(ExposureCache.key('r', { wants: [b, a], haves: [b, b] }));
  });

  it('tells the served tags apart for include-tag fetches only (a tag added since is in the pack)', () => {
    expect(ExposureCache.key('r', { wants: [a], haves: [], includeTag: true }, 'tags-1')).to.not.equal(ExposureCache.key('r', { wants: [a], haves: [], includeTag: true }, 'tags-2'));
    expect(ExposureCache.key('r', { wants: [a], haves: [] }, 'tags-1')).to.equal(ExposureCache.key('r', { wants: [a], haves: [] }, 'tags-2'));
  });

  it('tells repositories, haves and filters apart', () => {
    const base = ExposureCache.key('r', { wants: [a], haves: [] });
    expect(ExposureCache.key('s', { wants: [a], haves: [] })).to.not.equal(base);
    expect(ExposureCache.key('r', { wants: [a], haves: [b] })).to.not.equal(base);
    expect(ExposureCache.key('r', { wants: [a], haves: [], filter: 'blob:none' })).to.not.equal(base);
  });

  it('does not key a fetch with very many haves', () => {
    expect(ExposureCache.key('r', { wants: [a], haves: Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(40, '0')) })).to.equal(null);
  });

  it('drops the least recently used entry beyond its limit', () => {
    const cache = new ExposureCache<number>(2);
    cache.set('x', 1);
    cache.set('y', 2);
    expect(cache.get('x')).to.equal(1);
    cache.set('z', 3);
    expect(cache.get('y')).to.equal(undefined);
    expect(cache.get('x')).to.equal(1);
    expect(cache.get('z')).to.equal(3);
    expect(cache.size).to.equal(2);
  });
});
