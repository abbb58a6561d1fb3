// The policy of auth mode none (loopback trials): everyone reads, and everyone may push where a repository has push settings.
import { expect } from 'chai';
import { ANONYMOUS, openPolicy } from '../src/identity.js';

describe('openPolicy', () => {
  it('lets the anonymous identity read and write every repository (push rules still decide per ref)', () => {
    expect([openPolicy.canRead(ANONYMOUS, 'acme/api'), openPolicy.canWrite?.(ANONYMOUS, 'acme/api')]).to.deep.equal([true, true]);
  });
});
