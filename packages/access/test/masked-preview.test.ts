import { expect } from 'chai';
import { maskedPreview } from '../src/index.js';

describe('maskedPreview', () => {
  it('shows the public prefix of an AWS access key id followed by asterisks', () => {
    expect(maskedPreview('aws-access-key-id')).to.equal('AK' + 'IA' + '*'.repeat(12));
  });

  it('shows only asterisks for a type without a known prefix', () => {
    expect(maskedPreview('generic-secret')).to.equal('*'.repeat(12));
  });

  it('describes a private key instead of masking it', () => {
    expect(maskedPreview('private-key')).to.equal('[private key]');
  });

  it('does not look up inherited properties as types', () => {
    expect(maskedPreview('constructor')).to.equal('*'.repeat(12));
  });
});
