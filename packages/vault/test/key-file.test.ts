import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { VaultError, loadOrCreateKey } from '../src/index.js';
import { rejection, tempDir } from './helpers.js';

describe('loadOrCreateKey', () => {
  let dir: string;
  let keyPath: string;
  beforeEach(() => {
    dir = tempDir();
    keyPath = path.join(dir, 'gitgate.key');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a missing key file with mode 0600 holding 64 hex characters and a newline', async () => {
    const key = await loadOrCreateKey(keyPath);
    expect(key).to.have.length(32);
    expect(fs.statSync(keyPath).mode & 0o777).to.equal(0o600);
    expect(fs.readFileSync(keyPath, 'latin1')).to.equal(`${key.toString('hex')}\n`);
  });

  it('returns the same key on every later call', async () => {
    const first = await loadOrCreateKey(keyPath);
    expect((await loadOrCreateKey(keyPath)).equals(first)).to.equal(true);
  });

  it('creates missing parent directories owner-only', async () => {
    const nested = path.join(dir, 'a', 'b', 'gitgate.key');
    await loadOrCreateKey(nested);
    expect(fs.statSync(path.join(dir, 'a', 'b')).mode & 0o777).to.equal(0o700);
  });

  it('gives concurrent first callers one and the same key', async () => {
    const keys = await Promise.all([1, 2, 3, 4, 5, 6].map(() => loadOrCreateKey(keyPath)));
    for (const k of keys) expect(k.equals(keys[0]!)).to.equal(true);
  });

  it('leaves no temporary file behind', async () => {
    await Promise.all([1, 2, 3].map(() => loadOrCreateKey(keyPath)));
    expect(fs.readdirSync(dir)).to.deep.equal(['gitgate.key']);
  });

  it('reads an existing key written by an operator', async () => {
    const key = randomBytes(32);
    fs.writeFileSync(keyPath, `${key.toString('hex').toUpperCase()}\n`, { mode: 0o600 });
    expect((await loadOrCreateKey(keyPath)).equals(key)).to.equal(true);
  });

  it('refuses a group-readable key file with GITGATE_KEY_PERMISSIONS', async () => {
    await loadOrCreateKey(keyPath);
    fs.chmodSync(keyPath, 0o640);
    const err = await rejection(loadOrCreateKey(keyPath));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_KEY_PERMISSIONS');
  });

  it('refuses a world-readable key file with GITGATE_KEY_PERMISSIONS', async () => {
    await loadOrCreateKey(keyPath);
    fs.chmodSync(keyPath, 0o604);
    const err = await rejection(loadOrCreateKey(keyPath));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_KEY_PERMISSIONS');
  });

  it('refuses malformed content with GITGATE_KEY_INVALID without quoting it', async () => {
    const bad = [
      randomBytes(31).toString('hex') + '\n',
      randomBytes(32).toString('hex').slice(0, 63) + 'g\n',
      randomBytes(32).toString('hex') + '\nextra',
      ' ' + randomBytes(32).toString('hex') + '\n',
      '',
    ];
    for (const content of bad) {
      fs.rmSync(keyPath, { force: true });
      fs.writeFileSync(keyPath, content, { mode: 0o600 });
      const err = await rejection(loadOrCreateKey(keyPath));
      expect(err, JSON.stringify(content)).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_KEY_INVALID');
      if (content.length > 8) expect((err as Error).message).not.to.contain(content.trim().slice(0, 16));
    }
  });

  it('refuses a directory in place of the key file with GITGATE_KEY_INVALID', async () => {
    fs.mkdirSync(keyPath, { mode: 0o700 });
    const err = await rejection(loadOrCreateKey(keyPath));
    expect(err).to.be.instanceOf(VaultError).with.property('code', 'GITGATE_KEY_INVALID');
  });
});
