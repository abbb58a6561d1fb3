import { expect } from 'chai';
import { encodePkt, parsePkts, v2Advertisement } from '../src/index.js';
import { recorded } from './recorded.js';

/**
 * http-backend's bytes with our agent instead of git's, and without `object-info`, which git 2.39
 * always offers and the gateway never does.
 */
function expectedFromHttpBackend(agent: string): Buffer {
  const out: Buffer[] = [];
  for (const p of parsePkts(recorded('v2-advertisement.pkt'))) {
    if (p.kind !== 'data') {
      out.push(Buffer.from('0000', 'latin1'));
      continue;
    }
    const line = p.data.toString('latin1');
    if (line === 'object-info\n') continue;
    out.push(encodePkt(line.startsWith('agent=') ? `agent=${agent}\n` : line));
  }
  return Buffer.concat(out);
}

describe('v2 advertisement', () => {
  const opts = { agent: 'gitgate/0.1.0', lsRefs: ['unborn'], fetch: ['shallow', 'wait-for-done', 'filter'], serverOption: true };

  it('matches the recorded http-backend advertisement byte for byte apart from agent and object-info', () => {
    expect(v2Advertisement(opts).toString('latin1')).to.equal(expectedFromHttpBackend('gitgate/0.1.0').toString('latin1'));
  });

  it('checks that the recorded advertisement really had git agent and object-info lines', () => {
    const text = recorded('v2-advertisement.pkt').toString('latin1');
    expect(text).to.contain('agent=git/2.39.5\n');
    expect(text).to.contain('object-info\n');
  });

  it('never offers object-info', () => {
    expect(v2Advertisement(opts).toString('latin1')).to.not.contain('object-info');
  });

  it('omits server-option unless asked and writes bare command names without features', () => {
    expect(v2Advertisement({ agent: 'a', lsRefs: [], fetch: [] }).toString('latin1')).to.equal(
      '000eversion 2\n000cagent=a\n000cls-refs\n000afetch\n0017object-format=sha1\n0000',
    );
  });

  it('adds the service header and flush when serviceHeader is set', () => {
    const body = v2Advertisement({ ...opts, serviceHeader: true }).toString('latin1');
    expect(body.startsWith('001e# service=git-upload-pack\n0000000eversion 2\n')).to.equal(true);
  });

  it('throws TypeError for an agent with a space', () => {
    expect(() => v2Advertisement({ ...opts, agent: 'git gate' })).to.throw(TypeError);
  });

  it('throws TypeError for a feature with a newline', () => {
    expect(() => v2Advertisement({ ...opts, fetch: ['shallow\nobject-info'] })).to.throw(TypeError);
  });
});
