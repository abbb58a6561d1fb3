// scripts/bench.mjs --scan-workers with --cpu-prof end to end on a tiny generated repository: a cold
// sync per thread count, and each isolate's CPU profile (main thread, scan threads) cut by the sync's
// stages. Not timed: the figures are printed, never compared with a target.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '@gitgate/testkit';

interface StageProfile { phase: string; ms: number; totalMs: number; idleMs: number; top: { name: string; selfMs: number }[] }
interface Isolate { isolate: string; stages: StageProfile[] }
interface Result { count: number; stages: { phase: string; ms: number }[]; profile: { dir: string; isolates: Isolate[] } | null }

describe('bench --scan-workers --cpu-prof (scripts/bench.mjs) on a 500-object repository', function () {
  this.timeout(120_000);
  let run: { code: number | null; stdout: string; stderr: string };
  let results: Result[] = [];

  before(() => {
    // Nothing else runs in this process meanwhile, so a synchronous child is fine.
    const r = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'bench.mjs'), '--objects', '500', '--scan-workers', '2', '--sync-only', '--cpu-prof', '--json'], { encoding: 'utf8', timeout: 100_000 });
    run = { code: r.status, stdout: r.stdout, stderr: r.stderr };
    if (r.status === 0) results = (JSON.parse(r.stdout) as { scanWorkers: Result[] }).scanWorkers;
  });

  after(() => {
    // The profiles go under .bench/profiles/<run>/scan-workers-<count>: remove the run's directory.
    for (const r of results) if (r.profile) rmSync(dirname(r.profile.dir), { recursive: true, force: true });
  });

  it('exits 0 with one cold sync and its stages', () => {
    expect(run.code, run.stderr.slice(-2000)).to.equal(0);
    expect(results.map((r) => r.count)).to.deep.equal([2]);
    expect(results[0]!.stages.map((s) => s.phase)).to.include.members(['object list', 'pass 1 scan', 'plan', 'pass 2 rewrite']);
  });

  it('cuts the profile of the main thread and of both scan threads by the same stages', () => {
    const profile = results[0]!.profile!;
    const names = profile.isolates.map((i) => i.isolate);
    expect(names[0]).to.equal('main thread');
    expect(names.filter((n) => /^thread \d+$/.test(n)).length).to.be.at.least(2);
    for (const isolate of profile.isolates) {
      expect(isolate.stages.map((s) => s.phase)).to.deep.equal(results[0]!.stages.map((s) => s.phase));
      for (const s of isolate.stages) {
        expect(s.idleMs).to.be.at.most(s.totalMs + 1e-6);
        // A stage's samples are cut to its window (its wall time, to the log's millisecond).
        expect(s.totalMs).to.be.at.most(s.ms + 1);
      }
    }
    // The scan threads did their work in pass 1: samples that are not idle fall in that stage.
    const threads = profile.isolates.filter((i) => i.isolate !== 'main thread');
    const busy = (i: Isolate, phase: string): number => { const s = i.stages.find((x) => x.phase === phase)!; return s.totalMs - s.idleMs; };
    expect(threads.some((t) => busy(t, 'pass 1 scan') > 0)).to.equal(true);
  });
});
