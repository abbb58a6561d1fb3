import { expect } from 'chai';
import { join } from 'node:path';
import { startDemoGateway, demoFixtures, git, gitOk, allObjects, tempDir, cleanup, type DemoGateway, type PlantedSecret } from './helpers/harness.js';

describe('e2e: shallow, partial and incremental fetches', function () {
  this.timeout(120_000);
  let demo: DemoGateway;
  let work: string;
  const planted: PlantedSecret[] = [];

  before(async () => {
    demo = await startDemoGateway();
    planted.push(...demo.secrets);
    work = tempDir();
  });
  after(async () => {
    await demo.stop();
    cleanup(work);
  });

  const expectSecretFree = async (gitDir: string): Promise<void> => {
    const text = await allObjects(gitDir);
    for (const s of planted) expect(text.includes(s.value.trim()), `planted ${s.type} (${s.where}) leaked`).to.equal(false);
  };
  const countCommits = async (dir: string): Promise<number> => Number((await gitOk(['-C', dir, 'rev-list', '--count', 'HEAD'])).trim());

  it('clones with --depth 1, deepens by 2, then unshallows', async () => {
    const dest = join(work, 'shallow');
    await gitOk(['clone', '-q', '--depth', '1', demo.url, dest]);
    expect(await countCommits(dest)).to.equal(1);
    await gitOk(['-C', dest, 'fetch', '-q', '--deepen', '2']);
    // The oracle: the same depth cloned straight from upstream.
    const direct = join(work, 'shallow-direct');
    await gitOk(['clone', '-q', '--depth', '3', `file://${demo.upstream}`, direct]);
    expect(await countCommits(dest)).to.equal(await countCommits(direct));
    expect(await countCommits(dest)).to.be.greaterThan(1);
    await gitOk(['-C', dest, 'fetch', '-q', '--unshallow']);
    const full = Number((await gitOk(['--git-dir', demo.upstream, 'rev-list', '--count', 'HEAD'])).trim());
    expect(await countCommits(dest)).to.equal(full);
    await gitOk(['-C', dest, 'fsck', '--full']);
    await expectSecretFree(join(dest, '.git'));
  });

  it('clones with --depth 1 over protocol v0', async () => {
    const dest = join(work, 'shallow-v0');
    await gitOk(['-c', 'protocol.version=0', 'clone', '-q', '--depth', '1', demo.url, dest]);
    expect(await countCommits(dest)).to.equal(1);
    await expectSecretFree(join(dest, '.git'));
  });

  for (const [label, args] of [
    ['--shallow-since (deepen-since)', ['--shallow-since', '2024-01-05']],
    ['--shallow-exclude (deepen-not)', ['--shallow-exclude', 'v1.0']],
  ] as const) {
    for (const v of ['2', '0']) {
      it(`clones with ${label} over protocol v${v} to the same depth as upstream gives`, async () => {
        const dest = join(work, `since-${label.length}-${v}`);
        const direct = join(work, `since-direct-${label.length}-${v}`);
        const r = await git(['-c', `protocol.version=${v}`, 'clone', '-q', ...args, demo.url, dest]);
        const d = await git(['-c', `protocol.version=${v}`, 'clone', '-q', ...args, `file://${demo.upstream}`, direct]);
        expect(r.code, r.stderr).to.equal(d.code);
        if (d.code === 0) {
          expect(await countCommits(dest)).to.equal(await countCommits(direct));
          await expectSecretFree(join(dest, '.git'));
        }
      });
    }
  }

  it('clones with --filter=blob:none and lazily fetches blobs to check out an old tag', async () => {
    const dest = join(work, 'partial');
    await gitOk(['clone', '-q', '--filter=blob:none', demo.url, dest]);
    const before = await gitOk(['-C', dest, 'rev-list', '--objects', '--all', '--missing=print']);
    expect(before).to.match(/^\?[0-9a-f]{40}$/m);
    await gitOk(['-C', dest, 'checkout', '-q', 'v1.0']);
    await gitOk(['-C', dest, 'fsck', '--connectivity-only']);
    await expectSecretFree(join(dest, '.git'));
  });

  it('clones with --filter=blob:none over protocol v0 and lazily fetches blobs by reachable id', async () => {
    const dest = join(work, 'partial-v0');
    const v0 = ['-c', 'protocol.version=0'];
    await gitOk([...v0, 'clone', '-q', '--filter=blob:none', demo.url, dest]);
    const before = await gitOk(['-C', dest, 'rev-list', '--objects', '--all', '--missing=print']);
    expect(before).to.match(/^\?[0-9a-f]{40}$/m);
    // Each missing blob is fetched with a want of its id: upload-pack must allow reachable ids in want.
    await gitOk([...v0, '-C', dest, 'checkout', '-q', 'v1.0']);
    await gitOk(['-C', dest, 'fsck', '--connectivity-only']);
    await expectSecretFree(join(dest, '.git'));
  });

  for (const filter of ['blob:limit=200', 'tree:0']) {
    for (const v of ['2', '0']) {
      it(`clones with --filter=${filter} over protocol v${v}, holding exactly what git gives from the sanitized store`, async () => {
        const dest = join(work, `filter-${filter.replace(/\W/g, '')}-${v}`);
        const direct = join(work, `filter-direct-${filter.replace(/\W/g, '')}-${v}`);
        const cfg = ['-c', `protocol.version=${v}`];
        await gitOk([...cfg, 'clone', '-q', '--bare', `--filter=${filter}`, demo.url, dest]);
        // The oracle: git's own upload-pack on the same sanitized store, with the same filter.
        const store = demo.gw.repos.get('acme/api')!.sanitized.gitDir;
        await gitOk([...cfg, 'clone', '-q', '--bare', '--no-local', `--filter=${filter}`, store, direct]);
        const present = async (d: string): Promise<string> => gitOk(['--git-dir', d, 'rev-list', '--objects', '--all', '--missing=print']);
        const ours = await present(dest);
        expect(ours).to.match(/^\?[0-9a-f]{40}$/m);
        expect(ours.split('\n').sort()).to.deep.equal((await present(direct)).split('\n').sort());
        await expectSecretFree(dest);
      });
    }
  }

  it('mirrors with --mirror and the mirror holds no secret', async () => {
    const dest = join(work, 'mirror.git');
    await gitOk(['clone', '-q', '--mirror', demo.url, dest]);
    await gitOk(['--git-dir', dest, 'fsck', '--full']);
    await expectSecretFree(dest);
  });

  it('gives identical ids to two clones and to a clone after a restart', async () => {
    const a = join(work, 'det-a');
    const b = join(work, 'det-b');
    const c = join(work, 'det-c');
    await gitOk(['clone', '-q', '--bare', demo.url, a]);
    await gitOk(['-c', 'protocol.version=0', 'clone', '-q', '--bare', demo.url, b]);
    await demo.restart();
    await gitOk(['clone', '-q', '--bare', demo.url, c]);
    const refs = async (d: string): Promise<string> => gitOk(['--git-dir', d, 'show-ref']);
    expect(await refs(b)).to.equal(await refs(a));
    expect(await refs(c)).to.equal(await refs(a));
  });

  it('fetches only new objects after upstream moves (v2 and v0), without a forced update, and the new tag follows', async () => {
    const clones = { v2: join(work, 'incremental-v2'), v0: join(work, 'incremental-v0') };
    await gitOk(['clone', '-q', demo.url, clones.v2]);
    await gitOk(['-c', 'protocol.version=0', 'clone', '-q', demo.url, clones.v0]);
    const beforeHead = (await gitOk(['-C', clones.v2, 'rev-parse', 'origin/main'])).trim();
    const { secrets } = await (await demoFixtures()).advanceDemoRepo(demo.upstream, { seed: '5eed' });
    planted.push(...secrets);
    for (const [v, dest] of Object.entries(clones)) {
      const before = (await gitOk(['-C', dest, 'for-each-ref', '--format=%(objectname)'])).trim().split('\n');
      const r = await git(['-c', `protocol.version=${v.slice(1)}`, '-C', dest, 'fetch', '--verbose', '--progress', 'origin']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.not.include('forced update');
      expect(r.stderr).to.match(/\[new tag\]\s+v1\.1/);
      const afterHead = (await gitOk(['-C', dest, 'rev-parse', 'origin/main'])).trim();
      expect(afterHead).to.not.equal(beforeHead);
      // History was extended, not rewritten: the old tip is an ancestor of the new one.
      expect((await git(['-C', dest, 'merge-base', '--is-ancestor', beforeHead, afterHead])).code).to.equal(0);
      // The pack held exactly the objects new to this clone, nothing it already had.
      const fresh = await gitOk(['-C', dest, 'rev-list', '--objects', '--all', '--not', ...before]);
      const total = /Total (\d+)/.exec(r.stderr);
      expect(total, r.stderr).to.not.equal(null);
      expect(Number(total![1])).to.equal(fresh.trim().split('\n').length);
      await expectSecretFree(join(dest, '.git'));
    }
    // A fresh clone sees exactly the ids the incremental fetch received.
    const fresh = join(work, 'incremental-fresh');
    await gitOk(['clone', '-q', '--bare', demo.url, fresh]);
    const freshRefs = (await gitOk(['--git-dir', fresh, 'show-ref'])).trim().split('\n');
    for (const dest of Object.values(clones)) {
      const fetched = (await gitOk(['-C', dest, 'show-ref'])).trim().split('\n')
        .filter((l) => / refs\/(remotes\/origin|tags)\//.test(l) && !l.endsWith('/HEAD'))
        .map((l) => l.replace(' refs/remotes/origin/', ' refs/heads/'));
      expect(fetched.sort()).to.deep.equal(freshRefs.sort());
    }
  });
});
