import { expect } from 'chai';
import { TOKEN_RE, canonicalToken, createTokenMinter, isToken, parseToken, refSafeToken } from '../src/index.js';
import { fakeGithubToken, masterKey } from './helpers.js';

const fixedKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

describe('tokens', () => {
  it('mints the same token for the same type and secret', () => {
    const key = masterKey();
    const secret = fakeGithubToken();
    expect(createTokenMinter(key).tokenFor('github-pat', secret)).to.equal(createTokenMinter(Buffer.from(key)).tokenFor('github-pat', Buffer.from(secret)));
  });

  it('mints distinct tokens for one secret under two types', () => {
    const minter = createTokenMinter(masterKey());
    const secret = fakeGithubToken();
    const a = parseToken(minter.tokenFor('github-pat', secret));
    const b = parseToken(minter.tokenFor('generic-api-key', secret));
    expect(a?.id).to.not.equal(b?.id);
  });

  it('mints distinct tokens for distinct secrets', () => {
    const minter = createTokenMinter(masterKey());
    expect(minter.tokenFor('github-pat', fakeGithubToken())).to.not.equal(minter.tokenFor('github-pat', fakeGithubToken()));
  });

  it('mints distinct tokens under distinct master keys', () => {
    const secret = fakeGithubToken();
    expect(createTokenMinter(masterKey()).tokenFor('github-pat', secret)).to.not.equal(createTokenMinter(masterKey()).tokenFor('github-pat', secret));
  });

  it('keeps the type and the secret apart with the NUL separator', () => {
    const minter = createTokenMinter(masterKey());
    expect(parseToken(minter.tokenFor('ab', Buffer.from('c')))?.id).to.not.equal(parseToken(minter.tokenFor('a', Buffer.from('bc')))?.id);
  });

  it('produces [[TOKEN_<type>_<24 base32 chars>]]', () => {
    const token = createTokenMinter(masterKey()).tokenFor('aws-access-key-id', fakeGithubToken());
    expect(token).to.match(/^\[\[TOKEN_aws-access-key-id_[A-Z2-7]{24}\]\]$/);
    expect(parseToken(token)?.type).to.equal('aws-access-key-id');
  });

  it('matches the documented construction for a known key and value', () => {
    // Cross-checked with an independent HKDF/HMAC/base32 implementation (Python stdlib); if this
    // changes, every sanitized object id of every deployment changes with it.
    const minter = createTokenMinter(fixedKey);
    expect(minter.tokenFor('test', Buffer.from('example value'))).to.equal('[[TOKEN_test_YQ2SXF5U46QVI2JOQNPXBTHZ]]');
    expect(minter.tokenFor('generic-api-key', Buffer.from('example value'))).to.equal('[[TOKEN_generic-api-key_IVABJ7IJVJA6ILVCIJF266D7]]');
  });

  it('refuses a type outside [a-z0-9-]+ with TypeError', () => {
    const minter = createTokenMinter(masterKey());
    for (const type of ['', 'GitHub', 'a_b', 'a b', 'ü']) {
      expect(() => minter.tokenFor(type, Buffer.from('x')), type).to.throw(TypeError);
    }
  });

  it('refuses an empty secret with TypeError', () => {
    expect(() => createTokenMinter(masterKey()).tokenFor('x', new Uint8Array(0))).to.throw(TypeError);
  });

  it('refuses a master key that is not 32 bytes with TypeError', () => {
    expect(() => createTokenMinter(Buffer.alloc(16))).to.throw(TypeError);
  });

  it('finds a token inside text with TOKEN_RE and exposes type and id groups', () => {
    const token = createTokenMinter(masterKey()).tokenFor('slack-bot-token', fakeGithubToken());
    const m = TOKEN_RE.exec(`password = "${token}"\n`);
    expect(m?.[0]).to.equal(token);
    expect(m?.groups?.['type']).to.equal('slack-bot-token');
    expect(m?.groups?.['id']).to.have.length(24);
  });

  it('rejects near-miss strings in TOKEN_RE and isToken', () => {
    const id = 'A'.repeat(24);
    for (const s of [
      `[[TOKEN_x_${'A'.repeat(23)}]]`,
      `[[TOKEN_x_${'A'.repeat(25)}]]`,
      `[[TOKEN_x_${'a'.repeat(24)}]]`,
      `[[TOKEN_x_${'A'.repeat(23)}1]]`,
      `[[TOKEN_X_${id}]]`,
      `[[TOKEN__${id}]]`,
      `[TOKEN_x_${id}]`,
    ]) {
      expect(TOKEN_RE.test(s), s).to.equal(false);
      expect(isToken(s), s).to.equal(false);
    }
  });

  it('accepts only a whole token in isToken', () => {
    const token = createTokenMinter(masterKey()).tokenFor('x', Buffer.from('y'));
    expect(isToken(token)).to.equal(true);
    expect(isToken(` ${token}`)).to.equal(false);
    expect(isToken(`${token}\n`)).to.equal(false);
    expect(parseToken(`${token}x`)).to.equal(undefined);
  });
});

describe('ref-safe token form', () => {
  const minter = createTokenMinter(Buffer.alloc(32, 3));
  const token = minter.tokenFor('github-pat', Buffer.from('example value'));

  it('is the token without its brackets', () => {
    expect(refSafeToken(token)).to.equal(token.slice(2, -2));
    expect(refSafeToken(token)).to.not.match(/[[\]]/);
  });

  it('parses as the same token', () => {
    expect(parseToken(refSafeToken(token))).to.deep.equal(parseToken(token));
    expect(canonicalToken(refSafeToken(token))).to.equal(token);
    expect(canonicalToken(token)).to.equal(token);
  });

  it('is not taken for a token by isToken, which guards the vault key', () => {
    expect(isToken(refSafeToken(token))).to.equal(false);
  });

  it('refuses what is neither form', () => {
    expect(canonicalToken(`x${refSafeToken(token)}`)).to.equal(undefined);
    expect(canonicalToken(42)).to.equal(undefined);
    expect(() => refSafeToken('TOKEN_x')).to.throw(TypeError);
  });
});
