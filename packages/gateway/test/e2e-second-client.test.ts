import { expect } from 'chai';
import fs from 'node:fs';
import { join } from 'node:path';
import * as isogit from 'isomorphic-git';
import isoHttp from 'isomorphic-git/http/node';
import { startDemoGateway, gitOk, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';

describe('e2e: isomorphic-git as a second, independent client', function () {
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

  it('clones all branches and tags, with the same ids the git client gets', async () => {
    const dir = join(work, 'iso');
    await isogit.clone({ fs, http: isoHttp, dir, url: demo.url, singleBranch: false, noTags: false });
    const head = await isogit.resolveRef({ fs, dir, ref: 'HEAD' });
    const bare = join(work, 'real.git');
    await gitOk(['clone', '-q', '--bare', demo.url, bare]);
    expect(head).to.equal((await gitOk(['--git-dir', bare, 'rev-parse', 'HEAD'])).trim());
    const tags = await isogit.listTags({ fs, dir });
    expect(tags).to.include('v1.0');
    for (const t of tags) {
      const iso = await isogit.resolveRef({ fs, dir, ref: `refs/tags/${t}` });
      expect(iso, t).to.equal((await gitOk(['--git-dir', bare, 'rev-parse', `refs/tags/${t}`])).trim());
    }
    // The checked-out files carry tokens, never the planted values.
    await gitOk(['-C', dir, 'fsck', '--full']);
    const all = await gitOk(['-C', dir, 'cat-file', '--batch-all-objects', '--batch']);
    for (const s of demo.secrets) expect(all.includes(s.value.trim()), s.where).to.equal(false);
  });
});

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
