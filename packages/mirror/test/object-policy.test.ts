// The per-object policy of the rewrite, without git: bytes and an id mapping in, new bytes and secrets out.
import { expect } from 'chai';
import { hashObject, parseHeadered, parseTree, serializeTree, type TreeEntry } from '@gitgate/objects';
import { createScanner, type Scanner } from '@gitgate/scanner';
import { createTokenMinter } from '@gitgate/vault';
import {
  createPlaceTokenizer, rewriteBlob, rewriteCommit, rewriteTag, rewriteTree, withheldBlob,
  type HeaderedContext, type TreeContext,
} from '../src/index.js';
import { fakeGithubPat, fakePgpSignature, fold } from './helpers.js';

const minter = createTokenMinter(Buffer.alloc(32, 7));
const scanner = createScanner();
const tokenize = createPlaceTokenizer(scanner, minter);
const id = (n: number): string => n.toString(16).padStart(40, '0');
const entry = (mode: string, name: string, oid: string): TreeEntry => ({ mode, name: Buffer.from(name), id: oid });
/** A context that maps ids through `map` and records what it was asked. */
function headered(map: Record<string, string>, asked: Array<[string, string]> = []): HeaderedContext {
  return { tokenize, tokenizeMessage: tokenize, mapId: (oid, type) => { asked.push([oid, type]); return map[oid] ?? oid; } };
}
const IDENT = 'Jane <jane@example.com> 1700000000 +0000';

describe('object policy', () => {
  describe('rewriteBlob', () => {
    it('replaces a secret by its token and returns the secret', () => {
      const pat = fakeGithubPat();
      const r = rewriteBlob(Buffer.from(`TOKEN=${pat}\n`), scanner, minter);
      expect(r.content!.toString()).to.equal(`TOKEN=${minter.tokenFor('github-pat', Buffer.from(pat))}\n`);
      expect(r.secrets.map((s) => s.secret.toString())).to.deep.equal([pat]);
      expect(r.withheld).to.equal(0);
    });

    it('leaves a clean blob unchanged (content null)', () => {
      const r = rewriteBlob(Buffer.from('export const one = 1;\n'), scanner, minter);
      expect(r).to.deep.include({ content: null, withheld: 0 });
      expect(r.secrets).to.have.length(0);
    });

    it('withholds a blob the scanner cannot scan instead of returning it', () => {
      const throwing: Scanner = { ...scanner, scan: () => { throw new Error('boom'); } };
      const content = Buffer.from('anything at all\n');
      const r = rewriteBlob(content, throwing, minter);
      expect(r.content!.equals(withheldBlob(content.length))).to.equal(true);
      expect(r.withheld).to.equal(1);
    });
  });

  describe('rewriteTree', () => {
    const blobA = id(0xa);
    const blobB = id(0xb);
    const sub = id(0xc);
    const raw = serializeTree([entry('100644', 'a.txt', blobA), entry('100644', 'b.txt', blobB), entry('40000', 'lib', sub)]);
    const ctx = (map: Record<string, string>): TreeContext => ({
      tokenize, entryId: (_kind, bytes, at) => {
        const mapped = map[bytes.toString('hex', at, at + 20)];
        return mapped === undefined ? undefined : Buffer.from(mapped, 'hex');
      },
    });

    it('writes a mapped entry id over the old one and keeps every other byte', () => {
      const r = rewriteTree(raw, id(1), ctx({ [blobB]: id(0xbb), [sub]: id(0xcc) }));
      const entries = parseTree(r.content!);
      expect(entries.map((e) => [e.mode, e.name.toString(), e.id])).to.deep.equal([
        ['100644', 'a.txt', blobA], ['100644', 'b.txt', id(0xbb)], ['40000', 'lib', id(0xcc)],
      ]);
      expect(r.content!.length).to.equal(raw.length);
    });

    it('returns content null for a tree whose ids map to themselves and names hold no secret', () => {
      const r = rewriteTree(raw, id(1), ctx({ [blobA]: blobA }));
      expect(r.content).to.equal(null);
      expect(r.secrets).to.have.length(0);
    });

    it('tokenizes a secret in an entry name and names the entry that holds the token', () => {
      const pat = fakeGithubPat();
      const tree = serializeTree([entry('100644', `key-${pat}.txt`, blobA), entry('100644', 'z.txt', blobB)]);
      const r = rewriteTree(tree, id(1), ctx({}));
      const token = minter.tokenFor('github-pat', Buffer.from(pat));
      expect(r.content!.toString('latin1')).to.not.include(pat);
      expect(r.secretNames.map((n) => n!.toString())).to.deep.equal([`key-${token}.txt`]);
    });

    it('never asks the mapping about a submodule entry', () => {
      const tree = serializeTree([entry('160000', 'vendor', id(0xd))]);
      const asked: string[] = [];
      const r = rewriteTree(tree, id(1), { tokenize, entryId: (_k, b, at) => { asked.push(b.toString('hex', at, at + 20)); return Buffer.from(id(0xe), 'hex'); } });
      expect(asked).to.deep.equal([]);
      expect(r.content).to.equal(null);
    });
  });

  describe('rewriteCommit', () => {
    it('maps tree and parents, drops the signature and tokenizes a secret in the message', () => {
      const pat = fakeGithubPat();
      const raw = Buffer.from(
        `tree ${id(1)}\nparent ${id(2)}\nauthor ${IDENT}\ncommitter ${IDENT}\ngpgsig ${fold(fakePgpSignature())}\n\nuse ${pat}\n`);
      const asked: Array<[string, string]> = [];
      const r = rewriteCommit(raw, id(9), headered({ [id(1)]: id(0x11), [id(2)]: id(0x22) }, asked));
      expect(asked).to.deep.equal([[id(1), 'tree'], [id(2), 'commit']]);
      const token = minter.tokenFor('github-pat', Buffer.from(pat));
      expect(r.content!.toString()).to.equal(`tree ${id(0x11)}\nparent ${id(0x22)}\nauthor ${IDENT}\ncommitter ${IDENT}\n\nuse ${token}\n`);
      expect(r.secrets.map((s) => s.token)).to.deep.equal([token]);
    });

    it('returns content null for a commit nothing changes in', () => {
      const raw = Buffer.from(`tree ${id(1)}\nauthor ${IDENT}\ncommitter ${IDENT}\n\nclean\n`);
      expect(rewriteCommit(raw, id(9), headered({})).content).to.equal(null);
    });

    it('withholds a message the scanner cannot scan and counts it', () => {
      const raw = Buffer.from(`tree ${id(1)}\nauthor ${IDENT}\ncommitter ${IDENT}\n\nsome message\n`);
      const ctx = { ...headered({}), tokenizeMessage: () => { throw new Error('boom'); } };
      const r = rewriteCommit(raw, id(9), ctx);
      expect(r.withheld).to.equal(1);
      expect(parseHeadered(r.content!).message!.toString()).to.match(/^gitgate: this message could not be scanned/);
    });
  });

  describe('rewriteTag', () => {
    it('maps the target by the type the tag names and drops the signature block', () => {
      const raw = Buffer.from(`object ${id(3)}\ntype tree\ntag v1\ntagger ${IDENT}\n\nrelease\n${fakePgpSignature()}`);
      const asked: Array<[string, string]> = [];
      const r = rewriteTag(raw, id(9), headered({ [id(3)]: id(0x33) }, asked));
      expect(asked).to.deep.equal([[id(3), 'tree']]);
      expect(r.content!.toString()).to.equal(`object ${id(0x33)}\ntype tree\ntag v1\ntagger ${IDENT}\n\nrelease\n`);
    });

    it('writes a secret in the tag name in the ref-safe form', () => {
      const pat = fakeGithubPat();
      const raw = Buffer.from(`object ${id(3)}\ntype commit\ntag rel-${pat}\ntagger ${IDENT}\n\nrelease\n`);
      const r = rewriteTag(raw, id(9), headered({}));
      const token = minter.tokenFor('github-pat', Buffer.from(pat));
      expect(r.content!.toString()).to.include(`\ntag rel-${token.slice(2, -2)}\n`);
      expect(hashObject('tag', r.content!)).to.not.equal(hashObject('tag', raw));
    });
  });
});
