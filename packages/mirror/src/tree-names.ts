/**
 * The policy for tree entry names (gitformat-loose trees, fsck.c verify_ordered): every name is scanned,
 * a secret in a name becomes a `[[TOKEN_…]]` (`[` and `]` are valid in names; a token holds no `/` or
 * NUL), and a tree with a renamed entry is put back into git's order. Nothing else changes: modes, ids
 * and the other names stay byte-exact, and a tree with no secret in its names is returned as it was.
 */
import { entryKind, parseTree, scanTree, serializeTree, type TreeEntry } from '@gitgate/objects';
import type { PlaceTokenizer } from './place-tokenizer.js';
import type { TakenSecret } from './tokenize.js';
import { MirrorError, codes } from './errors.js';

const NL = 0x0a;
const SLASH = 0x2f;

/**
 * The new names of a tree's entries, in stored order (null: unchanged), or null when no name changed.
 * The names are scanned as the lines of one text (one scanner call per tree, not per entry: most trees
 * hold no secret in a name, and the call costs about as much for one name as for a whole tree). When a
 * secret would run across two names, or a name holds a newline, each name is scanned alone instead.
 * Throws what the scanner throws.
 */
export function scanTreeNames(raw: Buffer, tokenize: PlaceTokenizer): { names: (Buffer | null)[]; secrets: TakenSecret[] } | null {
  const starts: number[] = [];
  const ends: number[] = [];
  let size = 0;
  let newline = false;
  scanTree(raw, (_kind, idOffset, nameStart) => {
    starts.push(nameStart);
    ends.push(idOffset - 1);
    size += idOffset - 1 - nameStart + 1;
    if (!newline && raw.subarray(nameStart, idOffset - 1).indexOf(NL) >= 0) newline = true;
  });
  if (starts.length === 0) return null;
  const joined = Buffer.allocUnsafe(size - 1);
  let at = 0;
  for (let i = 0; i < starts.length; i++) {
    if (i > 0) joined[at++] = NL;
    at += raw.copy(joined, at, starts[i], ends[i]);
  }
  if (!newline) {
    const r = tokenize(joined, 'text');
    if (r.secrets.length === 0) return null;
    const lines = splitLines(r.content);
    if (lines.length === starts.length) {
      const names = lines.map((line, i) => (line.equals(raw.subarray(starts[i], ends[i])) ? null : Buffer.from(line)));
      return { names, secrets: r.secrets };
    }
  }
  // One name at a time: the rare tree with a newline in a name, or a secret across two names.
  const names: (Buffer | null)[] = [];
  const secrets: TakenSecret[] = [];
  let changed = false;
  for (let i = 0; i < starts.length; i++) {
    const name = raw.subarray(starts[i], ends[i]);
    const r = tokenize(name, 'text');
    if (r.secrets.length === 0) {
      names.push(null);
    } else {
      changed = true;
      names.push(Buffer.from(r.content));
      secrets.push(...r.secrets);
    }
  }
  return changed ? { names, secrets } : null;
}

function splitLines(text: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let from = 0;
  for (let nl = text.indexOf(NL); nl >= 0; nl = text.indexOf(NL, from)) {
    lines.push(text.subarray(from, nl));
    from = nl + 1;
  }
  lines.push(text.subarray(from));
  return lines;
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
