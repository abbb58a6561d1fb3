// The ref-name policy, without git: a secret in a branch or tag name gets the ref-safe token.
import { expect } from 'chai';
import { createScanner } from '@gitgate/scanner';
import { canonicalToken, createTokenMinter } from '@gitgate/vault';
import { MirrorError, createPlaceTokenizer, sanitizeRefName, sanitizeRefNames } from '../src/index.js';
import { fakeGithubPat } from './helpers.js';

const minter = createTokenMinter(Buffer.alloc(32, 7));
const tokenizer = createPlaceTokenizer(createScanner(), minter);
const rename = (n: string) => sanitizeRefName(n, tokenizer);

describe('ref names', () => {
  it('writes a secret in a branch name as TOKEN_<type>_<id>, the vault token without brackets', () => {
    const pat = fakeGithubPat();
    const r = rename(`refs/heads/feature/${pat}`);
    const token = minter.tokenFor('github-pat', Buffer.from(pat));
    expect(r.name).to.equal(`refs/heads/feature/${token.slice(2, -2)}`);
    expect(r.name).to.not.include('[');
    expect(r.secrets.map((s) => s.token)).to.deep.equal([token]);
    expect(canonicalToken(r.name.slice('refs/heads/feature/'.length))).to.equal(token);
  });

  it('writes a secret in a tag name the same way', () => {
    const pat = fakeGithubPat();
    expect(rename(`refs/tags/v1-${pat}`).name).to.equal(`refs/tags/v1-${minter.tokenFor('github-pat', Buffer.from(pat)).slice(2, -2)}`);
  });

  it('keeps a name without a secret', () => {
    expect(rename('refs/heads/main')).to.deep.equal({ name: 'refs/heads/main', secrets: [] });
  });

  it('names HEAD like the branch it points at', () => {
    const pat = fakeGithubPat();
    const r = sanitizeRefNames([{ name: 'refs/heads/main', id: 'a'.repeat(40) }, { name: `refs/heads/${pat}`, id: 'b'.repeat(40) }], `refs/heads/${pat}`, rename);
    expect(r.head).to.equal(r.refs[1]!.name);
    expect(r.head).to.not.include(pat);
    expect(r.secrets).to.have.length(1);
  });

  it('fails closed with GITGATE_REF_NAME_COLLISION when a served name is already taken', () => {
    const pat = fakeGithubPat();
    const served = rename(`refs/heads/${pat}`).name;
    expect(() => sanitizeRefNames([{ name: served, id: 'a'.repeat(40) }, { name: `refs/heads/${pat}`, id: 'b'.repeat(40) }], null, rename))
      .to.throw(MirrorError).with.property('code', 'GITGATE_REF_NAME_COLLISION');
  });
});
