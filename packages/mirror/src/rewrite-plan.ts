/**
 * The planner of the rewrite: a pure function from the object graph pass 1 collected (table indices
 * only) to the order in which pass 2 needs commits, trees and tags. Pass 2 walks the same way, so
 * reading objects in this order means each is read once, right before it is rewritten.
 */
import type { ObjectType } from '@gitgate/objects';
import { IntList } from './int-list.js';

/** The links pass 1 keeps, as table indices (-1: outside the table). */
export interface RewriteGraph {
  /** Commits in stream order. */
  commits: number[];
  /** Per commit (by position in `commits`, plus one end), where its run in `parents` begins. */
  parentStart: number[];
  parents: number[];
  /** Per object (plus one end), where its run in `edges` begins: a commit's or tree's child trees, a tag's target. */
  edgeStart: Int32Array;
  edges: IntList;
  /** Per tag: what its type header says it points at. */
  tagTargets: Map<number, string>;
}

/** The order of pass 2. */
export interface RewritePlan {
  /** Table indices in the order pass 2 takes them. */
  order: IntList;
  /** Where each unit (a commit with its new trees, a tag with what it reaches, a lone tree) ends in `order`. */
  units: IntList;
  /** The first unit that is a tag, and the first that is a tree no commit or tag reaches. */
  firstTagUnit: number;
  firstTreeUnit: number;
}

/**
 * Plans pass 2 by the walk it does (a tree is entered once, at its first visit): per commit in
 * topological order, the commit and then its unvisited trees depth first; then each tag with the tags
 * and trees it reaches; then trees no commit or tag reaches. `typeOf` gives each table index's type.
 */
export function planRewrite(size: number, typeOf: (index: number) => ObjectType | undefined, graph: RewriteGraph): RewritePlan {
  const { edgeStart, edges, tagTargets } = graph;
  const visited = new Uint8Array(size);
  const order = new IntList();
  const units = new IntList();
  const unvisited = (index: number, type: ObjectType): boolean => index >= 0 && typeOf(index) === type && visited[index] === 0;
  const visitTree = (index: number): void => {
    if (!unvisited(index, 'tree')) return;
    visited[index] = 1;
    order.push(index);
    for (let e = edgeStart[index]!; e < edgeStart[index + 1]!; e++) visitTree(edges.get(e));
  };
  const visitTag = (index: number): void => {
    if (!unvisited(index, 'tag')) return;
    visited[index] = 1;
    order.push(index);
    const targetType = tagTargets.get(index);
    for (let e = edgeStart[index]!; e < edgeStart[index + 1]!; e++) {
      if (targetType === 'tag') visitTag(edges.get(e));
      else visitTree(edges.get(e));
    }
  };
  for (const index of topoOrder(graph.commits, graph.parentStart, graph.parents, size)) {
    visited[index] = 1;
    order.push(index);
    for (let e = edgeStart[index]!; e < edgeStart[index + 1]!; e++) visitTree(edges.get(e));
    units.push(order.length);
  }
  const firstTagUnit = units.length;
  for (let index = 0; index < size; index++) {
    if (!unvisited(index, 'tag')) continue;
    visitTag(index);
    units.push(order.length);
  }
  const firstTreeUnit = units.length;
  for (let index = 0; index < size; index++) {
    if (!unvisited(index, 'tree')) continue;
    visitTree(index);
    units.push(order.length);
  }
  return { order, units, firstTagUnit, firstTreeUnit };
}

/**
 * Commits (table indices, in stream order) ordered so that every parent among them comes before its
 * children: an iterative DFS from each commit in stream order, parents in header order. `parents`
 * holds the table index of each commit's parents (-1 outside the table), `parentStart` where each
 * commit's run of them begins.
 */
export function topoOrder(commits: readonly number[], parentStart: readonly number[], parents: readonly number[], tableSize: number): Int32Array {
  const position = new Int32Array(tableSize).fill(-1);
  commits.forEach((c, k) => { position[c] = k; });
  const state = new Uint8Array(commits.length); // 0 unseen, 1 on the stack, 2 ordered
  const out = new Int32Array(commits.length);
  let n = 0;
  const stack: number[] = []; // pairs: commit position, next parent slot
  for (let root = 0; root < commits.length; root++) {
    if (state[root] !== 0) continue;
    state[root] = 1;
    stack.push(root, parentStart[root]!);
    while (stack.length > 0) {
      const k = stack[stack.length - 2]!;
      const slot = stack[stack.length - 1]!;
      if (slot < parentStart[k + 1]!) {
        stack[stack.length - 1] = slot + 1;
        const p = parents[slot]!;
        const pk = p >= 0 ? position[p]! : -1;
        if (pk >= 0 && state[pk] === 0) {
          state[pk] = 1;
          stack.push(pk, parentStart[pk]!);
        }
      } else {
        state[k] = 2;
        out[n++] = commits[k]!;
        stack.length -= 2;
      }
    }
  }
  return out;
}
