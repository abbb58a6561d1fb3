// scripts/bench-push.mjs end to end on a tiny generated repository: it pushes through a gateway and
// through git http-backend, and prints both cases with a ratio and the gateway's breakdown. Not timed:
// the figures are printed, never compared with a target.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@gitgate/testkit';

describe('bench:push (scripts/bench-push.mjs) on a 500-object repository', function () {
  this.timeout(120_000);
  let run: { code: number | null; stdout: string; stderr: string };

  before(() => {
    // Nothing else runs in this process meanwhile, so a synchronous child is fine.
    const r = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'bench-push.mjs'), '--objects', '500', '--runs', '1'], { encoding: 'utf8', timeout: 100_000 });
    run = { code: r.status, stdout: r.stdout, stderr: r.stderr };
  });

  it('exits 0 after pushing through both servers', () => {
    expect(run.code, run.stderr.slice(-2000)).to.equal(0);
    expect(run.stderr).to.match(/run 1\/1: new branch gitgate \d+ ms, http-backend \d+ ms/);
  });

  it('prints the new-branch and the fast-forward case, each with both times and a ratio', () => {
    expect(run.stdout).to.match(/^new branch, 1 commit +\d+ ms +\d+ ms +\d+\.\d\d×$/m);
    expect(run.stdout).to.match(/^fast-forward, 1 more commit +\d+ ms +\d+ ms +\d+\.\d\d×$/m);
  });

  it('places every step of the gateway push on its timeline, the sync back included', () => {
    const timeline = run.stdout.slice(run.stdout.indexOf('where a gitgate push'));
    for (const step of ['info/refs answered', 'translation starts', 'git push to upstream starts', 'forced sync back starts', 'sync back finished', 'git push exited']) {
      expect(timeline).to.match(new RegExp(`\\+ *\\d+ ms .*${step}`), step);
    }
  });
});
