// `gitgate migrate --from-sqlite DIR --to postgres://…` (issue 16): an existing deployment's stores move
// into PostgreSQL with every count checked, and a gateway on PostgreSQL then serves the same ids, reveals
// the same secrets and verifies the same audit chain.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { GIT_ENV, gitAsync, randomChars, startPostgres, tempDir, removeDirs } from '@gitgate/testkit';
import { Vault } from '@gitgate/vault';
import { gitgateAsync, serveProcess } from './bin-helpers.js';

describe('gitgate migrate', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => { dir = tempDir(); });
  after(() => removeDirs(dir));

  it('moves every store into PostgreSQL with matching counts; the gateway on it serves the same ids and chain', async () => {
    const work = path.join(dir, 'work');
    const upstream = path.join(dir, 'upstream.git');
    const secret = `ghp_${randomChars(36)}`;
    fs.mkdirSync(work);
    for (const args of [['init', '--quiet', '-b', 'main', work], ['-C', work, 'config', 'user.email', 'dev@example.com'], ['-C', work, 'config', 'user.name', 'dev']]) await gitAsync(args, { env: GIT_ENV });
    fs.writeFileSync(path.join(work, 'app.env'), `GITHUB_TOKEN=${secret}\n`);
    await gitAsync(['-C', work, 'add', '.'], { env: GIT_ENV });
    await gitAsync(['-C', work, 'commit', '--quiet', '-m', 'configure'], { env: GIT_ENV });
    await gitAsync(['clone', '--quiet', '--bare', work, upstream], { env: GIT_ENV });
    const data = path.join(dir, 'data');
    const base = ['listen: 127.0.0.1:0', `dataDir: ${data}`, 'auth: { mode: none }', 'log: { level: error }', 'repos:', '  - name: acme/api', `    upstream: ${upstream}`];
    fs.writeFileSync(path.join(dir, 'sqlite.yaml'), base.join('\n') + '\n');
    const before = await serveProcess(path.join(dir, 'sqlite.yaml'), dir, 'acme/api');
    const refsBefore = await gitAsync(['ls-remote', before.url], { env: GIT_ENV });
    expect(refsBefore.code, refsBefore.stderr).to.equal(0);
    before.proc.kill('SIGTERM');
    await before.exited;

    const database = (await startPostgres()).createDatabase();
    const migrated = await gitgateAsync(['migrate', '--from-sqlite', data, '--to', database], dir);
    expect(migrated.code, migrated.stderr).to.equal(0);
    expect(migrated.stdout).to.match(/^secrets\t1\t1\tok$/m);
    expect(migrated.stdout).to.include('every count agrees');
    expect(migrated.stdout + migrated.stderr).to.not.include(secret);
    const again = await gitgateAsync(['migrate', '--from-sqlite', data, '--to', database], dir);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include('a migration never merges');

    const keyFile = path.join(data, 'gitgate.key');
    const pgConfig = [...base.slice(0, 4), `database: { url: "${database}" }`, `vault: { key: "file:${keyFile}" }`, `audit: { key: "file:${path.join(data, 'audit.key')}" }`, ...base.slice(4)];
    fs.writeFileSync(path.join(dir, 'pg.yaml'), pgConfig.join('\n').replace(`dataDir: ${data}`, `dataDir: ${path.join(dir, 'data-pg')}`) + '\n');
    const after = await serveProcess(path.join(dir, 'pg.yaml'), dir, 'acme/api');
    let token = '';
    try {
      expect((await gitAsync(['ls-remote', after.url], { env: GIT_ENV })).stdout).to.equal(refsBefore.stdout);
      const clone = path.join(dir, 'clone');
      expect((await gitAsync(['clone', '--quiet', after.url, clone], { env: GIT_ENV })).code).to.equal(0);
      token = /\[\[TOKEN_[^\]]+\]\]/.exec(fs.readFileSync(path.join(clone, 'app.env'), 'utf8'))?.[0] ?? '';
    } finally {
      after.proc.kill('SIGTERM');
      await after.exited;
    }
    const verify = await gitgateAsync(['audit', 'verify', '--config', path.join(dir, 'pg.yaml')], dir);
    expect(verify.code, verify.stderr + verify.stdout).to.equal(0);
    const vault = await Vault.open({ dbPath: database, masterKey: Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'hex') });
    try {
      expect((await vault.reveal(token)).toString('utf8')).to.equal(secret);
    } finally {
      await vault.close();
    }
  });
});
