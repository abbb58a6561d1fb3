// The walk of a small change without rev-list, against `rev-list --objects` itself (the slow path).
import { expect } from 'chai';
import { fewNewObjects } from '../src/few-new-objects.js';
import { ObjectReader } from '../src/object-reader.js';
import { walkNewObjects } from '../src/object-walk.js';
import type { ObjectTable } from '../src/object-table.js';
import { git, upstreamPerTest } from './helpers.js';

function idsOf(table: ObjectTable): string[] {
  return Array.from({ length: table.size }, (_, i) => table.id(i));
}

describe('fewNewObjects', function () {
  this.timeout(60_000);
  const t = upstreamPerTest();
  let reader: ObjectReader;
  beforeEach(() => {
    reader = new ObjectReader(t.up.gitDir);
  });
  afterEach(() => reader.close());

  /** Every commit reachable from `tips`: what the id map holds after a sync of them. */
  const syncedFrom = (tips: string[]) => {
    const all = new Set(git(t.up.gitDir, ['rev-list', ...tips]).toString('latin1').split('\n').filter(Boolean));
    return async (ids: readonly string[]) => new Set(ids.filter((id) => all.has(id)));
  };

  /** The walk and rev-list of the same change; the walk must answer, and list what rev-list lists. */
  const expectAsRevList = async (tips: string[], exclude: string[]): Promise<string[]> => {
    const few = await fewNewObjects(reader, tips, exclude, syncedFrom(exclude));
    const slow = await walkNewObjects(t.up.gitDir, tips, exclude);
    expect(few, 'the walk left the change to rev-list').to.not.equal(null);
    expect(idsOf(few!)).to.deep.equal(idsOf(slow));
    return idsOf(few!);
  };

  const base = (): { c1: string; c2: string } => {
    const c1 = t.up.commitFiles({ 'a.txt': 'one\n', 'lib/x.js': 'let x = 1;\n', 'lib/deep/y.js': 'y\n', 'docs/r.md': 'hello\n' }, 'one\n');
    const c2 = t.up.commitFiles({ 'a.txt': 'two\n', 'lib/x.js': 'let x = 1;\n', 'lib/deep/y.js': 'y\n', 'docs/r.md': 'hello\n' }, 'two\n', [c1]);
    return { c1, c2 };
  };

  it('lists what rev-list lists for one commit that changes a deep file and adds one', async () => {
    const { c2 } = base();
    const c3 = t.up.commitFiles({ 'a.txt': 'two\n', 'lib/x.js': 'let x = 1;\n', 'lib/deep/y.js': 'y changed\n', 'lib/new/z.js': 'z\n', 'docs/r.md': 'hello\n' }, 'three\n', [c2]);
    const ids = await expectAsRevList([c3], [c2]);
    expect(ids[0]).to.equal(c3);
  });

  it('lists what rev-list lists for a commit that brings back a blob of older history', async () => {
    const { c1, c2 } = base();
    const c3 = t.up.commitFiles({ 'a.txt': 'one\n', 'lib/x.js': 'let x = 1;\n', 'lib/deep/y.js': 'y\n', 'docs/r.md': 'hello\n' }, 'revert\n', [c2]);
    // rev-list lists the old blob again (it is in no edge tree); so must the walk.
    const ids = await expectAsRevList([c3], [c2]);
    expect(ids).to.include(git(t.up.gitDir, ['rev-parse', `${c1}:a.txt`]).toString('latin1').trim());
  });

  it('lists what rev-list lists for two new commits and a merge on two synced tips, with a tag left where it was', async () => {
    const { c1, c2 } = base();
    const side = t.up.commitFiles({ 'a.txt': 'one\n', 'side.txt': 'side\n', 'lib/x.js': 'let x = 1;\n', 'lib/deep/y.js': 'y\n', 'docs/r.md': 'hello\n' }, 'side\n', [c1]);
    const tag = t.up.tag({ object: c1, tag: 'v1', message: 'v1\n' });
    const m1 = t.up.commitFiles({ 'a.txt': 'two\n', 'm.txt': 'm1\n', 'lib/x.js': 'let x = 2;\n', 'lib/deep/y.js': 'y\n', 'docs/r.md': 'hello\n' }, 'm1\n', [c2]);
    const merge = t.up.commitFiles({ 'a.txt': 'two\n', 'm.txt': 'm1\n', 'side.txt': 'side\n', 'lib/x.js': 'let x = 2;\n', 'lib/deep/y.js': 'y\n', 'docs/r.md': 'hello\n' }, 'merge\n', [m1, side]);
    await expectAsRevList([merge], [c2, side, tag]);
  });

  it('leaves to rev-list a tip that is a tag, a tip an earlier sync took and a walk past its limit', async () => {
    const { c1, c2 } = base();
    const tag = t.up.tag({ object: c2, tag: 'v2', message: 'v2\n' });
    expect(await fewNewObjects(reader, [tag], [c1], syncedFrom([c1]))).to.equal(null);
    // A branch moved back to a commit already synced: rev-list lists nothing of it.
    const other = t.up.commitFiles({ 'o.txt': 'o\n' }, 'other\n');
    expect(await fewNewObjects(reader, [c1], [c2, other], syncedFrom([c2, other]))).to.equal(null);
    let tip = c2;
    for (let i = 0; i < 20; i++) tip = t.up.commitFiles({ 'a.txt': `${i}\n` }, `c${i}\n`, [tip]);
    expect(await fewNewObjects(reader, [tip], [c2], syncedFrom([c2]))).to.equal(null);
  });

  it('lists what rev-list lists for a new branch with a root commit of its own', async () => {
    const { c2 } = base();
    const orphan = t.up.commitFiles({ 'n.txt': 'n\n', 'lib/x.js': 'let x = 1;\n' }, 'new root\n');
    await expectAsRevList([orphan, c2], [c2]);
  });
});
