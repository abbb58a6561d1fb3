// /readyz with a shared database (issue 16): not ready while PostgreSQL cannot be reached, ready again
// once it can. The server is reached through a loopback relay the test cuts and restores, so the
// database goes away for the gateway's connections exactly as a network partition would.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import { AuditLog } from '@gitgate/audit';
import { Vault } from '@gitgate/vault';
import { removeDirs, startPostgres, tempDir } from '@gitgate/testkit';
import { readinessCheck } from '../src/readiness.js';

/** A TCP relay 127.0.0.1:port → `target`; `cut` closes it and every connection through it, `restore` listens again on the same port. */
async function relay(target: number): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const make = (): net.Server => net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (s: net.Server, port: number): Promise<number> => new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port));
  });
  const stop = (s: net.Server): Promise<void> => new Promise((resolve) => {
    s.close(() => resolve());
    for (const sock of sockets) sock.destroy();
  });
  let server = make();
  const port = await listen(server, 0);
  return {
    port,
    cut: () => stop(server),
    restore: async () => {
      server = make();
      await listen(server, port);
    },
    close: () => stop(server),
  };
}

describe('readiness with a shared database', function () {
  this.timeout(60_000);

  it('fails the database check while PostgreSQL is unreachable and passes again once it is back', async () => {
    const pg = await startPostgres();
    const url = new URL(pg.createDatabase());
    const r = await relay(pg.port);
    url.port = String(r.port);
    url.searchParams.set('schema', 'gitgate_vault');
    const dir = tempDir('gitgate-ready-');
    const vault = await Vault.open({ dbPath: url.toString(), masterKey: randomBytes(32) });
    const audit = await AuditLog.open({ path: join(dir, 'audit.db') });
    try {
      const check = readinessCheck(dir, vault, audit);
      expect(await check()).to.deep.equal({});
      await r.cut();
      expect(await check()).to.deep.equal({ database: 'the vault database is not reachable' });
      await r.restore();
      expect(await check()).to.deep.equal({});
    } finally {
      await Promise.all([vault.close(), audit.close()]);
      await r.close();
      removeDirs(dir);
    }
  });
});
