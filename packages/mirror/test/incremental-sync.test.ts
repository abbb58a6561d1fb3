// Issue 14: the incremental sync's shortcuts (a borrowed local upstream, one pack per small sync, one
// id map transaction) give exactly what a sync from scratch of the same upstream gives (invariant 2).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { captureLogger, rejection } from '@gitgate/testkit';
import type { RepoMirror } from '../src/index.js';
import { nameMasksFor } from '../src/name-masks.js';
import { REPO, fakeGithubPat, git, makeMirror, refsOf, revParse, tokensIn, upstreamPerTest, type DataEnv, type PerTest } from './helpers.js';

/** Every object reachable from the refs of a store, with its type (sorted lines of `rev-list` + `cat-file`). */
function reachable(gitDir: string): string[] {
  const ids = git(gitDir, ['rev-list', '--all', '--objects', '--no-object-names']).toString('latin1');
  return git(gitDir, ['cat-file', '--batch-check'], ids).toString('latin1').split('\n').filter(Boolean).sort();
}

/** Upstream id → sanitized id of every object reachable upstream that a sync rewrote. */
async function pairsOf(t: PerTest, env: DataEnv): Promise<Map<string, string>> {
  return env.idMap.lookup(REPO, git(t.up.gitDir, ['rev-list', '--all', '--objects', '--no-object-names']).toString('latin1').split('\n').filter(Boolean));
}

/** Object tokens as sorted entries, for deep comparison. */
async function carriersOf(env: DataEnv): Promise<[string, string[]][]> {
  return [...(await env.idMap.objectTokens(REPO))].map(([id, tokens]): [string, string[]] => [id, [...tokens].sort()]).sort((a, b) => a[0].localeCompare(b[0]));
}

describe('incremental sync', function () {
  this.timeout(60_000);
  const t = upstreamPerTest();

  /** One commit with a secret file, a clean file and a tag; returns the commit. */
  const first = (): string => {
    const c1 = t.up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n`, 'lib/x.js': 'let x = 1;\n', 'docs/readme.md': 'hello\n' }, 'one\n');
    t.up.setRef('refs/heads/main', c1);
    t.up.setRef('refs/tags/v1', t.up.tag({ object: c1, tag: 'v1', message: 'first\n' }));
    return c1;
  };

  /**
   * Syncs `ma` again, then a new data dir with the same key from scratch, and checks both stores alike.
   * `newPacks`: the packs the sync adds (0 when a failed sync already installed its deterministic pack).
   */
  const expectSameAsFromScratch = async (a: DataEnv, ma: RepoMirror, newPacks = 1): Promise<void> => {
    const packsBefore = ma.sanitized.packCount();
    const report = await ma.sync();
    expect(report.upToDate).to.equal(false);
    expect(report.objects).to.be.below(10);
    // One pack per small sync: the rewritten and the unchanged objects together.
    expect(ma.sanitized.packCount()).to.equal(packsBefore + newPacks);
    const b = await t.open('b', a.keyPath);
    const mb = makeMirror(b, t.up.gitDir);
    await mb.sync();
    expect(refsOf(ma.sanitized.gitDir)).to.deep.equal(refsOf(mb.sanitized.gitDir));
    expect(reachable(ma.sanitized.gitDir)).to.deep.equal(reachable(mb.sanitized.gitDir));
    expect(await pairsOf(t, a)).to.deep.equal(await pairsOf(t, b));
    expect(await carriersOf(a)).to.deep.equal(await carriersOf(b));
    git(ma.sanitized.gitDir, ['fsck', '--no-dangling', '--strict']);
  };

  it('gives the ids, refs and tokens of a sync from scratch after a commit that adds a secret', async () => {
    const c1 = first();
    const a = await t.open('a');
    const log = captureLogger();
    const ma = makeMirror(a, t.up.gitDir, { logger: log });
    await ma.sync();
    const c2 = t.up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n`, 'lib/x.js': 'let x = 1;\n', 'docs/readme.md': 'hello\n', 'ci.env': `TOKEN=${fakeGithubPat()}\n` }, 'two\n', [c1]);
    t.up.setRef('refs/heads/main', c2);
    await expectSameAsFromScratch(a, ma);
    const served = git(ma.sanitized.gitDir, ['cat-file', 'blob', 'main:ci.env']).toString('latin1');
    expect(tokensIn(served)).to.have.length(1);
    // The first sync walked with rev-list, the one-commit sync without it (few-new-objects.ts).
    expect(log.lines.filter((l) => l.msg === 'sync started').map((l) => (l.meta as { walk?: string } | undefined)?.walk)).to.deep.equal(['rev-list', 'cat-file']);
  });

  it('gives the ids, refs and tokens of a sync from scratch after a commit that only renames a file', async () => {
    const c1 = first();
    const a = await t.open('a');
    const ma = makeMirror(a, t.up.gitDir);
    await ma.sync();
    const env = git(t.up.gitDir, ['cat-file', 'blob', `${c1}:app.env`]).toString('latin1');
    const c2 = t.up.commitFiles({ 'config/app.env': env, 'lib/x.js': 'let x = 1;\n', 'docs/readme.md': 'hello\n' }, 'rename\n', [c1]);
    t.up.setRef('refs/heads/main', c2);
    await expectSameAsFromScratch(a, ma);
    // The renamed blob keeps the sanitized id it had (a rename rewrites trees and the commit only).
    expect(revParse(ma.sanitized.gitDir, 'main:config/app.env')).to.equal(revParse(ma.sanitized.gitDir, 'v1^{}:app.env'));
  });

  it('gives the ids of a sync from scratch after a commit whose tree names more files than a small sync\'s name memo holds', async () => {
    const c1 = first();
    const a = await t.open('a');
    const ma = makeMirror(a, t.up.gitDir);
    await ma.sync();
    // One blob with a secret under names of several classes, more names than the memo of a 3-object
    // sync holds: pass 1's name memo starts over in the middle of the tree.
    const blob = t.up.blob(`GITHUB=${fakeGithubPat()}\n`);
    const names = Array.from({ length: 6000 }, (_, i) => `f${i}${['.env', '.js', '.md', '.json'][i % 4]}`);
    expect(names.length).to.be.above(nameMasksFor(3));
    const c2 = t.up.commit({ tree: t.up.tree(names.map((name) => ({ name, id: blob }))), parents: [c1], message: 'many names\n' });
    t.up.setRef('refs/heads/main', c2);
    await expectSameAsFromScratch(a, ma);
  });

  it('rewrites nothing and changes nothing when upstream refs did not move', async () => {
    first();
    const a = await t.open('a');
    const ma = makeMirror(a, t.up.gitDir);
    await ma.sync();
    const files = (): string[] => fs.readdirSync(path.join(ma.sanitized.gitDir, 'objects', 'pack')).sort();
    const before = { refs: refsOf(ma.sanitized.gitDir), packs: files(), state: await a.idMap.state(REPO) };
    const again = await ma.sync({ force: true });
    expect(again).to.include({ upToDate: true, objects: 0, rewritten: 0 });
    expect({ refs: refsOf(ma.sanitized.gitDir), packs: files(), state: await a.idMap.state(REPO) }).to.deep.equal(before);
  });

  it('fails a sync whose upstream store cannot write its refs before the id map or a served ref moves, and the next sync gives what one from scratch gives', async () => {
    const c1 = first();
    const a = await t.open('a');
    const ma = makeMirror(a, t.up.gitDir);
    await ma.sync();
    const before = { refs: refsOf(ma.sanitized.gitDir), state: await a.idMap.state(REPO) };
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n`, 'ci.env': `TOKEN=${fakeGithubPat()}\n` }, 'two\n', [c1]));
    // A directory where the upstream store's transaction wants main's lock file (no stale-lock cleanup removes it):
    // the write the sync leaves running while it walks fails.
    const lock = path.join(ma.sanitized.gitDir, '..', 'upstream.git', 'refs', 'heads', 'main.lock');
    fs.mkdirSync(lock, { recursive: true });
    expect(((await rejection(ma.sync())) as { code?: string }).code).to.equal('GITGATE_UPSTREAM_FAILED');
    expect({ refs: refsOf(ma.sanitized.gitDir), state: await a.idMap.state(REPO) }).to.deep.equal(before);
    fs.rmSync(lock, { recursive: true });
    // The failed sync's pack is already in the store: the same objects make the same pack, under the same name.
    await expectSameAsFromScratch(a, ma, 0);
  });

  it('re-points the refs on the next sync when moving them failed after the id map commit', async () => {
    const c1 = first();
    const a = await t.open('a');
    const ma = makeMirror(a, t.up.gitDir);
    await ma.sync();
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n` }, 'two\n', [c1]));
    // A lock on the served branch fails the ref transaction (as a full disk or a crash would).
    const lock = path.join(ma.sanitized.gitDir, 'refs', 'heads', 'main.lock');
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, '');
    let failed = false;
    await ma.sync().catch(() => { failed = true; });
    expect(failed).to.equal(true);
    fs.rmSync(lock);
    const next = await ma.sync();
    expect(next.objects).to.equal(0);
    const b = await t.open('b', a.keyPath);
    const mb = makeMirror(b, t.up.gitDir);
    await mb.sync();
    expect(refsOf(ma.sanitized.gitDir)).to.deep.equal(refsOf(mb.sanitized.gitDir));
  });
});
