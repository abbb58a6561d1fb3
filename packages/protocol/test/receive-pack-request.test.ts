import { expect } from 'chai';
import { ProtocolError, ZERO_ID, codes, parseReceivePackRequest } from '../src/index.js';
import { expectProtocolError, pkts, prng, recorded, recordedNames } from './recorded.js';

// The push-*.request fixtures are the POST bodies git 2.39.5 sent to git http-backend, recorded by
// test/recorded/capture.mjs: `git push origin main` (update), `main:refs/heads/feature` (create),
// `:feature` (delete), `--atomic origin main main:refs/heads/topic`, `-o ci.skip -o 'reviewer=ada
// lovelace'` against a repository with receive.advertisePushOptions, and a push from a `--depth 1` clone;
// push-libgit2 and push-isogit are pushes of a new branch by libgit2 1.5 (pygit2) and isomorphic-git.

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const CAPS = '\0 report-status side-band-64k object-format=sha1 agent=git/2.39.5';
/** A real empty pack (header, no objects, trailer), as git sends when the remote has every object. */
const EMPTY_PACK = parseReceivePackRequest(recorded('push-create.request')).pack;

/** A push body: the command lines (first with CAPS), a flush, then `tail`. */
function push(lines: string[], tail: Buffer | string = EMPTY_PACK): Buffer {
  const [first, ...rest] = lines;
  const head = first === undefined ? [] : [`${first}${CAPS}`, ...rest];
  return Buffer.concat([pkts([...head, '0000']), Buffer.from(tail)]);
}

/** Asserts the single update of `ref` is refused as a bad ref name. */
function expectBadRef(ref: string): ProtocolError {
  return expectProtocolError(() => parseReceivePackRequest(push([`${A} ${B} ${ref}`])), codes.badRefName);
}

describe('receive-pack requests', () => {
  describe('recorded git pushes', () => {
    it('parses an update of an existing branch: ids, ref, capabilities in order, and the pack', () => {
      const body = recorded('push-update.request');
      const r = parseReceivePackRequest(body);
      expect(r.commands).to.deep.equal([{
        oldId: '831c40bc24795b07ab4f245cae34aced42d6b358', newId: 'c07cdcf943aa73fb9c6c842d96b7f07e9825a22e', ref: 'refs/heads/main',
      }]);
      expect(r.capabilities).to.deep.equal(['report-status-v2', 'side-band-64k', 'quiet', 'object-format=sha1', 'agent=git/2.39.5']);
      expect(r.pack.subarray(0, 4).toString('latin1')).to.equal('PACK');
      expect(r.pack.equals(body.subarray(body.length - r.pack.length))).to.equal(true);
      expect(r).to.deep.include({ shallow: [], pushOptions: [] });
    });

    it('returns the pack as a view of the body, not a copy', () => {
      const body = recorded('push-update.request');
      const { pack } = parseReceivePackRequest(body);
      expect(pack.buffer).to.equal(body.buffer);
      expect(pack.byteOffset).to.equal(body.byteOffset + body.length - pack.length);
    });

    it('parses a new branch as a command from the zero id, followed by an empty pack', () => {
      const r = parseReceivePackRequest(recorded('push-create.request'));
      expect(r.commands).to.deep.equal([{ oldId: ZERO_ID, newId: 'c07cdcf943aa73fb9c6c842d96b7f07e9825a22e', ref: 'refs/heads/feature' }]);
      expect(r.pack.length).to.equal(32);
    });

    it('parses a delete as a command to the zero id, with no pack', () => {
      const r = parseReceivePackRequest(recorded('push-delete.request'));
      expect(r.commands).to.deep.equal([{ oldId: 'c07cdcf943aa73fb9c6c842d96b7f07e9825a22e', newId: ZERO_ID, ref: 'refs/heads/feature' }]);
      expect(r.pack.length).to.equal(0);
    });

    it('parses an atomic push of two refs with the atomic capability', () => {
      const r = parseReceivePackRequest(recorded('push-atomic.request'));
      expect(r.commands.map((c) => c.ref)).to.deep.equal(['refs/heads/main', 'refs/heads/topic']);
      expect(r.commands[1]!.oldId).to.equal(ZERO_ID);
      expect(r.capabilities).to.include('atomic');
    });

    it('parses push options between the commands flush and the next flush, before the pack', () => {
      const r = parseReceivePackRequest(recorded('push-options.request'));
      expect(r.capabilities).to.include('push-options');
      expect(r.pushOptions).to.deep.equal(['ci.skip', 'reviewer=ada lovelace']);
      expect(r.pack.subarray(0, 4).toString('latin1')).to.equal('PACK');
    });

    it('parses the shallow line of a push from a shallow clone', () => {
      const r = parseReceivePackRequest(recorded('push-shallow.request'));
      expect(r.shallow).to.deep.equal(['2700e4a0d2cfdff475baa0ec2299ebb9c669784c']);
      expect(r.commands.map((c) => c.ref)).to.deep.equal(['refs/heads/from-shallow']);
    });
  });

  describe('other clients', () => {
    it('parses a libgit2 push, whose capability list has no leading space and ends in a LF', () => {
      const r = parseReceivePackRequest(recorded('push-libgit2.request'));
      expect(r.commands).to.deep.equal([{ oldId: ZERO_ID, newId: '3939b12ba3aab592ff08aefa7d67a233c566dcf9', ref: 'refs/heads/libgit2' }]);
      expect(r.capabilities).to.deep.equal(['report-status', 'side-band-64k']);
      expect(r.pack.subarray(0, 4).toString('latin1')).to.equal('PACK');
    });

    it('parses an isomorphic-git push', () => {
      const r = parseReceivePackRequest(recorded('push-isogit.request'));
      expect(r.commands.map((c) => c.ref)).to.deep.equal(['refs/heads/isogit']);
      expect(r.capabilities.slice(0, 2)).to.deep.equal(['report-status', 'side-band-64k']);
      expect(r.capabilities[2]).to.match(/^agent=git\/isomorphic-git@/);
    });
  });

  describe('leniency git has', () => {
    it('accepts command lines with and without a trailing LF', () => {
      const r = parseReceivePackRequest(push([`${A} ${B} refs/heads/a`, `${A} ${B} refs/heads/b\n`, `${A} ${B} refs/heads/c`]));
      expect(r.commands.map((c) => c.ref)).to.deep.equal(['refs/heads/a', 'refs/heads/b', 'refs/heads/c']);
      const withLf = Buffer.concat([pkts([`${A} ${B} refs/heads/a${CAPS}\n`, '0000']), EMPTY_PACK]);
      expect(parseReceivePackRequest(withLf).capabilities.at(-1)).to.equal('agent=git/2.39.5');
    });

    it('accepts a capability list with a trailing space (libgit2) and runs of spaces', () => {
      const body = Buffer.concat([pkts([`${A} ${B} refs/heads/a\0report-status  side-band-64k \n`, '0000']), EMPTY_PACK]);
      expect(parseReceivePackRequest(body).capabilities).to.deep.equal(['report-status', 'side-band-64k']);
    });

    it('accepts a first command without a capability list', () => {
      const body = Buffer.concat([pkts([`${A} ${B} refs/heads/a`, '0000']), EMPTY_PACK]);
      expect(parseReceivePackRequest(body).capabilities).to.deep.equal([]);
    });

    it('returns no commands for a body that is a single flush-pkt', () => {
      expect(parseReceivePackRequest(pkts(['0000']))).to.deep.include({ commands: [], capabilities: [], shallow: [], pushOptions: [] });
    });

    it('accepts exactly maxCommands commands', () => {
      const lines = Array.from({ length: 1000 }, (_, i) => `${A} ${B} refs/heads/b${i}`);
      expect(parseReceivePackRequest(push(lines)).commands).to.have.length(1000);
    });

    it('accepts an empty push option, which git keeps as an option', () => {
      const body = Buffer.concat([pkts([`${A} ${B} refs/heads/a\0push-options`, '0000', '', '0000']), EMPTY_PACK]);
      expect(parseReceivePackRequest(body).pushOptions).to.deep.equal(['']);
    });

    it('accepts a pack of version 3', () => {
      const v3 = Buffer.from(EMPTY_PACK);
      v3.writeUInt32BE(3, 4);
      expect(parseReceivePackRequest(push([`${A} ${B} refs/heads/a`], v3)).pack.readUInt32BE(4)).to.equal(3);
    });
  });

  describe('refusals', () => {
    it('refuses an empty body, as git hangs up on it', () => {
      expectProtocolError(() => parseReceivePackRequest(Buffer.alloc(0)), codes.badRequest);
    });

    it('refuses a body that ends before the flush-pkt after its commands', () => {
      expectProtocolError(() => parseReceivePackRequest(pkts([`${A} ${B} refs/heads/a${CAPS}`])), codes.badRequest);
    });

    it('refuses a body that ends before the flush-pkt after its push options', () => {
      expectProtocolError(() => parseReceivePackRequest(pkts([`${A} ${B} refs/heads/a\0push-options`, '0000', 'ci.skip'])), codes.badRequest);
    });

    it('refuses a pkt-line cut short', () => {
      expectProtocolError(() => parseReceivePackRequest(Buffer.from('00a0', 'latin1')), codes.pktMalformed);
    });

    it('refuses a delim-pkt in the command list, which git would take as its end', () => {
      expectProtocolError(() => parseReceivePackRequest(Buffer.concat([pkts([`${A} ${B} refs/heads/a${CAPS}`, '0001']), EMPTY_PACK])), codes.badRequest);
    });

    it('refuses a command line that is not "<old> <new> <ref>"', () => {
      expectProtocolError(() => parseReceivePackRequest(push([`${A} ${B}`])), codes.badRequest);
    });

    it('refuses an uppercase object id, which git would take', () => {
      expectProtocolError(() => parseReceivePackRequest(push([`${A.toUpperCase()} ${B} refs/heads/a`])), codes.badObjectId);
    });

    it('refuses an object id that is not 40 hex digits', () => {
      expectProtocolError(() => parseReceivePackRequest(push([`${A} ${B.slice(1)} refs/heads/a`])), codes.badObjectId);
    });

    it('refuses a shallow line whose id is not 40 lowercase hex digits', () => {
      const body = Buffer.concat([pkts([`shallow ${A}x`, `${A} ${B} refs/heads/a${CAPS}`, '0000']), EMPTY_PACK]);
      expectProtocolError(() => parseReceivePackRequest(body), codes.badObjectId);
    });

    it('refuses a command whose old and new ids are both zero', () => {
      expectProtocolError(() => parseReceivePackRequest(push([`${ZERO_ID} ${ZERO_ID} refs/heads/a`], '')), codes.badRequest);
    });

    it('refuses the same ref named twice', () => {
      expectProtocolError(() => parseReceivePackRequest(push([`${A} ${B} refs/heads/a`, `${B} ${A} refs/heads/a`])), codes.badRequest);
    });

    it('refuses more than maxCommands commands', () => {
      const lines = Array.from({ length: 4 }, (_, i) => `${A} ${B} refs/heads/b${i}`);
      const err = expectProtocolError(() => parseReceivePackRequest(push(lines), { maxCommands: 3 }), codes.requestTooLarge);
      expect(err.message).to.include('3');
    });

    it('refuses 1001 commands by default', () => {
      const lines = Array.from({ length: 1001 }, (_, i) => `${A} ${B} refs/heads/b${i}`);
      expectProtocolError(() => parseReceivePackRequest(push(lines)), codes.requestTooLarge);
    });

    it('throws TypeError on a maxCommands that is not a positive integer', () => {
      expect(() => parseReceivePackRequest(pkts(['0000']), { maxCommands: 0 })).to.throw(TypeError);
    });

    it('refuses capabilities on a command other than the first', () => {
      const body = Buffer.concat([pkts([`${A} ${B} refs/heads/a${CAPS}`, `${A} ${B} refs/heads/b\0atomic`, '0000']), EMPTY_PACK]);
      expectProtocolError(() => parseReceivePackRequest(body), codes.badRequest);
    });

    it('refuses a malformed capability', () => {
      const body = Buffer.concat([pkts([`${A} ${B} refs/heads/a\0report-status =x`, '0000']), EMPTY_PACK]);
      expectProtocolError(() => parseReceivePackRequest(body), codes.badRequest);
    });

    it('refuses the push-cert capability: signed pushes are not offered', () => {
      const body = Buffer.concat([pkts([`${A} ${B} refs/heads/a\0report-status push-cert=1700000000-abc`, '0000']), EMPTY_PACK]);
      const err = expectProtocolError(() => parseReceivePackRequest(body), codes.featureNotOffered);
      expect(err.message).to.equal('signed pushes are not offered');
    });

    it('refuses a push certificate section', () => {
      const body = pkts(['push-cert\0report-status', 'certificate version 0.1\n', 'push-cert-end\n', '0000']);
      expectProtocolError(() => parseReceivePackRequest(body), codes.featureNotOffered);
    });

    it('refuses an object format other than sha1, as git does', () => {
      const body = Buffer.concat([pkts([`${A} ${B} refs/heads/a\0report-status object-format=sha256`, '0000']), EMPTY_PACK]);
      const err = expectProtocolError(() => parseReceivePackRequest(body), codes.featureNotOffered);
      expect(err.message).to.include('sha256');
    });

    it('refuses a create or update without a pack after the commands', () => {
      expectProtocolError(() => parseReceivePackRequest(push([`${A} ${B} refs/heads/a`], '')), codes.badPack);
    });

    it('refuses a pack that does not start with PACK', () => {
      expectProtocolError(() => parseReceivePackRequest(push([`${A} ${B} refs/heads/a`], Buffer.alloc(32))), codes.badPack);
    });

    it('refuses a pack whose version is neither 2 nor 3', () => {
      const v4 = Buffer.from(EMPTY_PACK);
      v4.writeUInt32BE(4, 4);
      expectProtocolError(() => parseReceivePackRequest(push([`${A} ${B} refs/heads/a`], v4)), codes.badPack);
    });

    it('refuses bytes after the commands of a push that only deletes', () => {
      expectProtocolError(() => parseReceivePackRequest(push([`${A} ${ZERO_ID} refs/heads/a`])), codes.badPack);
    });

    it('refuses bytes after an empty command list', () => {
      expectProtocolError(() => parseReceivePackRequest(Buffer.concat([pkts(['0000']), EMPTY_PACK])), codes.badPack);
    });

    it('refuses a ref name that is not valid UTF-8', () => {
      const line = Buffer.concat([Buffer.from(`${A} ${B} refs/heads/`), Buffer.from([0xff]), Buffer.from(CAPS)]);
      expectProtocolError(() => parseReceivePackRequest(Buffer.concat([pkts([line, '0000']), EMPTY_PACK])), codes.badRequest);
    });
  });

  describe('ref names git answers with "funny refname"', () => {
    // Each row checked by hand with `git check-ref-format` on the name without `refs/`.
    const REFUSED: [string, string[]][] = [
      ['a ref outside refs/', ['HEAD', 'heads/main']],
      ['a single component below refs/', ['refs/main']],
      ['refs/@', ['refs/@']],
      ['".."', ['refs/heads/a..b']],
      ['a control character, DEL or space', ['\t', '\u0001', '\u007f', ' '].map((c) => `refs/heads/a${c}b`)],
      ['each of ~ ^ : ? * [ and backslash', [...'~^:?*[\\'].map((c) => `refs/heads/a${c}b`)],
      ['"@{"', ['refs/heads/a@{1}']],
      ['a component starting with "."', ['refs/heads/.hidden']],
      ['a component ending with ".lock"', ['refs/heads/main.lock/x', 'refs/heads/main.lock']],
      ['an empty component: a double or trailing slash', ['refs/heads//a', 'refs/heads/a/']],
      ['a trailing "."', ['refs/heads/a.']],
      ['a LF inside the ref before the capability NUL, which git keeps in the name', ['refs/heads/a\n']],
    ];
    for (const [why, refs] of REFUSED) {
      it(`refuses ${why}`, () => {
        for (const ref of refs) expectBadRef(ref);
      });
    }

    it('accepts what git accepts: @, dots, brackets, a leading dash and non-ASCII inside components', () => {
      for (const ref of ['refs/heads/user@host/v1.2/café', 'refs/heads/@', 'refs/heads/a]b{c}', 'refs/heads/-x']) {
        expect(parseReceivePackRequest(push([`${A} ${B} ${ref}`])).commands[0]!.ref).to.equal(ref);
      }
    });

    it('quotes a refused name cut to 200 characters', () => {
      const err = expectBadRef(`refs/heads/${'x'.repeat(300)}..`);
      expect(err.message).to.include(`"refs/heads/${'x'.repeat(189)}..."`);
      expect(err.message).not.to.include('x'.repeat(250));
    });
  });

  it('throws nothing but ProtocolError on random mutations of the recorded pushes', () => {
    const bodies = recordedNames((n) => n.startsWith('push-') && n.endsWith('.request')).map(recorded);
    const rnd = prng(13);
    const pick = (n: number): number => Math.floor(rnd() * n);
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      const body = Buffer.from(bodies[i % bodies.length]!);
      // Mostly the pkt-line head, where the parser reads; the pack itself is only checked for its header.
      const head = Math.min(body.length, 240);
      const at = pick(head);
      let mutated: Buffer;
      switch (pick(4)) {
        case 0: body[at] = pick(256); mutated = body; break;
        case 1: mutated = body.subarray(0, at); break;
        case 2: mutated = Buffer.concat([body.subarray(0, at), Buffer.from([pick(256)]), body.subarray(at)]); break;
        default: mutated = Buffer.concat([body.subarray(0, at), body.subarray(at + 1 + pick(8))]); break;
      }
      try {
        parseReceivePackRequest(mutated);
      } catch (err) {
        expect(err, `mutation ${i}`).to.be.instanceOf(ProtocolError);
        refused++;
      }
    }
    // Most mutations break a frame, an id or a ref; a few land in a ref name or the pack and still parse.
    expect(refused).to.be.greaterThan(300);
  });
});
