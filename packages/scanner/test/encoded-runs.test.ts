import { expect } from 'chai';
import { findEncodedRuns } from '../src/encoded-runs.js';
import { ALNUM, Fakes, cpuMs } from './fakes.js';

describe('encoded-runs', () => {
  const fakes = new Fakes(3131);
  const runs = (text: string | Buffer): Array<{ encoding: string; text: string; decoded: string }> => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    return findEncodedRuns(bytes, 0, bytes.length).map((r) => ({ encoding: r.encoding, text: bytes.toString('latin1', r.start, r.end), decoded: r.decoded.toString('latin1') }));
  };

  it('finds a base64 run of text with its padding and decodes it', () => {
    const b64 = Buffer.from('token=' + fakes.chars(ALNUM, 30)).toString('base64');
    expect(runs(`x: ${b64}\n`)).to.deep.equal([{ encoding: 'base64', text: b64, decoded: Buffer.from(b64, 'base64').toString('latin1') }]);
  });

  it('finds a URL-safe base64 run', () => {
    const b64 = Buffer.from('{"password":"' + fakes.chars(ALNUM, 24) + '"}').toString('base64url');
    expect(runs(`state=${b64}&x=1`).map((r) => r.encoding)).to.deep.equal(['base64']);
  });

  it('finds a base64 run of the shortest length at every offset, between short words or at either edge', () => {
    // 15 bytes of text give 20 base64 chars: the shortest run decoded; sampled probes must meet it wherever it sits.
    const b64 = Buffer.from('pw=' + fakes.chars(ALNUM, 12)).toString('base64');
    expect(b64).to.have.length(20);
    for (let at = 0; at <= 45; at++) {
      const filler = 'ab cd-ef gh.ij kl/mn op qr st uv wx yz ab cd ef'.slice(0, at);
      for (const text of [`${filler} ${b64}`, `${b64} ${filler}`, `${filler} ${b64} ab.cd ef`]) {
        expect(runs(text).map((r) => r.text), JSON.stringify(text)).to.deep.equal([b64]);
      }
    }
  });

  it('skips base64 of random bytes (nothing to rescan)', () => {
    const random = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 167 + 13) & 0xff));
    expect(runs(`blob: ${random.toString('base64')}\n`)).to.deep.equal([]);
  });

  it('keeps base64 of a binary key container', () => {
    const der = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 97 + 5) & 0xff))]);
    expect(runs(`k: ${der.toString('base64')}\n`).map((r) => r.encoding)).to.deep.equal(['base64']);
  });

  it('skips identifiers, paths and words that use the base64 alphabet', () => {
    expect(runs('const createElementNSForDocument2 = lib/internal/streams/readable_stream.js;\n')).to.deep.equal([]);
  });

  it('finds an even-length hex run of text and skips hex digests', () => {
    const hex = Buffer.from('password=' + fakes.chars(ALNUM, 16)).toString('hex');
    expect(runs(`seed ${hex} commit ${fakes.chars('0123456789abcdef', 40)}\n`)).to.deep.equal([{ encoding: 'hex', text: hex, decoded: Buffer.from(hex, 'hex').toString('latin1') }]);
  });

  it('finds percent-encoded runs: two escapes, or one in a run long enough to hold a token', () => {
    const dsn = 'postgres://u:' + fakes.chars(ALNUM, 9) + '!@db/x';
    const enc = encodeURIComponent(dsn);
    const body = fakes.chars(ALNUM, 20);
    expect(runs(`?dsn=${enc}&y=ghp%5F${body}&z=a%20b`)).to.deep.equal([
      { encoding: 'percent', text: enc, decoded: dsn },
      { encoding: 'percent', text: `ghp%5F${body}`, decoded: `ghp_${body}` },
    ]);
  });

  it('finds runs of JSON \\u escapes long enough to hide a token, or with two escapes, and decodes them to UTF-8', () => {
    const body = fakes.chars(ALNUM, 20);
    expect(runs(`{"t": "\\u0067hp_${body}", "n": "caf\\u00e9", "w": "\\u00e9t\\u00e9s"}`)).to.deep.equal([
      { encoding: 'json-escape', text: `\\u0067hp_${body}`, decoded: `ghp_${body}` },
      { encoding: 'json-escape', text: '\\u00e9t\\u00e9s', decoded: Buffer.from('\u00e9t\u00e9s').toString('latin1') },
    ]);
  });

  it('leaves malformed percent escapes as they are', () => {
    expect(runs('a%zz%41%42').map((r) => r.decoded)).to.deep.equal(['a%zzAB']);
  });

  it('returns runs sorted by start with absolute offsets inside a range', () => {
    const b64 = Buffer.from('api_key=' + fakes.chars(ALNUM, 30)).toString('base64');
    const bytes = Buffer.from(`${'-'.repeat(50)} ${b64} ${'-'.repeat(50)}`);
    const [run] = findEncodedRuns(bytes, 10, bytes.length - 10);
    expect(run).to.include({ start: 51, end: 51 + b64.length });
  });

  it('is linear on 1 MB of base64 alphabet and of percent signs', () => {
    const used = cpuMs(() => {
      findEncodedRuns(Buffer.from('Ab1'.repeat(350_000)), 0, 1_050_000);
      findEncodedRuns(Buffer.from('%'.repeat(1_000_000)), 0, 1_000_000);
      findEncodedRuns(Buffer.from('%41a'.repeat(250_000)), 0, 1_000_000);
    });
    expect(used).to.be.below(2000);
  });
});
