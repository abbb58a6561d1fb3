import { expect } from 'chai';
import { defineError, codesOf, errorClass, GitgateError } from '../src/index.js';

const catalogue = {
  notFound: defineError('GITGATE_TEST_NOT_FOUND', 404, 'no such thing'),
  broken: defineError('GITGATE_TEST_BROKEN', 500, 'it broke'),
};
class TestError extends errorClass('TestError', catalogue) {}

describe('defineError', () => {
  it('declares a code with its HTTP status and default message', () => {
    expect(catalogue.notFound).to.deep.equal({ code: 'GITGATE_TEST_NOT_FOUND', status: 404, message: 'no such thing' });
  });

  it('refuses a code that is not of the form GITGATE_NAME', () => {
    expect(() => defineError('NOT_FOUND', 404, 'x')).to.throw(TypeError, /GITGATE_NAME/);
  });

  it('refuses a status that is not an HTTP error status', () => {
    expect(() => defineError('GITGATE_TEST_OK', 200, 'x')).to.throw(TypeError, /not an HTTP error status/);
  });

  it('lists the code strings of a catalogue under its keys', () => {
    expect(codesOf(catalogue)).to.deep.equal({ notFound: 'GITGATE_TEST_NOT_FOUND', broken: 'GITGATE_TEST_BROKEN' });
  });
});

describe('errorClass', () => {
  it('builds errors that carry the declared status, their code, cause and data', () => {
    const cause = new Error('underlying');
    const err = new TestError('GITGATE_TEST_NOT_FOUND', 'no thing named x', { cause, data: { name: 'x' } });
    expect(err).to.be.instanceOf(TestError).and.instanceOf(GitgateError).and.instanceOf(Error);
    expect(err).to.include({ name: 'TestError', code: 'GITGATE_TEST_NOT_FOUND', status: 404, message: 'no thing named x', cause });
    expect(err.data).to.deep.equal({ name: 'x' });
  });

  it('uses the declared message when none is given', () => {
    expect(new TestError('GITGATE_TEST_BROKEN').message).to.equal('it broke');
  });

  it('refuses to build an error with a code its catalogue does not declare', () => {
    expect(() => new TestError('GITGATE_TEST_OTHER' as 'GITGATE_TEST_BROKEN')).to.throw(TypeError, /not declared/);
  });
});
