/**
 * The walk of a small change without `git rev-list`: the objects `rev-list --objects <tips> --not
 * <exclude>` lists, read through the long-lived cat-file (object-reader.ts), for the change it can
 * prove it knows whole — a few new commits whose every line of descent ends at an excluded commit,
 * none of them synced before. Anything else (a tag tip, a walk past its limit, a commit the id map
 * knows: an old commit may be reachable from an excluded one) is left to rev-list: the answer is null.
 *
 * What rev-list lists then (revision.c's limit_list and list-objects.c's mark_edges_uninteresting,
 * git 2.39): the commits reachable from the tips and from no excluded commit, newest walk first; then,
 * commit by commit, each one's tree depth-first in entry order (trees before their entries, each
 * object once, gitlinks skipped), leaving out every object reachable from the trees of the edge
 * commits (excluded parents of listed commits).
 */
import { scanTree } from '@gitgate/objects';
import { ObjectTable } from './object-table.js';
import type { ObjectReader } from './object-reader.js';

/** The most new commits and trees the walk reads before it leaves the change to rev-list. */
export const FEW_NEW_COMMITS = 16;
export const FEW_TREES = 20_000;

/**
 * The objects of the change, in rev-list's order, or null when rev-list must answer. `synced(ids)`
 * answers which commits an earlier sync already took. Throws what the reader throws.
 */
export async function fewNewObjects(reader: ObjectReader, tips: readonly string[], exclude: readonly string[], synced: (ids: readonly string[]) => Promise<ReadonlySet<string>>): Promise<ObjectTable | null> {
  const commits = await newCommits(reader, tips, new Set(exclude), synced);
  if (commits === null) return null;
  const edgeTrees = await treesOf(reader, commits.edges.map((e) => e.tree), new Set(), null);
  if (edgeTrees === null) return null;
  const table = new ObjectTable();
  for (const c of commits.list) table.add(c.id);
  const listed = await treesOf(reader, commits.list.map((c) => c.tree), edgeTrees.seen, table);
  return listed === null ? null : table;
}

interface Commit {
  id: string;
  tree: string;
  parents: string[];
}

/** The new commits (walk order: tips first, then parents breadth-first) and the edge commits, or null. */
async function newCommits(reader: ObjectReader, tips: readonly string[], exclude: ReadonlySet<string>, synced: (ids: readonly string[]) => Promise<ReadonlySet<string>>): Promise<{ list: Commit[]; edges: Commit[] } | null> {
  const list: Commit[] = [];
  const edgeIds = new Set<string>();
  const seen = new Set<string>();
  let next = [...new Set(tips)].filter((t) => !exclude.has(t));
  while (next.length > 0) {
    if (list.length + next.length > FEW_NEW_COMMITS) return null;
    const known = await synced(next);
    if (next.some((id) => known.has(id))) return null;
    const read = await reader.read(next);
    if (read === null || read.some((o) => o.type !== 'commit')) return null;
    const parents: string[] = [];
    for (const o of read) {
      const c = parseCommitHeader(o.id, o.content);
      if (c === null) return null;
      list.push(c);
      seen.add(c.id);
      for (const p of c.parents) {
        if (exclude.has(p)) edgeIds.add(p);
        else if (!seen.has(p)) parents.push(p);
      }
    }
    next = [...new Set(parents)].filter((p) => !seen.has(p));
  }
  const edges = await reader.read([...edgeIds]);
  if (edges === null || edges.some((o) => o.type !== 'commit')) return null;
  const parsed = edges.map((o) => parseCommitHeader(o.id, o.content));
  return parsed.every((c) => c !== null) ? { list, edges: parsed as Commit[] } : null;
}

/** The tree id and parents of a commit, from its header; null for a header git would not walk. */
function parseCommitHeader(id: string, content: Buffer): Commit | null {
  const end = content.indexOf('\n\n');
  const lines = content.toString('latin1', 0, end < 0 ? content.length : end).split('\n');
  const tree = /^tree ([0-9a-f]{40})$/.exec(lines[0] ?? '')?.[1];
  if (tree === undefined) return null;
  const parents: string[] = [];
  for (const line of lines.slice(1)) {
    const p = /^parent ([0-9a-f]{40})$/.exec(line)?.[1];
    if (p === undefined) break;
    parents.push(p);
  }
  return { id, tree, parents };
}

/**
 * Every tree and blob reachable from `roots` and not in `seen` (which it fills): with `table`, added to it
 * in rev-list's order (each root depth-first, a tree before its entries). Null past FEW_TREES trees.
 */
async function treesOf(reader: ObjectReader, roots: readonly string[], seen: Set<string>, table: ObjectTable | null): Promise<{ seen: Set<string> } | null> {
  const content = new Map<string, Buffer>();
  // Read level by level (one request per depth), then list depth-first from what was read.
  let level = [...new Set(roots)].filter((id) => !seen.has(id));
  const children = new Map<string, { kind: 'tree' | 'blob'; id: string }[]>();
  while (level.length > 0) {
    if (content.size + level.length > FEW_TREES) return null;
    const read = await reader.read(level);
    if (read === null || read.some((o) => o.type !== 'tree')) return null;
    const below: string[] = [];
    for (const o of read) {
      content.set(o.id, o.content);
      const entries: { kind: 'tree' | 'blob'; id: string }[] = [];
      scanTree(o.content, (kind, at) => {
        if (kind === 'gitlink') return;
        const id = o.content.toString('hex', at, at + 20);
        entries.push({ kind, id });
        if (kind === 'tree' && !seen.has(id) && !content.has(id)) below.push(id);
      });
      children.set(o.id, entries);
    }
    level = [...new Set(below)].filter((id) => !content.has(id));
  }
  const visit = (id: string, kind: 'tree' | 'blob'): void => {
    if (seen.has(id)) return;
    seen.add(id);
    table?.add(id);
    if (kind === 'tree') for (const e of children.get(id) ?? []) visit(e.id, e.kind);
  };
  for (const r of roots) visit(r, 'tree');
  return { seen };
}
