// An upstream that goes away: the client gets a clear error and the served state stays as it was.
// (isomorphic-git and libgit2 as clients: e2e-other-clients.test.ts.)
import { expect } from 'chai';
import fs from 'node:fs';
import { join } from 'node:path';
import { gitOk, demoGatewayPerSuite } from './helpers/harness.js';

describe('e2e: an upstream that fails', function () {
  this.timeout(120_000);
  const suite = demoGatewayPerSuite();

  it('gives the client a clear error and keeps the previous sanitized state intact', async () => {
    const first = join(suite.work, 'first.git');
    await gitOk(['clone', '-q', '--bare', suite.demo.url, first]);
    const refsBefore = await gitOk(['--git-dir', first, 'show-ref']);
    const sanitizedBefore = await gitOk(['--git-dir', suite.demo.gw.repos.get('acme/api')!.sanitized.gitDir, 'show-ref']);
    fs.renameSync(suite.demo.upstream, suite.demo.upstream + '.gone');
    const { git } = await import('./helpers/harness.js');
    const r = await git(['clone', suite.demo.url, join(suite.work, 'during')]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include("gitgate: acme/api: the upstream repository was not found; ask the gateway's administrators");
    expect(r.stderr).to.not.include(suite.demo.upstream);
    expect(await gitOk(['--git-dir', suite.demo.gw.repos.get('acme/api')!.sanitized.gitDir, 'show-ref'])).to.equal(sanitizedBefore);
    fs.renameSync(suite.demo.upstream + '.gone', suite.demo.upstream);
    const after = join(suite.work, 'after.git');
    await gitOk(['clone', '-q', '--bare', suite.demo.url, after]);
    expect(await gitOk(['--git-dir', after, 'show-ref'])).to.equal(refsBefore);
  });
});
