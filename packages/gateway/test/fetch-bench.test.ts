// scripts/bench-fetch.mjs end to end on a tiny generated repository: the 1-commit fetch through a gateway
// and through git http-backend, with the ratio and the gateway's sync by phase. Not timed: the figures
// are printed, never compared with a target.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@gitgate/testkit';

describe('bench:fetch (scripts/bench-fetch.mjs) on a 500-object repository', function () {
  this.timeout(120_000);
  let run: { code: number | null; stdout: string; stderr: string };

  before(() => {
    // Nothing else runs in this process meanwhile, so a synchronous child is fine.
    const r = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'bench-fetch.mjs'), '--objects', '500', '--runs', '2', '--warmup', '1'], { encoding: 'utf8', timeout: 100_000 });
    run = { code: r.status, stdout: r.stdout, stderr: r.stderr };
  });

  it('exits 0 after both clones moved by exactly the new commit in every run', () => {
    expect(run.code, run.stderr.slice(-2000)).to.equal(0);
  });

  it('prints both medians with their ratio and a sync of a few objects per fetch', () => {
    expect(run.stdout).to.match(/^1-commit fetch, median of 2: gitgate \d+\.\d{3} s, http-backend \d+\.\d{3} s, \d+\.\d\d×$/m);
    expect(run.stdout).to.match(/^syncs: \d objects in \d+ ms; \d objects in \d+ ms$/m);
    expect(run.stdout).to.match(/^untimed warm-up rounds before these: 1$/m);
  });

  it('lists the sync phases of the incremental path, the copy into the rewrite pack included', () => {
    for (const phase of ['fetch', 'object list', 'pass 1 scan', 'copy unchanged', 'vault and pack', 'id map commit']) {
      expect(run.stdout).to.match(new RegExp(`^${phase} +\\d+(\\.5)? +\\d+, \\d+$`, 'm'), phase);
    }
  });

  it('lists the time of each git request of a fetch inside the gateway: the advertisement with its sync, ls-refs and the fetch', () => {
    const requests = run.stdout.slice(run.stdout.indexOf('gitgate request'));
    for (const endpoint of ['info/refs', 'ls-refs', 'fetch']) {
      expect(requests).to.match(new RegExp(`^${endpoint} +\\d+(\\.5)? +\\d+, \\d+$`, 'm'), endpoint);
    }
  });
});
