// What a git client is told when a repository's upstream fails: the repository and the kind of failure,
// never the upstream's path, URL or host (ARCHITECTURE invariant 4); the detail goes to the log and the audit.
import { expect } from 'chai';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Logger } from '@gitgate/log';
import { startGateway, type Gateway } from '../src/index.js';
import { cleanup, git, tempDir, type GitResult } from './helpers/harness.js';
import { query } from './helpers/sqlite-rows.js';

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('e2e: the error text of a failed upstream', function () {
  this.timeout(60_000);
  let dir: string;
  let gw: Gateway;
  let missing: string;
  let hostPort: string;
  let missingClone: GitResult;
  let offlineClone: GitResult;
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, meta?: object): void => { lines.push(`${level} ${msg} ${JSON.stringify(meta ?? {})}`); };
  const logger: Logger = { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };

  before(async () => {
    dir = tempDir();
    missing = path.join(dir, 'srv', 'git', 'gone.git');
    hostPort = `127.0.0.1:${await closedPort()}`;
    gw = await startGateway({
      port: 0, dataDir: path.join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, logger,
      repos: [{ name: 'acme/missing', upstream: { url: missing } }, { name: 'acme/offline', upstream: { url: `http://${hostPort}/offline.git` } }],
    });
    // One clone of each: the client's answer, the log and the audit of the same failed syncs.
    [missingClone, offlineClone] = await Promise.all([
      git(['clone', `${gw.url}/acme/missing.git`, path.join(dir, 'clone-missing')]),
      git(['clone', `${gw.url}/acme/offline.git`, path.join(dir, 'clone-offline')]),
    ]);
  });
  after(async () => {
    await gw?.close();
    cleanup(dir);
  });

  /** The sync audit records of `repo`, their data parsed. */
  async function syncRecords(repo: string): Promise<Record<string, unknown>[]> {
    await gw.audit.flush();
    const rows = await query<{ data: string }>(path.join(dir, 'data', 'audit.db'), "SELECT data FROM records WHERE kind = 'sync' AND repo = ?", [repo]);
    return rows.map((r) => JSON.parse(r.data) as Record<string, unknown>);
  }

  it('tells the client of an upstream path that holds nothing its repository and "not found", without the path', () => {
    const r = missingClone;
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include("gitgate: acme/missing: the upstream repository was not found; ask the gateway's administrators");
    expect(r.stderr).to.not.include(missing);
    expect(r.stderr).to.not.include('/srv/git');
    expect(r.stderr).to.not.include('ls-remote');
  });

  it('tells the client of an unreachable http upstream its repository and "could not be reached", without the host and port', () => {
    const r = offlineClone;
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include('gitgate: acme/offline: the upstream repository could not be reached; try again later');
    expect(r.stderr).to.not.include(hostPort);
    expect(r.stderr).to.not.include('Failed to connect');
  });

  it('keeps the upstream path and host in the log for the operators', () => {
    const failures = lines.filter((l) => l.startsWith('error sync failed'));
    expect(failures.some((l) => l.includes(missing))).to.equal(true);
    expect(failures.some((l) => l.includes(hostPort))).to.equal(true);
  });

  it('keeps the full failure in the sync audit records', async () => {
    const [miss] = await syncRecords('acme/missing');
    expect(miss).to.include({ outcome: 'error', errorCode: 'GITGATE_UPSTREAM_FAILED' });
    expect(miss!.error).to.include(missing);
    const [off] = await syncRecords('acme/offline');
    expect(off).to.include({ outcome: 'error', errorCode: 'GITGATE_UPSTREAM_FAILED' });
    expect(off!.error).to.include(hostPort);
  });
});
