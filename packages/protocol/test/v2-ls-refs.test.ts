import { expect } from 'chai';
import { codes, parseLsRefsArgs, parseV2Request, serializeLsRefsArgs } from '../src/index.js';
import { expectProtocolError, recorded } from './recorded.js';

describe('ls-refs arguments', () => {
  const args = parseV2Request(recorded('v2-ls-refs.request')).args;

  it('parses the arguments of a recorded git clone', () => {
    expect(parseLsRefsArgs(args)).to.deep.equal({
      symrefs: true, peel: true, unborn: true, refPrefixes: ['HEAD', 'refs/heads/', 'refs/tags/'],
    });
  });

  it('serializes in the order git sends, reproducing the recorded lines', () => {
    expect(serializeLsRefsArgs(parseLsRefsArgs(args))).to.deep.equal(args);
  });

  it('round-trips a struct through serialize and parse', () => {
    const a = { symrefs: false, peel: true, unborn: false, refPrefixes: ['refs/heads/main'] };
    expect(parseLsRefsArgs(serializeLsRefsArgs(a))).to.deep.equal(a);
  });

  it('defaults every option to off for no arguments', () => {
    expect(parseLsRefsArgs([])).to.deep.equal({ symrefs: false, peel: false, unborn: false, refPrefixes: [] });
  });

  it('refuses an unknown argument as GITGATE_UNKNOWN_ARGUMENT', () => {
    const err = expectProtocolError(() => parseLsRefsArgs(['peel', 'exclude refs/heads/x']), codes.unknownArgument);
    expect(err.data).to.deep.include({ command: 'ls-refs' });
  });

  it('refuses a flag with a value as GITGATE_UNKNOWN_ARGUMENT', () => {
    expectProtocolError(() => parseLsRefsArgs(['peel yes']), codes.unknownArgument);
  });

  it('refuses an empty or spaced ref prefix as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseLsRefsArgs(['ref-prefix ']), codes.badRequest);
    expectProtocolError(() => parseLsRefsArgs(['ref-prefix refs/heads/a b']), codes.badRequest);
  });
});
