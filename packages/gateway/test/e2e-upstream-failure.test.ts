// An upstream that goes away: the client gets a clear error and the served state stays as it was.
// (isomorphic-git and libgit2 as clients: e2e-other-clients.test.ts.)
import { expect } from 'chai';
import fs from 'node:fs';
import { join } from 'node:path';
import { startDemoGateway, gitOk, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';

describe('e2e: an upstream that fails', function () {
  this.timeout(120_000);
  let demo: DemoGateway;
  let work: string;

  before(async () => {
    demo = await startDemoGateway();
    work = tempDir();
  });
  after(async () => {
    await demo.stop();
    cleanup(work);
  });

  it('gives the client a clear error and keeps the previous sanitized state intact', async () => {
    const first = join(work, 'first.git');
    await gitOk(['clone', '-q', '--bare', demo.url, first]);
    const refsBefore = await gitOk(['--git-dir', first, 'show-ref']);
    const sanitizedBefore = await gitOk(['--git-dir', demo.gw.repos.get('acme/api')!.sanitized.gitDir, 'show-ref']);
    fs.renameSync(demo.upstream, demo.upstream + '.gone');
    const { git } = await import('./helpers/harness.js');
    const r = await git(['clone', demo.url, join(work, 'during')]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include('sync of acme/api with its upstream failed');
    expect(await gitOk(['--git-dir', demo.gw.repos.get('acme/api')!.sanitized.gitDir, 'show-ref'])).to.equal(sanitizedBefore);
    fs.renameSync(demo.upstream + '.gone', demo.upstream);
    const after = join(work, 'after.git');
    await gitOk(['clone', '-q', '--bare', demo.url, after]);
    expect(await gitOk(['--git-dir', after, 'show-ref'])).to.equal(refsBefore);
  });
});
