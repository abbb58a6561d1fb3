import { expect } from 'chai';
import { defineError, errorClass, httpErrorOf } from '../src/index.js';

class TestError extends errorClass('TestError', {
  gone: defineError('GITGATE_TEST_GONE', 410, 'gone'),
  down: defineError('GITGATE_TEST_DOWN', 503, 'down'),
  failed: defineError('GITGATE_TEST_FAILED', 500, 'failed'),
}) {}

describe('httpErrorOf', () => {
  it('answers a declared error with its declared status, code and message', () => {
    expect(httpErrorOf(new TestError('GITGATE_TEST_GONE', 'the grant was used'))).to.deep.equal({ status: 410, code: 'GITGATE_TEST_GONE', message: 'the grant was used' });
  });

  it('keeps the sentence of a declared 503', () => {
    expect(httpErrorOf(new TestError('GITGATE_TEST_DOWN', 'try again later')).message).to.equal('try again later');
  });

  it('answers a declared 500 with its code but without its message', () => {
    expect(httpErrorOf(new TestError('GITGATE_TEST_FAILED', 'git failed in /srv/data/x.git'))).to.deep.equal({ status: 500, code: 'GITGATE_TEST_FAILED', message: 'internal error' });
  });

  it('answers an undeclared error, even one with a status and code, as 500 internal error without details', () => {
    const foreign = Object.assign(new Error('ENOENT /srv/secret/path'), { status: 404, code: 'GITGATE_NOT_FOUND' });
    expect(httpErrorOf(foreign)).to.deep.equal({ status: 500, code: 'GITGATE_INTERNAL', message: 'internal error' });
    expect(httpErrorOf('a string')).to.deep.equal({ status: 500, code: 'GITGATE_INTERNAL', message: 'internal error' });
  });
});
