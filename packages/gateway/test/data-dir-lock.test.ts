import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '../src/errors.js';
import { lockDataDir, LOCK_FILE, startGateway } from '../src/index.js';

describe('data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gitgate-lock-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const refused = (f: () => unknown): GatewayError => {
    try {
      f();
    } catch (e) {
      expect(e).to.be.instanceOf(GatewayError);
      expect((e as GatewayError).code).to.equal('GITGATE_DATA_DIR_IN_USE');
      return e as GatewayError;
    }
    throw new Error('the lock was granted twice');
  };

  it('refuses a second holder and names the first one', () => {
    const lock = lockDataDir(dir);
    const e = refused(() => lockDataDir(dir, { purpose: 'vault rotate-key' }));
    expect(e.message).to.include(`process ${process.pid} on ${hostname()}`).and.include('gateway');
    lock.release();
  });

  it('is free again once released, and release removes the file', () => {
    lockDataDir(dir).release();
    expect(existsSync(join(dir, LOCK_FILE))).to.equal(false);
    const again = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).to.equal(process.pid);
    again.release();
  });

  it('takes over a lock whose process on this host has exited', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: Number(dead), host: hostname(), purpose: 'gateway', since: 'then', nonce: 'x' }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).to.equal(process.pid);
    lock.release();
  });

  it('refuses a lock held by a live process on this host', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, host: hostname(), purpose: 'gateway', since: 'now', nonce: 'y' }));
      expect(refused(() => lockDataDir(dir)).message).to.include(`process ${child.pid}`);
    } finally {
      child.kill();
    }
  });

  it('respects a fresh lock of another host and takes over one nobody refreshed', () => {
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'other-pod', purpose: 'gateway', since: 'then', nonce: 'z' }));
    refused(() => lockDataDir(dir, { refreshMs: 1000 }));
    const old = new Date(Date.now() - 10_000);
    utimesSync(path, old, old);
    const lock = lockDataDir(dir, { refreshMs: 1000 });
    expect(JSON.parse(readFileSync(path, 'utf8')).host).to.equal(hostname());
    lock.release();
  });

  it('leaves a lock that is no longer its own in place on release', () => {
    const lock = lockDataDir(dir);
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'other-pod', purpose: 'gateway', since: 'then', nonce: 'w' }));
    lock.release();
    expect(existsSync(path)).to.equal(true);
  });

  it('keeps a second gateway off a data directory in use, and lets it start after the first closed', async function () {
    this.timeout(20_000);
    const opts = { port: 0, dataDir: dir, auth: { mode: 'none' as const }, repos: [] };
    const first = await startGateway(opts);
    try {
      let err: unknown;
      await startGateway(opts).then((g) => g.close(), (e: unknown) => { err = e; });
      expect((err as GatewayError).code).to.equal('GITGATE_DATA_DIR_IN_USE');
    } finally {
      await first.close();
    }
    const second = await startGateway(opts);
    await second.close();
    expect(existsSync(join(dir, LOCK_FILE))).to.equal(false);
  });
});
