import { expect } from 'chai';
import { PushThrottle } from '../src/index.js';

describe('PushThrottle', () => {
  it('allows an identity until it has max refusals inside the window', () => {
    let now = 1_000_000;
    const t = new PushThrottle({ max: 3, windowMs: 60_000, now: () => now });
    t.refused('agent', 2);
    expect(t.allows('agent')).to.equal(true);
    t.refused('agent', 1);
    expect(t.allows('agent')).to.equal(false);
    expect(t.allows('someone-else')).to.equal(true);
    now += 10_000;
    expect(t.retryAfterSeconds('agent')).to.equal(50);
  });

  it('forgets refusals older than the window', () => {
    let now = 0;
    const t = new PushThrottle({ max: 1, windowMs: 1000, now: () => now });
    t.refused('agent', 1);
    expect(t.allows('agent')).to.equal(false);
    now = 1001;
    expect(t.allows('agent')).to.equal(true);
    expect(t.retryAfterSeconds('agent')).to.equal(0);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new PushThrottle({ max: 0 })).to.throw(TypeError);
    expect(() => new PushThrottle({ windowMs: -1 })).to.throw(TypeError);
  });
});
