import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Vault, loadOrCreateKey } from '@gitgate/vault';
import { AuditLog } from '@gitgate/audit';
import { startGateway } from '@gitgate/gateway';
import { startPostgres } from '@gitgate/testkit';
import { rotateVaultKey, vaultCommand } from '../src/vault-command.js';
import { storeLocation } from '../src/store-location.js';
import { auditCommand } from '../src/audit-command.js';

const sink = (): Writable => new Writable({ write(_c, _e, cb) { cb(); } });

describe('gitgate vault rotate-key', () => {
  it('re-encrypts every entry under a new key file, keeps tokens, and audits the rotation', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    try {
      const keyPath = path.join(dir, 'gitgate.key');
      const oldKey = await loadOrCreateKey(keyPath);
      const vault = await Vault.open({ dbPath: path.join(dir, 'vault.db'), masterKey: oldKey });
      const secrets = Array.from({ length: 25 }, () => Buffer.from('pw-' + randomBytes(12).toString('hex')));
      const tokens = secrets.map((s) => vault.tokenFor('generic-secret', s));
      await vault.put(secrets.map((secret, i) => ({ token: tokens[i]!, type: 'generic-secret', secret, ruleId: 'r', repo: 'acme/api' })));
      await vault.close();

      expect(await vaultCommand(['rotate-key', '--data', dir], sink(), sink())).to.equal(0);
      const newKey = await loadOrCreateKey(keyPath);
      expect(newKey.equals(oldKey)).to.equal(false);
      expect((fs.statSync(keyPath).mode & 0o777).toString(8)).to.equal('600');
      const reopened = await Vault.open({ dbPath: path.join(dir, 'vault.db'), masterKey: newKey });
      for (let i = 0; i < secrets.length; i++) {
        expect(reopened.tokenFor('generic-secret', secrets[i]!)).to.equal(tokens[i]);
        expect((await reopened.reveal(tokens[i]!)).equals(secrets[i]!)).to.equal(true);
      }
      await reopened.close();
      let oldRefused = false;
      await Vault.open({ dbPath: path.join(dir, 'vault.db'), masterKey: oldKey }).then((v) => v.close(), () => { oldRefused = true; });
      expect(oldRefused).to.equal(true);
      const audit = await AuditLog.open({ path: path.join(dir, 'audit.db') });
      const admin = await audit.adminActions({});
      await audit.close();
      expect(JSON.stringify(admin)).to.include('key-rotation');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('store locations of the admin commands', () => {
  it('uses the SQLite file in the data dir unless the config names a database', () => {
    expect(storeLocation(undefined, '/data/vault.db')).to.equal('/data/vault.db');
    expect(storeLocation({ dataDir: '/data' }, '/data/vault.db')).to.equal('/data/vault.db');
    expect(storeLocation({ database: { url: 'postgres://db.internal/gitgate' } }, '/data/vault.db')).to.equal('postgres://db.internal/gitgate');
  });

  it('puts the resolved database password, encoded, and the pool size into the location', () => {
    const password = ['p', '@ss:w', '/rd'].join('');
    const location = storeLocation({ database: { url: 'postgres://gitgate@db.internal:5432/gitgate', password, pool: 4 } }, '/data/vault.db');
    const url = new URL(location);
    expect(decodeURIComponent(url.password)).to.equal(password);
    expect([url.username, url.host, url.pathname, url.searchParams.get('pool')]).to.deep.equal(['gitgate', 'db.internal:5432', '/gitgate', '4']);
  });

  it('rotates the key of a vault kept in PostgreSQL and audits it there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    try {
      const url = (await startPostgres()).createDatabase();
      const keyPath = path.join(dir, 'gitgate.key');
      const oldKey = await loadOrCreateKey(keyPath);
      const vault = await Vault.open({ dbPath: url, masterKey: oldKey });
      const secret = Buffer.from('pw-' + randomBytes(12).toString('hex'));
      const token = vault.tokenFor('generic-secret', secret);
      await vault.put([{ token, type: 'generic-secret', secret, ruleId: 'r', repo: 'acme/api' }]);
      await vault.close();
      expect(await rotateVaultKey({ vault: url, audit: url }, keyPath, sink(), undefined)).to.equal(0);
      const reopened = await Vault.open({ dbPath: url, masterKey: await loadOrCreateKey(keyPath) });
      expect((await reopened.reveal(token)).equals(secret)).to.equal(true);
      await reopened.close();
      const audit = await AuditLog.open({ path: url });
      const admin = await audit.adminActions({});
      await audit.close();
      expect(admin.map((r) => r.action)).to.deep.equal(['key-rotation']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('commands that need the gateway stopped', () => {
  const collect = (): Writable & { text: string } => {
    const w = new Writable({ write(c, _e, cb) { w.text += String(c); cb(); } }) as Writable & { text: string };
    w.text = '';
    return w;
  };

  it('refuses vault rotate-key and audit purge while a gateway holds the data directory, and changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    const gw = await startGateway({ port: 0, dataDir: dir, auth: { mode: 'none' }, repos: [] });
    try {
      const keyBefore = fs.readFileSync(path.join(dir, 'gitgate.key'));
      const err = collect();
      expect(await vaultCommand(['rotate-key', '--data', dir], sink(), err)).to.equal(1);
      expect(err.text).to.include('in use by gitgate gateway process');
      expect(fs.readFileSync(path.join(dir, 'gitgate.key')).equals(keyBefore)).to.equal(true);
      const err2 = collect();
      expect(await auditCommand(['purge', '--data', dir, '--before', '1d', '--export', path.join(dir, 'x.jsonl')], sink(), err2)).to.equal(1);
      expect(err2.text).to.include('in use by gitgate gateway process');
      expect(fs.existsSync(path.join(dir, 'x.jsonl'))).to.equal(false);
    } finally {
      await gw.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
