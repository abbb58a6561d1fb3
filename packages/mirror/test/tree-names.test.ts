// The tree-name policy, without git: a secret in a file or directory name, git's order, collisions.
import { expect } from 'chai';
import { parseTree, serializeTree, type TreeEntry } from '@gitgate/objects';
import { createScanner } from '@gitgate/scanner';
import { createTokenMinter } from '@gitgate/vault';
import { MirrorError, compareTreeEntries, createPlaceTokenizer, renameTreeEntries, scanTreeNames, type PlaceTokenizer } from '../src/index.js';
import { fakeGithubPat } from './helpers.js';

const minter = createTokenMinter(Buffer.alloc(32, 7));
const tokenizer = createPlaceTokenizer(createScanner(), minter);
const entry = (mode: string, name: string, fill: string): TreeEntry => ({ mode, name: Buffer.from(name), id: fill.repeat(40) });
const names = (raw: Buffer): string[] => parseTree(raw).map((e) => e.name.toString());

describe('tree names', () => {
  it('finds nothing in a tree of ordinary names', () => {
    const raw = serializeTree([entry('100644', 'README.md', 'a'), entry('40000', 'src', 'b')]);
    expect(scanTreeNames(raw, tokenizer)).to.equal(null);
  });

  it('tokenizes a secret in a file name and in a directory name', () => {
    const [p1, p2] = [fakeGithubPat(), fakeGithubPat()];
    const raw = serializeTree([entry('100644', 'README.md', 'a'), entry('40000', `d-${p2}`, 'c'), entry('100644', `f-${p1}.txt`, 'b')]);
    const r = scanTreeNames(raw, tokenizer)!;
    const t1 = minter.tokenFor('github-pat', Buffer.from(p1));
    const t2 = minter.tokenFor('github-pat', Buffer.from(p2));
    expect(r.names.map((n) => n?.toString() ?? null)).to.deep.equal([null, `d-${t2}`, `f-${t1}.txt`]);
    expect(r.secrets.map((s) => s.secret.toString()).sort()).to.deep.equal([p1, p2].sort());
  });

  it('writes renamed entries in git order, modes and ids unchanged', () => {
    const pat = fakeGithubPat();
    // 'a' + secret sorts after 'a.txt'; its token starts with '[' (0x5b), which sorts after '.' too,
    // but a name beginning with the secret moves from after 'Z' to before 'a'.
    const raw = serializeTree([entry('100644', 'Zeta', '1'), entry('100755', 'a.txt', '2'), entry('40000', `${pat}`, '3')]);
    const r = scanTreeNames(raw, tokenizer)!;
    const out = renameTreeEntries(raw, r.names, 'f'.repeat(40));
    const token = minter.tokenFor('github-pat', Buffer.from(pat));
    expect(names(out)).to.deep.equal(['Zeta', token, 'a.txt']);
    expect(parseTree(out).map((e) => [e.mode, e.id])).to.deep.equal([['100644', '1'.repeat(40)], ['40000', '3'.repeat(40)], ['100755', '2'.repeat(40)]]);
  });

  it('compares a directory as its name followed by a slash', () => {
    // git: file 'a-b' < dir 'a' (as 'a/') since '-' (0x2d) < '/' (0x2f); dir 'a' < file 'a0'.
    const sorted = [entry('40000', 'a', '1'), entry('100644', 'a-b', '2'), entry('100644', 'a0', '3')].sort(compareTreeEntries);
    expect(sorted.map((e) => e.name.toString())).to.deep.equal(['a-b', 'a', 'a0']);
  });

  it('fails closed with GITGATE_TREE_NAME_COLLISION when a tokenized name equals a sibling', () => {
    const pat = fakeGithubPat();
    const token = minter.tokenFor('github-pat', Buffer.from(pat));
    const raw = serializeTree([entry('100644', token, '1'), entry('100644', pat, '2')].sort(compareTreeEntries));
    const r = scanTreeNames(raw, tokenizer)!;
    let err: unknown;
    try {
      renameTreeEntries(raw, r.names, 'f'.repeat(40));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(MirrorError);
    expect((err as MirrorError).code).to.equal('GITGATE_TREE_NAME_COLLISION');
    expect((err as MirrorError).message).to.not.include(pat);
  });

  it('scans names one at a time when a name holds a newline', () => {
    const pat = fakeGithubPat();
    const calls: string[] = [];
    const counting: PlaceTokenizer = (bytes, form) => {
      calls.push(bytes.toString());
      return tokenizer(bytes, form);
    };
    const raw = serializeTree([entry('100644', 'a\nb', '1'), entry('100644', `k-${pat}`, '2')]);
    const r = scanTreeNames(raw, counting)!;
    expect(calls).to.deep.equal(['a\nb', `k-${pat}`]);
    expect(r.names[1]!.toString()).to.equal(`k-${minter.tokenFor('github-pat', Buffer.from(pat))}`);
  });

  it('scans a tree of names with a single scanner call', () => {
    let calls = 0;
    const counting: PlaceTokenizer = (bytes, form) => {
      calls++;
      return tokenizer(bytes, form);
    };
    const raw = serializeTree(Array.from({ length: 50 }, (_, i) => entry('100644', `file-${String(i).padStart(2, '0')}.ts`, 'a')));
    expect(scanTreeNames(raw, counting)).to.equal(null);
    expect(calls).to.equal(1);
  });
});
