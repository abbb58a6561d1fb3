/**
 * The heads and tags of a repository on this machine read from its ref files (the files backend of
 * gitrepository-layout: loose refs under refs/, then `packed-refs`), without a git process. Loose refs
 * are read before packed-refs, as git itself reads them, so a `pack-refs` running meanwhile (packed-refs
 * written first, loose files removed after) cannot make a ref disappear.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEX_LINE = /^([0-9a-f]{40})\n?$/;
// What check-ref-format allows below refs/heads and refs/tags, kept to the plain cases; anything else
// (and a symbolic ref, a packed-refs line of another shape) is left to git.
const PLAIN_NAME = /^refs\/(?:heads|tags)\/(?:[A-Za-z0-9_+=@,-][A-Za-z0-9_.+=@,-]*\/)*[A-Za-z0-9_+=@,-][A-Za-z0-9_.+=@,-]*$/;

/**
 * `<id>\t<name>` lines of the heads and tags of `gitDir`, sorted by name as for-each-ref sorts them, or
 * null when a ref is not plain (a symbolic ref, an unusual name or file) and git should be asked.
 */
export function readLocalRefs(gitDir: string): string[] | null {
  const refs = new Map<string, string>();
  for (const top of ['refs/heads', 'refs/tags']) {
    if (!readLoose(gitDir, top, refs)) return null;
  }
  let packed: string;
  try {
    packed = readFileSync(join(gitDir, 'packed-refs'), 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    packed = '';
  }
  for (const line of packed.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const m = /^([0-9a-f]{40}) (refs\/\S+)$/.exec(line);
    if (m === null) return null;
    if (!m[2]!.startsWith('refs/heads/') && !m[2]!.startsWith('refs/tags/')) continue;
    if (!PLAIN_NAME.test(m[2]!)) return null;
    // A loose ref wins over its packed entry.
    if (!refs.has(m[2]!)) refs.set(m[2]!, m[1]!);
  }
  return [...refs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([name, id]) => `${id}\t${name}`);
}

/** Adds the loose refs under `dir` (relative to gitDir) to `refs`; false when one is not plain. */
function readLoose(gitDir: string, dir: string, refs: Map<string, string>): boolean {
  let entries;
  try {
    entries = readdirSync(join(gitDir, dir), { withFileTypes: true });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
  for (const e of entries) {
    const name = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (!readLoose(gitDir, name, refs)) return false;
      continue;
    }
    // A lock is an update in flight: the ref itself still holds the committed value.
    if (e.name.endsWith('.lock')) continue;
    if (!e.isFile() || !PLAIN_NAME.test(name)) return false;
    let id: string | undefined;
    try {
      id = HEX_LINE.exec(readFileSync(join(gitDir, name), 'latin1'))?.[1];
    } catch {
      return false;
    }
    if (id === undefined) return false;
    refs.set(name, id);
  }
  return true;
}
