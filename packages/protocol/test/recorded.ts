/** Loads the recorded git 2.39 bytes in test/recorded (regenerate with test/recorded/capture.mjs). */
import fs from 'node:fs';
import { expect } from 'chai';
import { ProtocolError } from '../src/index.js';

/** Tests run from dist/test; the fixtures stay beside the sources. */
const dir = new URL('../../test/recorded/', import.meta.url);

/** The bytes of one recorded fixture. */
export function recorded(name: string): Buffer {
  return fs.readFileSync(new URL(name, dir));
}

/** Names of the recorded fixtures matching a predicate. */
export function recordedNames(filter: (name: string) => boolean): string[] {
  return fs.readdirSync(dir).filter(filter).sort();
}

/** Asserts that `fn` throws a ProtocolError with `code`, and returns it. */
export function expectProtocolError(fn: () => unknown, code: string): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ProtocolError);
    expect((err as ProtocolError).code).to.equal(code);
    return err as ProtocolError;
  }
  expect.fail(`expected ProtocolError ${code}`);
}

/** Small deterministic PRNG (mulberry32) so chunk splits are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Frames each line as a data pkt, as-is (no LF added); the strings 0000, 0001 and 0002 stay special pkts. */
export function pkts(lines: (string | Buffer)[]): Buffer {
  return Buffer.concat(
    lines.map((l) => {
      if (l === '0000' || l === '0001' || l === '0002') return Buffer.from(l, 'latin1');
      const b = typeof l === 'string' ? Buffer.from(l, 'utf8') : l;
      return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0'), 'latin1'), b]);
    }),
  );
}
