/**
 * The served refs after a ref transaction, computed from the refs before it and the updates, so the
 * listing that follows a sync (the advertisement of the very clone or fetch that triggered it) needs
 * no `show-ref` of every ref. What `show-ref --head -d` would print: refs in git's order (bytes of the
 * name), each annotated tag with its fully peeled id, HEAD resolved through its branch.
 */
import { inRefOrder } from './ref-order.js';
import type { RefSnapshot, RefUpdate } from './sanitized-store.js';

/**
 * `before` with `updates` applied; `peeled` gives, for each new id that is an annotated tag, the object
 * it finally names (ids absent from it are not tags).
 */
export function withRefUpdates(before: RefSnapshot, updates: readonly RefUpdate[], peeled: ReadonlyMap<string, string>): RefSnapshot {
  const byName = new Map(before.refs.map((r) => [r.name, r]));
  for (const u of updates) {
    if (u.id === null) byName.delete(u.name);
    else {
      const p = peeled.get(u.id);
      byName.set(u.name, p === undefined ? { name: u.name, id: u.id } : { name: u.name, id: u.id, peeled: p });
    }
  }
  const refs = inRefOrder(byName.values());
  let head = before.head;
  if (head !== null && head.target !== null) {
    const target = byName.get(head.target);
    head = { target: head.target, id: target?.id ?? null, ...(target?.peeled !== undefined ? { peeled: target.peeled } : {}) };
  }
  const ids = new Set<string>();
  if (head?.id) ids.add(head.id);
  if (head?.peeled) ids.add(head.peeled);
  for (const r of refs) {
    ids.add(r.id);
    if (r.peeled !== undefined) ids.add(r.peeled);
  }
  return { head, refs, ids };
}
