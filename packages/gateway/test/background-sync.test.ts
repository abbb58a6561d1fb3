import { expect } from 'chai';
import { join } from 'node:path';
import { startDemoGateway, demoFixtures, gitOk, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';

/** Polls `check` until it is true (or fails after `ms`). */
async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('background syncs', function () {
  this.timeout(120_000);
  let demo: DemoGateway | undefined;
  let work: string;

  beforeEach(() => {
    work = tempDir();
  });
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
    cleanup(work);
  });

  it('rewrites every repository right after start, before any clone asks, and audits the sync', async () => {
    demo = await startDemoGateway({ backgroundSync: { onStart: true } });
    const mirror = demo.gw.repos.get('acme/api')!;
    await until(() => mirror.lastSync !== null);
    expect(mirror.lastSync!.objects).to.be.greaterThan(0);
    await demo.gw.audit.flush();
    const syncs = await demo.gw.audit.syncs({ repo: 'acme/api' });
    expect(syncs.map((s) => s.outcome)).to.deep.equal(['ok']);
    expect(syncs[0].objects).to.equal(mirror.lastSync!.objects);
    // A clone now is served from the synced store with the same ids.
    const refs = await gitOk(['--git-dir', mirror.sanitized.gitDir, 'show-ref']);
    const dest = join(work, 'clone');
    await gitOk(['clone', '-q', '--bare', demo.url, dest]);
    expect(await gitOk(['--git-dir', dest, 'show-ref'])).to.equal(refs);
  });

  it('follows upstream on its interval without any request', async () => {
    demo = await startDemoGateway({ backgroundSync: { onStart: true, intervalMs: 150 } });
    const mirror = demo.gw.repos.get('acme/api')!;
    await until(() => mirror.lastSync !== null);
    const before = await gitOk(['--git-dir', mirror.sanitized.gitDir, 'show-ref']);
    await (await demoFixtures()).advanceDemoRepo(demo.upstream, { seed: '5eed' });
    await until(async () => (await gitOk(['--git-dir', mirror.sanitized.gitDir, 'show-ref'])) !== before);
    expect(await gitOk(['--git-dir', mirror.sanitized.gitDir, 'show-ref'])).to.include('refs/tags/v1.1');
  });

  it('keeps a failing upstream from stopping the gateway, and records the failure', async () => {
    demo = await startDemoGateway({ backgroundSync: { onStart: false, intervalMs: 100 } });
    await gitOk(['--git-dir', demo.upstream, 'rev-parse', 'HEAD']);
    cleanup(demo.upstream);
    await until(async () => {
      await demo!.gw.audit.flush();
      return (await demo!.gw.audit.syncs({ repo: 'acme/api' })).some((s) => s.outcome === 'error');
    });
    const health = await fetch(`${demo.gw.url}/healthz`);
    expect(health.status).to.equal(200);
  });

  it('closes while a background sync is still running', async () => {
    demo = await startDemoGateway({ backgroundSync: { onStart: true } });
    const mirror = demo.gw.repos.get('acme/api')!;
    await until(() => mirror.syncing);
    await demo.stop();
    demo = undefined;
  });

  it('does nothing in the background by default', async () => {
    demo = await startDemoGateway();
    await new Promise((r) => setTimeout(r, 400));
    expect(demo.gw.repos.get('acme/api')!.lastSync).to.equal(null);
    expect(demo.gw.repos.get('acme/api')!.syncing).to.equal(false);
    await demo.gw.audit.flush();
    expect(await demo.gw.audit.syncs({ repo: 'acme/api' })).to.deep.equal([]);
  });
});
