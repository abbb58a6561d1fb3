import { expect } from 'chai';
import { Mutex } from '../src/mutex.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Mutex', () => {
  it('runs sections one at a time in call order', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    await Promise.all([1, 2, 3].map((i) => mutex.runExclusive(async () => {
      log.push(`in ${i}`);
      await tick();
      log.push(`out ${i}`);
    })));
    expect(log).to.deep.equal(['in 1', 'out 1', 'in 2', 'out 2', 'in 3', 'out 3']);
  });

  it('keeps running sections after one rejects', async () => {
    const mutex = new Mutex();
    const failed = mutex.runExclusive(async () => { throw new Error('x'); });
    const next = mutex.runExclusive(async () => 'next');
    let caught: unknown;
    await failed.catch((err: unknown) => { caught = err; });
    expect((caught as Error).message).to.equal('x');
    expect(await next).to.equal('next');
  });
});
