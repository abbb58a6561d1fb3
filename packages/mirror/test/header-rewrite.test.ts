// The header policy of commits and tags, without git: what an adversary reads in `git cat-file`.
import { expect } from 'chai';
import { makeHeader, parseHeadered, serializeHeadered, type ObjectHeader } from '@gitgate/objects';
import { createScanner } from '@gitgate/scanner';
import { createTokenMinter, isToken } from '@gitgate/vault';
import { createPlaceTokenizer, isStructuralHeader, rewriteHeader, type PlaceTokenizer } from '../src/index.js';
import { fakeGithubPat, fold } from './helpers.js';

const minter = createTokenMinter(Buffer.alloc(32, 7));
const tokenizer = createPlaceTokenizer(createScanner(), minter);
const header = (line: string): ObjectHeader => parseHeadered(Buffer.from(`${line}\n\nmsg\n`)).headers[0]!;
const text = (h: ObjectHeader | null): string => h!.raw.toString('utf8');
/** git fsck_ident's shape: a name, ' <', an email without <, > or newline, '> ', a date. */
const IDENT = /^(author|committer|tagger) [^<>\n]+ <[^<>\n]*> \d+ [+-]\d{4}$/;

describe('header rewrite', () => {
  it('tokenizes a secret in an author name and keeps the identity structure', () => {
    const pat = fakeGithubPat();
    const r = rewriteHeader('commit', header(`author Jane ${pat} <jane@example.com> 1700000000 +0100`), tokenizer);
    const token = minter.tokenFor('github-pat', Buffer.from(pat));
    expect(text(r.header)).to.equal(`author Jane ${token} <jane@example.com> 1700000000 +0100`);
    expect(text(r.header)).to.match(IDENT);
    expect(r.secrets.map((s) => s.secret.toString())).to.deep.equal([pat]);
  });

  it('tokenizes a secret that is the whole committer email', () => {
    const pat = fakeGithubPat();
    const r = rewriteHeader('commit', header(`committer CI <${pat}> 1700000000 +0000`), tokenizer);
    expect(text(r.header)).to.equal(`committer CI <${minter.tokenFor('github-pat', Buffer.from(pat))}> 1700000000 +0000`);
    expect(text(r.header)).to.match(IDENT);
  });

  it('tokenizes a secret in a tagger name', () => {
    const pat = fakeGithubPat();
    const r = rewriteHeader('tag', header(`tagger ${pat} <t@example.com> 1700000000 +0000`), tokenizer);
    expect(text(r.header)).to.not.include(pat);
    expect(text(r.header)).to.match(IDENT);
  });

  it('keeps an identity without a secret as the very same header', () => {
    const h = header('author Jane Doe <jane@example.com> 1700000000 +0100');
    const r = rewriteHeader('commit', h, tokenizer);
    expect(r.header).to.equal(h);
    expect(r.secrets).to.deep.equal([]);
  });

  it('scans an identity with one scanner call', () => {
    let calls = 0;
    const counting: PlaceTokenizer = (bytes, form) => {
      calls++;
      return tokenizer(bytes, form);
    };
    rewriteHeader('commit', header('author Jane Doe <jane@example.com> 1700000000 +0100'), counting);
    expect(calls).to.equal(1);
  });

  it('tokenizes a secret in an extra header, key kept', () => {
    const pat = fakeGithubPat();
    const r = rewriteHeader('commit', header(`x-ci-token ${pat}`), tokenizer);
    expect(text(r.header)).to.equal(`x-ci-token ${minter.tokenFor('github-pat', Buffer.from(pat))}`);
    expect(r.header!.key).to.equal('x-ci-token');
  });

  it('tokenizes a secret on a continuation line of a multi-line header and keeps the folding', () => {
    const pat = fakeGithubPat();
    const h = header(`x-notes ${fold(`first line\ntoken: ${pat}\nlast line`)}`);
    const r = rewriteHeader('commit', h, tokenizer);
    const token = minter.tokenFor('github-pat', Buffer.from(pat));
    expect(text(r.header)).to.equal(`x-notes first line\n token: ${token}\n last line`);
    // The header still parses back as one header in an object.
    const bytes = serializeHeadered({ headers: [r.header!], message: Buffer.from('m\n') });
    expect(parseHeadered(bytes).headers).to.have.length(1);
  });

  it('tokenizes a secret in the encoding header', () => {
    const pat = fakeGithubPat();
    const r = rewriteHeader('commit', header(`encoding ${pat}`), tokenizer);
    expect(text(r.header)).to.equal(`encoding ${minter.tokenFor('github-pat', Buffer.from(pat))}`);
  });

  it('writes a secret in a tag name in the ref-safe form', () => {
    const pat = fakeGithubPat();
    const r = rewriteHeader('tag', header(`tag v1-${pat}`), tokenizer);
    const token = minter.tokenFor('github-pat', Buffer.from(pat));
    expect(text(r.header)).to.equal(`tag v1-${token.slice(2, -2)}`);
    expect(r.secrets[0]!.token).to.equal(token);
    expect(isToken(r.secrets[0]!.token)).to.equal(true);
  });

  it('withholds an identity that cannot be scanned with a valid stand-in', () => {
    const failing: PlaceTokenizer = () => { throw new Error('scan limit'); };
    const r = rewriteHeader('commit', header('author Jane <j@example.com> 1700000000 +0000'), failing);
    expect(r.withheld).to.equal(true);
    expect(text(r.header)).to.equal('author gitgate <withheld> 0 +0000');
  });

  it('drops an extra header that cannot be scanned', () => {
    const failing: PlaceTokenizer = () => { throw new Error('scan limit'); };
    const r = rewriteHeader('commit', header('x-data something'), failing);
    expect(r).to.deep.equal({ header: null, secrets: [], withheld: true });
  });

  it('treats tree, parent and object ids and a tag type as structure, and anything else there as text', () => {
    const id = 'a'.repeat(40);
    expect(isStructuralHeader('commit', makeHeader('tree', id))).to.equal(true);
    expect(isStructuralHeader('commit', makeHeader('parent', id))).to.equal(true);
    expect(isStructuralHeader('tag', makeHeader('object', id))).to.equal(true);
    expect(isStructuralHeader('tag', makeHeader('type', 'commit'))).to.equal(true);
    expect(isStructuralHeader('commit', makeHeader('parent', fakeGithubPat()))).to.equal(false);
    expect(isStructuralHeader('tag', makeHeader('type', fakeGithubPat()))).to.equal(false);
    expect(isStructuralHeader('commit', makeHeader('author', 'a <b> 1 +0000'))).to.equal(false);
  });
});
