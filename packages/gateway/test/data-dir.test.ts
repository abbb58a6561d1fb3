// The data directory's layout is named once, in DataDir.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tempDir, removeDirs } from '@gitgate/testkit';
import { DataDir, startGateway } from '../src/index.js';

describe('DataDir', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('gitgate-datadir-'); });
  afterEach(() => removeDirs(dir));

  it('names each file of the data directory under its root, and each repository flat below repos/', () => {
    const d = new DataDir(join(dir, 'data'));
    const files = [d.keyFile, d.vaultDb, d.mirrorDb, d.auditDb, d.auditKeyFile, d.accessDb, d.webhookDb, d.lockFile, d.reposDir, d.auditExportsDir, d.tlsSelfSignedCert, d.tlsSelfSignedKey];
    for (const f of files) expect(f.startsWith(d.root + '/'), f).to.equal(true);
    expect(new Set(files).size).to.equal(files.length);
    expect(d.repoDir('acme/api')).to.equal(join(d.reposDir, 'acme%2Fapi'));
    expect(d.repoDir('../x')).to.equal(join(d.reposDir, '..%2Fx'));
  });

  it('is the only place a running gateway takes the names of its files from', async () => {
    const d = new DataDir(join(dir, 'data'));
    const gw = await startGateway({ port: 0, dataDir: d.root, auth: { mode: 'none' }, repos: [] });
    const whileRunning = readdirSync(d.root);
    await gw.close();
    const named = new Set([d.keyFile, d.vaultDb, d.mirrorDb, d.auditDb, d.auditKeyFile, d.lockFile].map((f) => basename(f)));
    // SQLite's WAL and shared-memory files sit beside the database they belong to.
    const unnamed = whileRunning.filter((f) => !named.has(f.replace(/-(wal|shm|journal)$/, '')));
    expect(unnamed).to.deep.equal([]);
    for (const f of named) expect(whileRunning, f).to.include(f);
  });
});
