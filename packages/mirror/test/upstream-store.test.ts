// Showing upstream URLs without their credentials.
import { expect } from 'chai';
import { redactUrl } from '../src/index.js';

describe('redactUrl', () => {
  it('replaces the userinfo of an http URL', () => {
    expect(redactUrl('http://gate-user:Pw123@127.0.0.1:1/x.git')).to.equal('http://***@127.0.0.1:1/x.git');
  });

  it('leaves a URL without userinfo unchanged', () => {
    expect(redactUrl('https://git.example.test/acme/api.git')).to.equal('https://git.example.test/acme/api.git');
  });

  it('leaves a local path unchanged', () => {
    expect(redactUrl('/srv/git/acme@api.git')).to.equal('/srv/git/acme@api.git');
  });
});
