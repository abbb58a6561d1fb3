// Two replicas (issue 16): separate data dirs, one PostgreSQL database, the same upstream on disk and
// the same keys: a clone is served from PostgreSQL stores, and the audit of both stays one chain.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startPostgres } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { allObjects, cleanup, gitOk, startDemoGateway, tempDir, type DemoGateway } from './helpers/harness.js';

describe('e2e: two replicas on one PostgreSQL database', function () {
  this.timeout(180_000);
  let a: DemoGateway;
  let b: Gateway;
  let work: string;

  before(async () => {
    const database = { url: (await startPostgres()).createDatabase() };
    const keys = { masterKey: randomBytes(32), auditKey: randomBytes(32) };
    a = await startDemoGateway({ database, ...keys });
    b = await startGateway({ port: 0, dataDir: join(a.dir, 'data-b'), auth: { mode: 'none' }, coalesceMs: 0, repos: [{ name: 'acme/api', upstream: { url: a.upstream } }], database, ...keys });
    work = tempDir();
  });
  after(async () => {
    await b?.close();
    await a?.stop();
    if (work) cleanup(work);
  });

  it('serves a clone from a replica whose every store is in PostgreSQL, without a planted secret', async () => {
    const clone = join(work, 'clone');
    await gitOk(['clone', '--quiet', a.url, clone]);
    expect(await gitOk(['-C', clone, 'rev-parse', 'HEAD'])).to.match(/^[0-9a-f]{40}\n$/);
    const objects = await allObjects(join(clone, '.git'));
    for (const secret of a.secrets) expect(objects.includes(secret.value.trim()), secret.type).to.equal(false);
  });

  it('keeps one audit chain over the records both replicas wrote', async () => {
    for (let i = 0; i < 10; i++) {
      a.gw.audit.record({ kind: 'admin', actor: 'replica-a', data: { action: 'replica-test', i } });
      b.audit.record({ kind: 'admin', actor: 'replica-b', data: { action: 'replica-test', i } });
    }
    await Promise.all([a.gw.audit.flush(), b.audit.flush()]);
    const actors = new Set((await b.audit.adminActions({ limit: 100 })).map((r) => r.actor));
    expect([...actors].filter((x) => x.startsWith('replica-')).sort()).to.deep.equal(['replica-a', 'replica-b']);
    const result = await b.audit.verify();
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.checked).to.be.greaterThan(2);
  });
});
