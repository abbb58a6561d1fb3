import { expect } from 'chai';
import { ProtocolError, codes } from '../src/index.js';

describe('ProtocolError', () => {
  it('keeps the stable code list', () => {
    expect(Object.values(codes).sort()).to.deep.equal([
      'GITGATE_BAD_ADVERTISEMENT', 'GITGATE_BAD_OBJECT_ID', 'GITGATE_BAD_PACK', 'GITGATE_BAD_REF_NAME', 'GITGATE_BAD_REQUEST',
      'GITGATE_FEATURE_NOT_OFFERED', 'GITGATE_FILTER_NOT_ALLOWED', 'GITGATE_PKT_MALFORMED', 'GITGATE_PKT_TOO_LONG',
      'GITGATE_REQUEST_TOO_LARGE', 'GITGATE_UNKNOWN_ARGUMENT',
    ]);
  });

  it('carries code, data and cause', () => {
    const cause = new Error('inner');
    const err = new ProtocolError(codes.badRequest, 'bad', { cause, data: { line: 'x' } });
    expect(err).to.be.instanceOf(Error);
    expect(err.name).to.equal('ProtocolError');
    expect(err).to.deep.include({ code: 'GITGATE_BAD_REQUEST', data: { line: 'x' } });
    expect(err.cause).to.equal(cause);
  });
});
