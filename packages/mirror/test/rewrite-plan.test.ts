// The planner of the rewrite, without git: a graph of table indices in, the order of pass 2 out.
import { expect } from 'chai';
import type { ObjectType } from '@gitgate/objects';
import { IntList, planRewrite, type RewriteGraph } from '../src/index.js';

/** A graph over `types` (by index) with `links[i]` the child trees / tag target of object i. */
function graphOf(types: ObjectType[], parents: Record<number, number[]>, links: Record<number, number[]>, tagTargets: Record<number, string> = {}): RewriteGraph {
  const commits = types.flatMap((t, i) => (t === 'commit' ? [i] : []));
  const parentStart: number[] = [];
  const flat: number[] = [];
  for (const c of commits) {
    parentStart.push(flat.length);
    flat.push(...(parents[c] ?? []));
  }
  parentStart.push(flat.length);
  const edgeStart = new Int32Array(types.length + 1);
  const edges = new IntList();
  types.forEach((_t, i) => {
    for (const l of links[i] ?? []) edges.push(l);
    edgeStart[i + 1] = edges.length;
  });
  return { commits, parentStart, parents: flat, edgeStart, edges, tagTargets: new Map(Object.entries(tagTargets).map(([k, v]) => [Number(k), v])) };
}
const list = (l: IntList): number[] => Array.from({ length: l.length }, (_, i) => l.get(i));

describe('rewrite plan', () => {
  it('puts a parent commit before its child even when the stream lists the child first', () => {
    // 0: child commit → tree 2, 1: parent commit → tree 3
    const types: ObjectType[] = ['commit', 'commit', 'tree', 'tree'];
    const plan = planRewrite(4, (i) => types[i], graphOf(types, { 0: [1] }, { 0: [2], 1: [3] }));
    expect(list(plan.order)).to.deep.equal([1, 3, 0, 2]);
    expect(list(plan.units)).to.deep.equal([2, 4]);
    expect(plan.firstTagUnit).to.equal(2);
  });

  it('enters a tree shared by two commits once, under the first commit', () => {
    const types: ObjectType[] = ['commit', 'commit', 'tree', 'tree'];
    // both commits' root trees (2, 3) hold subtree 3 / share tree 2
    const plan = planRewrite(4, (i) => types[i], graphOf(types, { 1: [0] }, { 0: [2], 1: [2], 2: [3] }));
    expect(list(plan.order)).to.deep.equal([0, 2, 3, 1]);
  });

  it('orders tags after commits, a tag before the tag it points at, and lone trees last', () => {
    // 0 commit, 1 tag → tag 2 → tree 3, 4 a tree nothing reaches
    const types: ObjectType[] = ['commit', 'tag', 'tag', 'tree', 'tree'];
    const plan = planRewrite(5, (i) => types[i], graphOf(types, {}, { 1: [2], 2: [3] }, { 1: 'tag', 2: 'tree' }));
    expect(list(plan.order)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(list(plan.units)).to.deep.equal([1, 4, 5]);
    expect([plan.firstTagUnit, plan.firstTreeUnit]).to.deep.equal([1, 2]);
  });
});
