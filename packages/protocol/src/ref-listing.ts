/**
 * Ref listings answered by the gateway itself, from a snapshot of the served refs, so that listing refs
 * costs no git process: the v2 `ls-refs` response (gitprotocol-v2 "ls-refs") and the ref lines of the
 * v0/v1 advertisement (gitprotocol-pack "Reference Discovery"). Both follow git 2.39's upload-pack byte
 * for byte: HEAD first, then refs in byte order of their names, each annotated tag with its fully
 * peeled id.
 */
import { FLUSH_PKT, encodePkt } from './pkt-line.js';
import type { LsRefsArgs } from './v2-ls-refs.js';

/** One served ref (never HEAD). `peeled` is set when `id` is a tag object: the object it finally names. */
export interface ServedRef {
  name: string;
  id: string;
  peeled?: string;
}

/** The refs of a served repository, as one consistent snapshot. */
export interface RefListing {
  /**
   * HEAD: `target` is the ref it points to (null when detached), `id` what it resolves to (null when
   * its branch does not exist yet: unborn). Null when the repository has no usable HEAD at all.
   */
  head: { target: string | null; id: string | null; peeled?: string } | null;
  /** Every ref except HEAD, sorted by the bytes of their names (git's order). */
  refs: ServedRef[];
}

/** Whether a ref name passes the client's `ref-prefix` filter (no prefix lets every ref through). */
function matches(prefixes: readonly string[], name: string): boolean {
  return prefixes.length === 0 || prefixes.some((p) => name.startsWith(p));
}

/**
 * The whole v2 `ls-refs` response for `args`: `<id> <name>[ symref-target:<ref>][ peeled:<id>]` lines
 * (HEAD may be `unborn HEAD symref-target:<ref>` when the client sent `unborn` and `symrefs`), then a
 * flush-pkt.
 */
export function lsRefsResponse(listing: RefListing, args: LsRefsArgs): Buffer {
  const out: Buffer[] = [];
  const line = (id: string | null, name: string, target: string | null, peeled: string | undefined): void => {
    let text = `${id ?? 'unborn'} ${name}`;
    if (args.symrefs && target !== null) text += ` symref-target:${target}`;
    if (args.peel && id !== null && peeled !== undefined) text += ` peeled:${peeled}`;
    out.push(encodePkt(`${text}\n`));
  };
  const head = listing.head;
  // git lists an unborn HEAD only to a client that asked for both (it needs the target to be useful).
  if (head && (head.id !== null || (args.unborn && args.symrefs && head.target !== null)) && matches(args.refPrefixes, 'HEAD')) {
    line(head.id, 'HEAD', head.target, head.peeled);
  }
  for (const ref of listing.refs) {
    if (matches(args.refPrefixes, ref.name)) line(ref.id, ref.name, null, ref.peeled);
  }
  out.push(FLUSH_PKT);
  return Buffer.concat(out);
}

/**
 * The ref lines of a v0/v1 advertisement: HEAD when it resolves, then every ref, each annotated tag
 * followed by `<tag>^{}` with its peeled id (serializeV0Advertisement writes them).
 */
export function v0AdvertisedRefs(listing: RefListing): { id: string; name: string }[] {
  const out: { id: string; name: string }[] = [];
  const push = (name: string, id: string, peeled: string | undefined): void => {
    out.push({ id, name });
    if (peeled !== undefined) out.push({ id: peeled, name: `${name}^{}` });
  };
  if (listing.head?.id) push('HEAD', listing.head.id, listing.head.peeled);
  for (const ref of listing.refs) push(ref.name, ref.id, ref.peeled);
  return out;
}

/** Every object id a listing names (ref ids and peeled ids), for checking wants without git. */
export function listedIds(listing: RefListing): Set<string> {
  const ids = new Set<string>();
  const add = (id: string | null | undefined): void => {
    if (id) ids.add(id);
  };
  add(listing.head?.id);
  add(listing.head?.peeled);
  for (const ref of listing.refs) {
    add(ref.id);
    add(ref.peeled);
  }
  return ids;
}
