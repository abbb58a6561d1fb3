import { expect } from 'chai';
import { createScanner, DEFAULT_CHUNK_BYTES, DEFAULT_MAX_BYTES } from '../src/index.js';
import { byteSpan, Fakes } from './fakes.js';

describe('chunked scanning of large content', () => {
  const fakes = new Fakes(5151);
  const filler = (n: number): string => 'const value = compute(input, options); // ordinary line\n'.repeat(Math.ceil(n / 56)).slice(0, n);

  it('defaults to a 256 MiB limit scanned in 32 MiB chunks', () => {
    expect(DEFAULT_MAX_BYTES).to.equal(256 * 1024 * 1024);
    expect(DEFAULT_CHUNK_BYTES).to.equal(32 * 1024 * 1024);
  });

  it('finds a secret that straddles a chunk boundary exactly once, with its exact span', () => {
    const scanner = createScanner({ chunkBytes: 4096, chunkOverlap: 512 });
    const t = fakes.github('p');
    const text = filler(4096 - 11) + '\n' + t + '\n' + filler(3000);
    expect(scanner.scan(Buffer.from(text))).to.deep.equal([{ ruleId: 'github-pat', type: 'github-pat', ...byteSpan(text, t), confidence: 'high' }]);
  });

  it('gives the same findings chunked and unchunked', () => {
    const parts: string[] = [];
    for (let i = 0; i < 40; i++) parts.push(filler(700 + i * 13), `TOKEN_${i}=${fakes.github('p')}\n`, `db: postgres://u:${fakes.password()}@h/x\n`);
    const bytes = Buffer.from(parts.join(''));
    const whole = createScanner().scan(bytes);
    expect(whole).to.have.length(80);
    expect(createScanner({ chunkBytes: 2048, chunkOverlap: 600 }).scan(bytes)).to.deep.equal(whole);
  });

  it('scans every chunk of multi-megabyte content (a secret near the end is found)', () => {
    const t = fakes.stripe();
    const bytes = Buffer.concat([Buffer.from(filler(6_000_000)), Buffer.from(`\nSTRIPE=${t}\n`)]);
    const [f] = createScanner({ chunkBytes: 1024 * 1024, chunkOverlap: 64 * 1024 }).scan(bytes);
    expect(f).to.include({ ruleId: 'stripe-secret-key', start: 6_000_008, end: 6_000_008 + t.length });
  });

  it('reads the printable runs of binary content', () => {
    const t = fakes.awsKeyId();
    const noise = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 131 + 7) & 0xff));
    const bytes = Buffer.concat([noise, Buffer.from(`\0${t}\0`), noise]);
    expect(createScanner({ chunkBytes: 8192, chunkOverlap: 1024 }).scan(bytes).map((f) => f.start)).to.deep.equal([noise.length + 1]);
  });

  it('throws TypeError for an overlap not smaller than the chunk', () => {
    expect(() => createScanner({ chunkBytes: 1000, chunkOverlap: 1000 })).to.throw(TypeError);
    expect(() => createScanner({ chunkBytes: 0 })).to.throw(TypeError);
    expect(() => createScanner({ maxDecodeDepth: 9 })).to.throw(TypeError);
  });
});
