import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Database } from '@gitgate/db';
import { storeBackends } from '@gitgate/testkit';
import { Vault, VaultError, createTokenMinter, type SecretRecord } from '../src/index.js';
import { fakeAwsKeyId, fakeGithubToken, masterKey, rejection, tempDir } from './helpers.js';

/** Raw access to the vault's store, to tamper with rows the way an attacker with the disk (or the database) could. */
function rawDb(dbPath: string): Promise<Database> {
  return Database.open({ path: dbPath, name: 'raw', migrations: [] });
}

describe('Vault (sqlite file)', () => {
  let dir: string;
  let dbPath: string;
  let vault: Vault;

  function record(secret: Buffer): SecretRecord {
    return { token: vault.tokenFor('github-pat', secret), type: 'github-pat', secret, ruleId: 'github-pat', repo: 'acme/api', path: 'config/.env', commitId: 'a'.repeat(40) };
  }

  beforeEach(async () => {
    dir = tempDir();
    dbPath = path.join(dir, 'vault.db');
    vault = await Vault.open({ dbPath, masterKey: masterKey() });
  });
  afterEach(async () => {
    await vault.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database file with mode 0600', () => {
    expect(fs.statSync(dbPath).mode & 0o777).to.equal(0o600);
  });

  it('keeps the secret bytes out of the database file and its WAL', async () => {
    const secrets = [fakeGithubToken(), fakeAwsKeyId()];
    const records = secrets.map((s) => record(s));
    await vault.put(records);
    const files = [dbPath, `${dbPath}-wal`];
    expect(fs.existsSync(files[1]!), 'the WAL holds the new rows until a checkpoint').to.equal(true);
    const raw = Buffer.concat(files.map((f) => fs.readFileSync(f)));
    // The tokens are stored in clear, so finding them proves these files hold the new rows.
    expect(raw.includes(Buffer.from(records[0]!.token))).to.equal(true);
    for (const s of secrets) expect(raw.includes(s)).to.equal(false);
    await vault.close();
    const checkpointed = fs.readFileSync(dbPath);
    expect(checkpointed.includes(Buffer.from(records[0]!.token))).to.equal(true);
    for (const s of secrets) expect(checkpointed.includes(s)).to.equal(false);
  });
});

for (const backend of storeBackends()) describe(`Vault (${backend.name})`, () => {
  let dir: string;
  let dbPath: string;
  let key: Buffer;
  let vault: Vault;

  function record(secret: Buffer, extra: Partial<SecretRecord> = {}): SecretRecord {
    const type = extra.type ?? 'github-pat';
    return { token: vault.tokenFor(type, secret), type, secret, ruleId: 'github-pat', repo: 'acme/api', path: 'config/.env', commitId: 'a'.repeat(40), ...extra };
  }

  beforeEach(async () => {
    dir = tempDir();
    dbPath = await backend.location(dir, 'vault.db');
    key = masterKey();
    vault = await Vault.open({ dbPath, masterKey: key });
  });
  afterEach(async () => {
    await vault.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reveals exactly the secret that was put', async () => {
    const secret = fakeGithubToken();
    const r = record(secret);
    await vault.put([r]);
    expect((await vault.reveal(r.token)).equals(secret)).to.equal(true);
  });

  it('lists every stored secret with its type for known-secret matching, revoked ones too', async () => {
    const [a, b] = [fakeGithubToken(), fakeGithubToken()];
    await vault.put([record(a), record(b, { type: 'generic-secret' })]);
    await vault.revoke(record(b, { type: 'generic-secret' }).token);
    const known = await vault.knownSecrets();
    const asText = known.map((k) => `${k.type} ${k.secret.toString('latin1')}`).sort();
    expect(asText).to.deep.equal([`generic-secret ${b.toString('latin1')}`, `github-pat ${a.toString('latin1')}`].sort());
  });

  it('mints the same tokens as createTokenMinter with the same master key', () => {
    const secret = fakeAwsKeyId();
    expect(vault.tokenFor('aws-access-key-id', secret)).to.equal(createTokenMinter(key).tokenFor('aws-access-key-id', secret));
  });

  it('mints the same tokens from two handles that open a new store together (two replicas)', async () => {
    const fresh = await backend.location(dir, 'fresh.db');
    const [a, b] = await Promise.all([Vault.open({ dbPath: fresh, masterKey: key }), Vault.open({ dbPath: fresh, masterKey: key })]);
    const secret = fakeGithubToken();
    const r = { token: a.tokenFor('github-pat', secret), type: 'github-pat', secret, ruleId: 'github-pat', repo: 'acme/api' };
    await a.put([r]);
    expect(b.tokenFor('github-pat', secret)).to.equal(r.token);
    expect((await b.reveal(r.token)).equals(secret)).to.equal(true);
    await a.close();
    await b.close();
  });

  it('mints the same tokens after a restart', async () => {
    const secret = fakeGithubToken();
    const before = vault.tokenFor('github-pat', secret);
    await vault.close();
    vault = await Vault.open({ dbPath, masterKey: key });
    expect(vault.tokenFor('github-pat', secret)).to.equal(before);
  });

  it('has its writes committed to the store when put resolves', async () => {
    const r = record(fakeGithubToken());
    await vault.put([r]);
    const other = await rawDb(dbPath);
    expect(await other.get('SELECT type FROM secrets WHERE token = ?', [r.token])).to.deep.equal({ type: 'github-pat' });
    await other.close();
  });

  it('stores one entry and one occurrence when the same record is put twice', async () => {
    const r = record(fakeGithubToken());
    await vault.put([r, r]);
    const first = await vault.info(r.token);
    await vault.put([r]);
    const second = await vault.info(r.token);
    expect(second).to.deep.equal(first);
    expect(second?.occurrences).to.have.length(1);
  });

  it('keeps the original entry when a token is put again', async () => {
    const secret = fakeGithubToken();
    const r = record(secret);
    await vault.put([r]);
    const db = await rawDb(dbPath);
    const before = await db.get('SELECT iv, ciphertext FROM secrets WHERE token = ?', [r.token]);
    await vault.put([record(secret, { repo: 'acme/web' })]);
    expect(await db.get('SELECT iv, ciphertext FROM secrets WHERE token = ?', [r.token])).to.deep.equal(before);
    await db.close();
  });

  it('records every distinct occurrence, with absent path and commit as null', async () => {
    const secret = fakeGithubToken();
    await vault.put([record(secret), record(secret, { repo: 'acme/web', path: undefined, commitId: undefined, ruleId: 'generic' })]);
    await vault.put([record(secret, { repo: 'acme/web', path: undefined, commitId: undefined, ruleId: 'generic' })]);
    const info = await vault.info(vault.tokenFor('github-pat', secret));
    expect(info?.type).to.equal('github-pat');
    expect(info?.revokedAt).to.equal(null);
    expect(info?.occurrences.map((o) => [o.repo, o.path, o.commitId, o.ruleId])).to.have.deep.members([
      ['acme/api', 'config/.env', 'a'.repeat(40), 'github-pat'],
      ['acme/web', null, null, 'generic'],
    ]);
  });

  it('never includes the secret in info', async () => {
    const secret = fakeGithubToken();
    const r = record(secret);
    await vault.put([r]);
    const text = JSON.stringify(await vault.info(r.token));
    expect(text).not.to.contain(secret.toString('latin1'));
    expect(text).not.to.contain(secret.toString('hex'));
    expect(text).not.to.contain(secret.toString('base64'));
  });

  it('returns undefined from info for an unknown token', async () => {
    expect(await vault.info(vault.tokenFor('github-pat', fakeGithubToken()))).to.equal(undefined);
  });

  it('answers has for stored, unknown and malformed tokens', async () => {
    const r = record(fakeGithubToken());
    await vault.put([r]);
    expect(await vault.has(r.token)).to.equal(true);
    expect(await vault.has(vault.tokenFor('github-pat', fakeGithubToken()))).to.equal(false);
    expect(await vault.has('not a token')).to.equal(false);
  });

  it('refuses a record whose token is not the token of its secret and stores nothing', async () => {
    const good = record(fakeGithubToken());
    const bad = { ...record(fakeGithubToken()), token: good.token.replace('github-pat', 'other') };
    const err = await rejection(vault.put([good, bad]));
    expect(err).to.be.instanceOf(TypeError);
    expect(await vault.has(good.token)).to.equal(false);
  });

  it('refuses a record without repo or ruleId with TypeError', async () => {
    const r = record(fakeGithubToken());
    expect(await rejection(vault.put([{ ...r, repo: '' }]))).to.be.instanceOf(TypeError);
    expect(await rejection(vault.put([{ ...r, ruleId: '' }]))).to.be.instanceOf(TypeError);
  });

  it('stores a large batch in one put', async () => {
    const records = Array.from({ length: 450 }, () => record(fakeGithubToken()));
    await vault.put(records);
    expect(await vault.has(records[449]!.token)).to.equal(true);
    expect((await vault.reveal(records[201]!.token)).equals(records[201]!.secret)).to.equal(true);
  });

  it('throws GITGATE_TOKEN_UNKNOWN when revealing a token it never stored', async () => {
    const err = await rejection(vault.reveal(vault.tokenFor('github-pat', fakeGithubToken())));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_TOKEN_UNKNOWN');
  });

  it('throws GITGATE_TOKEN_UNKNOWN when revealing a string that is not a token', async () => {
    const err = await rejection(vault.reveal('[[TOKEN_x_short]]'));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_TOKEN_UNKNOWN');
  });

  it('refuses to reveal a revoked token with GITGATE_TOKEN_REVOKED', async () => {
    const r = record(fakeGithubToken());
    await vault.put([r]);
    await vault.revoke(r.token);
    const err = await rejection(vault.reveal(r.token));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_TOKEN_REVOKED');
    expect((await vault.info(r.token))?.revokedAt).to.be.a('string');
  });

  it('keeps a token revoked when it is put again', async () => {
    const r = record(fakeGithubToken());
    await vault.put([r]);
    await vault.revoke(r.token);
    await vault.put([r]);
    expect(await rejection(vault.reveal(r.token))).to.have.property('code', 'GITGATE_TOKEN_REVOKED');
  });

  it('keeps the first revocation time when revoked twice', async () => {
    const r = record(fakeGithubToken());
    await vault.put([r]);
    await vault.revoke(r.token);
    const first = (await vault.info(r.token))?.revokedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await vault.revoke(r.token);
    expect((await vault.info(r.token))?.revokedAt).to.equal(first);
  });

  it('throws GITGATE_TOKEN_UNKNOWN when revoking a token it never stored', async () => {
    const err = await rejection(vault.revoke(vault.tokenFor('github-pat', fakeGithubToken())));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_TOKEN_UNKNOWN');
  });

  it('refuses to open with another master key with GITGATE_VAULT_DECRYPT', async () => {
    await vault.put([record(fakeGithubToken())]);
    const err = await rejection(Vault.open({ dbPath, masterKey: masterKey() }));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_VAULT_DECRYPT');
  });

  it('fails to reveal an entry whose ciphertext was altered with GITGATE_VAULT_DECRYPT', async () => {
    const r = record(fakeGithubToken());
    await vault.put([r]);
    const db = await rawDb(dbPath);
    const row = await db.get<{ ciphertext: Buffer }>('SELECT ciphertext FROM secrets WHERE token = ?', [r.token]);
    row!.ciphertext[0] ^= 1;
    await db.run('UPDATE secrets SET ciphertext = ? WHERE token = ?', [row!.ciphertext, r.token]);
    await db.close();
    const err = await rejection(vault.reveal(r.token));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_VAULT_DECRYPT');
  });

  it('fails to reveal an entry moved under another token with GITGATE_VAULT_DECRYPT', async () => {
    const a = record(fakeGithubToken());
    const b = record(fakeGithubToken());
    await vault.put([a, b]);
    const db = await rawDb(dbPath);
    await db.run(`UPDATE secrets SET (iv, ciphertext, tag) = (SELECT iv, ciphertext, tag FROM secrets WHERE token = ?) WHERE token = ?`, [a.token, b.token]);
    await db.close();
    const err = await rejection(vault.reveal(b.token));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_VAULT_DECRYPT');
  });

  describe('rotateKey', () => {
    it('keeps every token and reveals every secret under the new key', async () => {
      const records = [record(fakeGithubToken()), record(fakeAwsKeyId(), { type: 'aws-access-key-id' })];
      await vault.put(records);
      const newKey = masterKey();
      expect(await vault.rotateKey(newKey)).to.deep.equal({ rewrapped: 2 });
      for (const r of records) {
        expect(vault.tokenFor(r.type, r.secret)).to.equal(r.token);
        expect((await vault.reveal(r.token)).equals(r.secret)).to.equal(true);
      }
      await vault.close();
      vault = await Vault.open({ dbPath, masterKey: newKey });
      for (const r of records) {
        expect(vault.tokenFor(r.type, r.secret)).to.equal(r.token);
        expect((await vault.reveal(r.token)).equals(r.secret)).to.equal(true);
      }
    });

    it('leaves the old master key unable to open the vault', async () => {
      await vault.put([record(fakeGithubToken())]);
      await vault.rotateKey(masterKey());
      const err = await rejection(Vault.open({ dbPath, masterKey: key }));
      expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_VAULT_DECRYPT');
    });

    it('re-encrypts revoked entries too and keeps them revoked', async () => {
      const r = record(fakeGithubToken());
      await vault.put([r]);
      await vault.revoke(r.token);
      expect(await vault.rotateKey(masterKey())).to.deep.equal({ rewrapped: 1 });
      expect(await rejection(vault.reveal(r.token))).to.have.property('code', 'GITGATE_TOKEN_REVOKED');
    });

    it('changes nothing when one entry does not open under the current key', async () => {
      const good = record(fakeGithubToken());
      const broken = record(fakeGithubToken());
      await vault.put([good, broken]);
      const db = await rawDb(dbPath);
      await db.run('UPDATE secrets SET tag = ? WHERE token = ?', [Buffer.alloc(16), broken.token]);
      await db.close();
      const err = await rejection(vault.rotateKey(masterKey()));
      expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_VAULT_DECRYPT');
      expect((await vault.reveal(good.token)).equals(good.secret)).to.equal(true);
      await vault.close();
      vault = await Vault.open({ dbPath, masterKey: key });
      expect((await vault.reveal(good.token)).equals(good.secret)).to.equal(true);
    });

    it('keeps puts and reveals racing a rotation consistent', async () => {
      const early = Array.from({ length: 20 }, () => record(fakeGithubToken()));
      await vault.put(early);
      const late = Array.from({ length: 20 }, () => record(fakeGithubToken()));
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < late.length; i++) {
        work.push(vault.put([late[i]!]));
        work.push(vault.reveal(early[i]!.token));
        if (i === 10) work.push(vault.rotateKey(masterKey()));
      }
      await Promise.all(work);
      for (const r of [...early, ...late]) expect((await vault.reveal(r.token)).equals(r.secret)).to.equal(true);
    });

    it('refuses a new key that is not 32 bytes with TypeError', async () => {
      expect(await rejection(vault.rotateKey(Buffer.alloc(31)))).to.be.instanceOf(TypeError);
    });
  });

  describe('close', () => {
    it('refuses tokenFor after close with GITGATE_VAULT_CLOSED', async () => {
      await vault.close();
      expect(() => vault.tokenFor('x', Buffer.from('y'))).to.throw(VaultError).with.property('code', 'GITGATE_VAULT_CLOSED');
    });

    it('refuses reveal after close with GITGATE_VAULT_CLOSED', async () => {
      const r = record(fakeGithubToken());
      await vault.put([r]);
      await vault.close();
      expect(await rejection(vault.reveal(r.token))).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_VAULT_CLOSED');
    });
  });
});
