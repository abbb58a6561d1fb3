/**
 * The policy for tree entry names (gitformat-loose trees, fsck.c verify_ordered): every name is scanned,
 * a secret in a name becomes a `[[TOKEN_…]]` (`[` and `]` are valid in names; a token holds no `/` or
 * NUL), and a tree with a renamed entry is put back into git's order. Nothing else changes: modes, ids
 * and the other names stay byte-exact, and a tree with no secret in its names is returned as it was.
 */
import { entryKind, parseTree, scanTree, serializeTree, type TreeEntry } from '@gitgate/objects';
import { tokenizePieces, type PlaceTokenizer } from './place-tokenizer.js';
import type { TakenSecret } from './tokenize.js';
import { MirrorError, codes } from './errors.js';
import type { CleanTreeNames } from './clean-tree-names.js';

const SLASH = 0x2f;

/**
 * The new names of a tree's entries, in stored order (null: unchanged), or null when no name changed.
 * The names are scanned together (tokenizePieces: one scanner call per tree, not per entry; most trees
 * hold no secret in a name). With `clean`, a list of names already found clean is not scanned again
 * (the outcome is the same, see CleanTreeNames); `keyOut.key` is then set to the list's key, which a
 * later tree with the same names may look up instead of keying its own (TreeVersion.namesKey). Throws
 * what the scanner throws.
 */
export function scanTreeNames(raw: Buffer, tokenize: PlaceTokenizer, clean?: CleanTreeNames, keyOut?: { key?: string }): { names: (Buffer | null)[]; secrets: TakenSecret[] } | null {
  const key = clean?.keyOf(raw);
  if (keyOut !== undefined) keyOut.key = key;
  if (key !== undefined && clean!.has(key)) return null;
  const names: Buffer[] = [];
  scanTree(raw, (_kind, idOffset, nameStart) => {
    names.push(raw.subarray(nameStart, idOffset - 1));
  });
  const r = tokenizePieces(names, 'text', tokenize);
  if (r === null) {
    if (key !== undefined) clean!.add(key);
    return null;
  }
  return { names: r.pieces.map((p, i) => (p === names[i] ? null : p)), secrets: r.secrets };
}

/** Git's tree order (tree.c base_name_compare): names bytewise, a directory's name as if followed by '/'. */
export function compareTreeEntries(a: TreeEntry, b: TreeEntry): number {
  const n = Math.min(a.name.length, b.name.length);
  const c = a.name.subarray(0, n).compare(b.name.subarray(0, n));
  if (c !== 0) return c;
  const ca = a.name.length > n ? a.name[n]! : entryKind(a.mode) === 'tree' ? SLASH : 0;
  const cb = b.name.length > n ? b.name[n]! : entryKind(b.mode) === 'tree' ? SLASH : 0;
  return ca - cb;
}

/**
 * Tree content with the entries' names replaced by `names` (stored order; null keeps a name) and the
 * entries sorted into git's order (a stable sort, so an upstream tree that was not sorted keeps the
 * relative order of entries git would not reorder). Throws MirrorError GITGATE_TREE_NAME_COLLISION when
 * a new name equals another entry's name (git would see a duplicate entry): fail closed rather than
 * serve a tree git rejects or drop an entry. `treeId` names the upstream tree in the error.
 */
export function renameTreeEntries(raw: Buffer, names: readonly (Buffer | null)[], treeId: string): Buffer {
  const entries = parseTree(raw);
  if (entries.length !== names.length) throw new TypeError('one name (or null) per tree entry expected');
  const renamed = entries.map((e, i) => ({ ...e, name: names[i] ?? e.name }));
  const seen = new Set<string>();
  for (const e of renamed) {
    const key = e.name.toString('latin1');
    if (seen.has(key)) {
      throw new MirrorError(codes.treeNameCollision, `upstream tree ${treeId}: a tokenized entry name equals another entry's name`, { data: { tree: treeId } });
    }
    seen.add(key);
  }
  renamed.sort(compareTreeEntries);
  return serializeTree(renamed);
}
