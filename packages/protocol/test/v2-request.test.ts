import { expect } from 'chai';
import { codes, parseV2Request, serializeV2Request } from '../src/index.js';
import { expectProtocolError, pkts, recorded, recordedNames } from './recorded.js';

const CAPS = ['command=ls-refs\n', 'agent=git/2.39.5'];

describe('v2 requests', () => {
  it('parses a recorded ls-refs request, stripping the trailing LF of each line', () => {
    expect(parseV2Request(recorded('v2-ls-refs.request'))).to.deep.equal({
      command: 'ls-refs',
      capabilities: ['agent=git/2.39.5', 'object-format=sha1'],
      args: ['peel', 'symrefs', 'unborn', 'ref-prefix HEAD', 'ref-prefix refs/heads/', 'ref-prefix refs/tags/'],
    });
  });

  it('parses a recorded fetch request whose lines git sent without LF', () => {
    const req = parseV2Request(recorded('v2-fetch-depth-filter.request'));
    expect(req.command).to.equal('fetch');
    expect(req.args.slice(0, 6)).to.deep.equal(['thin-pack', 'no-progress', 'include-tag', 'ofs-delta', 'deepen 1', 'filter blob:none']);
  });

  it('round-trips every recorded v2 request through serialize and parse', () => {
    for (const name of recordedNames((n) => n.startsWith('v2-') && n.endsWith('.request'))) {
      const req = parseV2Request(recorded(name));
      expect(parseV2Request(serializeV2Request(req)), name).to.deep.equal(req);
    }
  });

  it('serializes with LF-terminated lines and a delim before the arguments', () => {
    const body = serializeV2Request({ command: 'ls-refs', capabilities: ['agent=x'], args: ['peel'] });
    expect(body.toString('latin1')).to.equal('0014command=ls-refs\n000cagent=x\n00010009peel\n0000');
  });

  it('accepts a request without a delim and arguments', () => {
    expect(parseV2Request(pkts([...CAPS, '0000'])).args).to.deep.equal([]);
  });

  it('accepts capability values with spaces, as server-option may carry them', () => {
    expect(parseV2Request(pkts([...CAPS, 'server-option=a b', '0000'])).capabilities).to.include('server-option=a b');
  });

  it('refuses an empty body as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(Buffer.alloc(0)), codes.badRequest);
  });

  it('refuses a body that starts with a flush as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts(['0000'])), codes.badRequest);
  });

  it('refuses a first line other than command= as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts(['agent=git/2.39.5', '0000'])), codes.badRequest);
  });

  it('refuses an invalid command name as GITGATE_BAD_REQUEST', () => {
    for (const line of ['command=', 'command=Fetch', 'command=ls refs', 'command=../x']) {
      expectProtocolError(() => parseV2Request(pkts([line, '0000'])), codes.badRequest);
    }
  });

  it('refuses a capability line with a bad key or a control character as GITGATE_BAD_REQUEST', () => {
    for (const cap of ['=x', 'a b', 'agent=git\u0001', 'k\u00e9y', 'command=fetch']) {
      expectProtocolError(() => parseV2Request(pkts([...CAPS, cap, '0000'])), codes.badRequest);
    }
  });

  it('refuses an empty line as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts([...CAPS, '0001', '', '0000'])), codes.badRequest);
  });

  it('refuses a line that is not UTF-8 as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts([...CAPS, '0001', Buffer.from([0x66, 0xff]), '0000'])), codes.badRequest);
  });

  it('refuses an LF inside a line as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts([...CAPS, '0001', 'peel\nsymrefs\n', '0000'])), codes.badRequest);
  });

  it('refuses a second delim as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts([...CAPS, '0001', 'peel', '0001', '0000'])), codes.badRequest);
  });

  it('refuses a response-end pkt as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts([...CAPS, '0002'])), codes.badRequest);
  });

  it('refuses data after the final flush as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts([...CAPS, '0000', 'command=fetch', '0000'])), codes.badRequest);
  });

  it('refuses a body that ends without a flush as GITGATE_BAD_REQUEST', () => {
    expectProtocolError(() => parseV2Request(pkts([...CAPS, '0001', 'peel'])), codes.badRequest);
  });

  it('passes pkt-line errors through', () => {
    expectProtocolError(() => parseV2Request(Buffer.from('0014command=ls-refs\n00', 'latin1')), codes.pktMalformed);
    expectProtocolError(() => parseV2Request(pkts([...CAPS, '0000']), { maxPkts: 2 }), codes.requestTooLarge);
  });

  it('throws TypeError when serializing a line with an LF', () => {
    expect(() => serializeV2Request({ command: 'fetch', capabilities: [], args: ['want x\nhave y'] })).to.throw(TypeError);
  });
});
