// scripts/bench-push.mjs end to end on a tiny generated repository: it pushes through a gateway and
// through git http-backend, and prints both cases with a ratio and the gateway's breakdown. Not timed:
// the figures are printed, never compared with a target.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@gitgate/testkit';

function runScript(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'scripts', 'bench-push.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench:push (scripts/bench-push.mjs) on a 500-object repository', function () {
  this.timeout(120_000);
  let run: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    run = await runScript(['--objects', '500', '--runs', '1']);
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
