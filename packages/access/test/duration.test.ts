import { expect } from 'chai';
import { parseDuration } from '../src/index.js';

describe('parseDuration', () => {
  it('converts seconds, minutes, hours and days to milliseconds', () => {
    expect(['30s', '15m', '1h', '2d'].map(parseDuration)).to.deep.equal([30_000, 900_000, 3_600_000, 172_800_000]);
  });

  it('accepts milliseconds and surrounding spaces', () => {
    expect(parseDuration(' 250ms ')).to.equal(250);
  });

  it('throws TypeError on a missing or unknown unit', () => {
    expect(() => parseDuration('15')).to.throw(TypeError);
    expect(() => parseDuration('2w')).to.throw(TypeError);
  });

  it('throws TypeError on negative, fractional or compound durations', () => {
    for (const s of ['-1m', '1.5h', '1h30m', '']) expect(() => parseDuration(s), s).to.throw(TypeError);
  });

  it('throws TypeError on a non-string', () => {
    expect(() => parseDuration(15 as unknown as string)).to.throw(TypeError);
  });

  it('throws TypeError when the result is not a safe integer', () => {
    expect(() => parseDuration('999999999999999d')).to.throw(TypeError, /too long/);
  });
});
