// Scale-out wiring (issue 16): with a database, every shared store opens in it,
// and a replica never creates a key of its own.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PushApprovalService, WebhookQueue, Policy, pushNotification, type PushApprovalEvent } from '@gitgate/access';
import { rejection, removeDirs, startPostgres, tempDir } from '@gitgate/testkit';
import { DataDir, startGateway, storeLocations } from '../src/index.js';

describe('store locations', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('gitgate-stores-'); });
  afterEach(() => removeDirs(dir));

  it('keeps every store a SQLite file of the data directory when no database is configured', () => {
    const d = new DataDir(dir);
    expect(storeLocations(d)).to.deep.equal({ vault: d.vaultDb, idMap: d.mirrorDb, audit: d.auditDb, access: d.accessDb, webhook: d.webhookDb });
  });

  it('opens every store in the configured database, URL as given, like the admin commands', () => {
    const url = 'postgres://gitgate@db.internal:5432/gitgate?pool=8&sslmode=verify-full';
    expect(new Set(Object.values(storeLocations(new DataDir(dir), url)))).to.deep.equal(new Set([url]));
  });

  it('lets two replicas\' access stores opened at the wired locations share requests and queued deliveries', async () => {
    const url = (await startPostgres()).createDatabase();
    const [a, b] = [storeLocations(new DataDir(join(dir, 'a')), url), storeLocations(new DataDir(join(dir, 'b')), url)];
    const policy = new Policy({ repos: [{ name: 'acme/api', readers: ['agents'], writers: ['agents'] }], detokenize: { requesters: ['agents'], approvers: ['sec'], minApprovals: 1, requireReason: false, requestTtlMs: 3600e3, grantTtlMs: 3600e3, oneTimeReveal: true }, admins: [] });
    const events: PushApprovalEvent[] = [];
    const [pa, pb] = await Promise.all([PushApprovalService.open({ dbPath: a!.access, policy, events: (e) => events.push(e) }), PushApprovalService.open({ dbPath: b!.access, policy })]);
    const [qa, qb] = await Promise.all([WebhookQueue.open({ dbPath: a!.webhook }), WebhookQueue.open({ dbPath: b!.webhook })]);
    try {
      const held = await pa.hold({ subject: 'agent-7', groups: ['agents'] }, { id: 'c0ffee00-0000-4000-8000-000000000001', repo: 'acme/api', refs: [{ ref: 'refs/heads/agent/x', oldId: '0'.repeat(40), newId: 'a'.repeat(40) }], commits: 1, tokensRestored: [] });
      expect((await pb.get({ subject: 'bob', groups: ['sec'] }, held.id)).status).to.equal('pending');
      await qa.enqueue(pushNotification(events[0]!));
      expect(await qb.pending()).to.equal(1);
    } finally {
      await Promise.all([pa.close(), pb.close(), qa.close(), qb.close()]);
    }
  });

  it('refuses to start with a database but no vault key given, and creates no key file', async () => {
    const data = join(dir, 'data');
    const err = await rejection(startGateway({ port: 0, dataDir: data, auth: { mode: 'none' }, repos: [], database: { url: 'postgres://gitgate@127.0.0.1:9/none' }, auditKey: randomBytes(32) }));
    expect(err).to.include({ code: 'GITGATE_CONFIG' });
    expect((err as Error).message).to.match(/vault key must be given/);
    expect(existsSync(new DataDir(data).keyFile)).to.equal(false);
  });
});
