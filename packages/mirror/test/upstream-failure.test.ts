import { expect } from 'chai';
import { upstreamFailureKind } from '../src/index.js';

describe('upstreamFailureKind', () => {
  it('calls a failure git was stopped for a timeout, whatever its message', () => {
    expect(upstreamFailureKind('git ls-remote failed (128)', true)).to.equal('timeout');
  });

  it("reads git's words for a refused credential, a missing repository and a refused connection", () => {
    expect(upstreamFailureKind("fatal: Authentication failed for 'https://***@git.example.test/a.git/'")).to.equal('credential');
    expect(upstreamFailureKind('fatal: unable to access: The requested URL returned error: 403')).to.equal('credential');
    expect(upstreamFailureKind("fatal: '/srv/git/a.git' does not appear to be a git repository")).to.equal('not-found');
    expect(upstreamFailureKind('git ls-remote failed (exit 128):  | Please make sure you have the correct access rights | and the repository exists.')).to.equal('not-found');
    expect(upstreamFailureKind('fatal: unable to access: The requested URL returned error: 404')).to.equal('not-found');
    expect(upstreamFailureKind("fatal: unable to access 'http://127.0.0.1:9/a.git/': Failed to connect to 127.0.0.1 port 9: Connection refused")).to.equal('unreachable');
    expect(upstreamFailureKind('fatal: unable to access: Could not resolve host: git.example.test')).to.equal('unreachable');
  });

  it('calls anything else a plain failure', () => {
    expect(upstreamFailureKind('git fetch failed (1): error: cannot lock ref')).to.equal('failed');
  });
});
