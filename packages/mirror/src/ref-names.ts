/**
 * The policy for ref names (git-check-ref-format): the part of a branch or tag name after
 * `refs/heads/` or `refs/tags/` is scanned, and a secret in it becomes the ref-safe token
 * `TOKEN_<type>_<id>` (`[` is not allowed in a ref name; the token holds only `A-Z a-z 0-9 _ -`, so a
 * valid name stays valid). HEAD's branch is named the same way, so HEAD follows its branch.
 */
import type { PlaceTokenizer } from './place-tokenizer.js';
import type { TakenSecret } from './tokenize.js';
import { MirrorError, codes } from './errors.js';

export interface SanitizedRefName {
  name: string;
  secrets: TakenSecret[];
}

/**
 * The served name of the upstream ref `name`. A name outside `refs/<kind>/` is scanned whole. Each
 * ref name is scanned on its own, so its served name depends on nothing but its own bytes. Throws what
 * the scanner throws.
 */
export function sanitizeRefName(name: string, tokenize: PlaceTokenizer): SanitizedRefName {
  const kindEnd = name.startsWith('refs/') ? name.indexOf('/', 5) : -1;
  const prefix = kindEnd < 0 ? '' : name.slice(0, kindEnd + 1);
  const rest = Buffer.from(name.slice(prefix.length), 'utf8');
  if (rest.length === 0) return { name, secrets: [] };
  const r = tokenize(rest, 'ref');
  if (r.secrets.length === 0) return { name, secrets: [] };
  return { name: prefix + r.content.toString('utf8'), secrets: r.secrets };
}

/**
 * The served names of a repository's refs and of HEAD's branch. Throws MirrorError
 * GITGATE_REF_NAME_COLLISION when two upstream refs get one served name (a branch already named like
 * another's token): one of them would silently hide the other. `rename` is sanitizeRefName (or a cache
 * in front of it).
 */
export function sanitizeRefNames(
  refs: readonly { name: string; id: string }[], head: string | null, rename: (name: string) => SanitizedRefName,
): { refs: { name: string; id: string }[]; head: string | null; secrets: { ref: string; secrets: TakenSecret[] }[] } {
  const out: { name: string; id: string }[] = [];
  const secrets: { ref: string; secrets: TakenSecret[] }[] = [];
  const taken = new Set<string>();
  for (const r of refs) {
    const s = rename(r.name);
    if (taken.has(s.name)) throw new MirrorError(codes.refNameCollision, `two upstream refs are served as ${s.name}`, { data: { ref: s.name } });
    taken.add(s.name);
    out.push({ name: s.name, id: r.id });
    if (s.secrets.length > 0) secrets.push({ ref: s.name, secrets: s.secrets });
  }
  let servedHead: string | null = null;
  if (head !== null) {
    const s = rename(head);
    servedHead = s.name;
    if (s.secrets.length > 0 && !taken.has(s.name)) secrets.push({ ref: s.name, secrets: s.secrets });
  }
  return { refs: out, head: servedHead, secrets };
}
