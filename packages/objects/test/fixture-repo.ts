// Builds a small repository with every oddity the codecs must carry byte for byte: merges, an
// annotated tag, signed-looking commits and tags, extra and unknown headers, odd tree modes,
// unsorted entries, strange names, missing newlines and CRLF messages.
import fs from 'node:fs';
import path from 'node:path';
import { git, writeLiterally } from './git-helpers.js';

export interface FixtureRepo {
  dir: string;
  /** Ids of hand-built objects, by what is odd about them. */
  odd: {
    tree: string;
    signedCommit: string;
    unterminatedCommit: string;
    headersOnlyCommit: string;
    emptyMessageCommit: string;
    noFinalNewlineCommit: string;
    leadingContinuationCommit: string;
    signedTag: string;
    sshSignedTag: string;
  };
}

const AUTHOR = 'author Ada Tester <ada@example.test> 1700000000 +0100';
const COMMITTER = 'committer Bob Tester <bob@example.test> 1700000100 -0530';

/** A signature block shaped like gpg's output, with the ' ' lines git writes for empty lines. */
function fakeSignature(kind: 'PGP' | 'SSH'): string {
  return [`-----BEGIN ${kind} SIGNATURE-----`, '', 'iQEzBAABCAAdFiEEfakefakefakefakefakefakefakefakeFAKE', '=abcd', `-----END ${kind} SIGNATURE-----`, ''].join('\n');
}

function fold(value: string): string {
  return value.replace(/\n$/, '').replace(/\n/g, '\n ');
}

function commit(dir: string, message: string): void {
  git(dir, ['commit', '-q', '--cleanup=verbatim', '-F', '-'], message);
}

/** Creates the fixture repository in `dir` (which must exist and be empty). */
export function buildFixtureRepo(dir: string): FixtureRepo {
  git(dir, ['init', '-q', '-b', 'main']);
  fs.writeFileSync(path.join(dir, 'a.txt'), 'hello\n');
  fs.mkdirSync(path.join(dir, 'sub dir'));
  fs.writeFileSync(path.join(dir, 'sub dir', 'c.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  fs.symlinkSync('a.txt', path.join(dir, 'link'));
  git(dir, ['add', '-A']);
  commit(dir, 'initial\n');
  git(dir, ['checkout', '-q', '-b', 'feature']);
  fs.writeFileSync(path.join(dir, 'b.txt'), 'feature work\n');
  git(dir, ['add', '-A']);
  commit(dir, 'feature: add b\r\n\r\nwith a CRLF body\r\n');
  git(dir, ['checkout', '-q', 'main']);
  fs.writeFileSync(path.join(dir, 'a.txt'), 'hello again\n');
  git(dir, ['add', '-A']);
  commit(dir, 'main: change a\n');
  git(dir, ['merge', '-q', '--no-ff', '-m', 'merge feature', 'feature']);
  git(dir, ['tag', '-a', 'v1.0', '-m', 'release 1.0\n\nnotes']);

  const head = git(dir, ['rev-parse', 'HEAD']).toString().trim();
  const headTree = git(dir, ['rev-parse', 'HEAD^{tree}']).toString().trim();
  const subTree = git(dir, ['rev-parse', 'HEAD:sub dir']).toString().trim();
  const blob = git(dir, ['rev-parse', 'HEAD:a.txt']).toString().trim();
  const entry = (mode: string, name: Buffer | string, id: string): Buffer =>
    Buffer.concat([Buffer.from(mode + ' '), Buffer.from(name), Buffer.from([0]), Buffer.from(id, 'hex')]);
  // Unsorted, zero-padded and group-writable modes, a gitlink and a name with high and control bytes.
  const tree = writeLiterally(
    dir,
    'tree',
    Buffer.concat([
      entry('100664', 'zeta', blob),
      entry('040000', 'alpha', subTree),
      entry('100644', Buffer.from([0xff, 0x01, 0x20, 0x5c, 0x78, 0x0d]), blob),
      entry('160000', 'module', head),
      entry('120000', 'link', blob),
      entry('40000', 'beta', subTree),
    ]),
  );

  const v1 = git(dir, ['rev-parse', 'v1.0']).toString().trim();
  const v1Content = git(dir, ['cat-file', 'tag', v1]).toString('latin1');
  const signedCommit = writeLiterally(
    dir,
    'commit',
    Buffer.concat([
      Buffer.from(
        [
          `tree ${tree}`,
          `parent ${head}`,
          `parent ${head}`,
          AUTHOR,
          COMMITTER,
          `mergetag ${fold(v1Content)}`,
          'encoding ISO-8859-1',
          `gpgsig ${fold(fakeSignature('PGP'))}`,
          `gpgsig-sha256 ${fold(fakeSignature('SSH'))}`,
          'x-unknown-header a value with  two spaces',
          'x-empty',
          '',
          '',
        ].join('\n'),
        'latin1',
      ),
      Buffer.from('Subject caf\xe9\r\n\r\nbody line\r\n', 'latin1'),
    ]),
  );
  const unterminatedCommit = writeLiterally(dir, 'commit', `tree ${headTree}\n${AUTHOR}\n${COMMITTER}`);
  const headersOnlyCommit = writeLiterally(dir, 'commit', `tree ${headTree}\n${AUTHOR}\n${COMMITTER}\n`);
  const emptyMessageCommit = writeLiterally(dir, 'commit', `tree ${headTree}\n${AUTHOR}\n${COMMITTER}\n\n`);
  const noFinalNewlineCommit = writeLiterally(dir, 'commit', `tree ${headTree}\n${AUTHOR}\n${COMMITTER}\n\nno final newline`);
  const leadingContinuationCommit = writeLiterally(dir, 'commit', ` odd first line\n more\ntree ${headTree}\n\n\n\nmsg\n`);

  const tagHead = (name: string): string => `object ${head}\ntype commit\ntag ${name}\ntagger Ada Tester <ada@example.test> 1700000200 +0000\n\n`;
  const signedTag = writeLiterally(
    dir,
    'tag',
    // A marker quoted mid-body must not count; only the last marker line starts the signature.
    `${tagHead('v2.0')}release 2.0\r\n\r\n${fakeSignature('PGP')}not the end\n${fakeSignature('PGP')}`,
  );
  const sshSignedTag = writeLiterally(dir, 'tag', `${tagHead('v3.0')}release 3.0\n${fakeSignature('SSH').trimEnd()}`);
  git(dir, ['update-ref', 'refs/tags/v2.0', signedTag]);
  git(dir, ['update-ref', 'refs/tags/v3.0', sshSignedTag]);
  // Pack part of it so the batch reads both packed and loose objects.
  git(dir, ['repack', '-q', '-a', '-d']);

  return {
    dir,
    odd: {
      tree,
      signedCommit,
      unterminatedCommit,
      headersOnlyCommit,
      emptyMessageCommit,
      noFinalNewlineCommit,
      leadingContinuationCommit,
      signedTag,
      sshSignedTag,
    },
  };
}
