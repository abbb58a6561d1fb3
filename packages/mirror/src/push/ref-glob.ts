/**
 * Globs over branch and tag names (the part after `refs/heads/` or `refs/tags/`), for the push rules.
 * `*` matches within one name component (`[^/]*`); `**` as a whole component matches across
 * components, as in .gitignore: a trailing one matches one or more components (`agent/**` matches
 * `agent/x` and `agent/x/y`, not `agent`), a leading or middle one zero or more (the components
 * `a`, `**`, `b` match `a/b` and `a/x/b`), `**` alone matches every name. Everything else is literal and
 * case-sensitive, as git's ref names are. The scanner's globToRegExp does not fit: a glob without `/`
 * matches a base name at any depth there (`agent*` would match `team/agent-x`).
 */

/** Characters git-check-ref-format refuses anywhere in a name (`*` is the wildcard, checked apart). */
const FORBIDDEN = /[\x00-\x20\x7f~^:?[\\]/;

/**
 * Why `glob` cannot be a branch or tag glob, or undefined when it can. `glob` is written without its
 * `refs/heads/` or `refs/tags/` prefix and without the leading `+` of a force pattern.
 */
export function refGlobProblem(glob: string): string | undefined {
  if (typeof glob !== 'string' || glob === '') return 'must be a non-empty name glob (e.g. agent/*)';
  if (glob.startsWith('refs/')) return `names a branch or tag without its refs/heads/ or refs/tags/ prefix (got ${glob})`;
  if (FORBIDDEN.test(glob)) return `holds a character git refuses in a ref name (space, ~ ^ : ? [ \\ or a control character): ${JSON.stringify(glob)}`;
  if (glob.includes('..') || glob.includes('@{')) return `holds ".." or "@{", which git refuses in a ref name: ${glob}`;
  const parts = glob.split('/');
  if (parts.some((c) => c === '')) return `has an empty component (a leading, trailing or double '/'): ${glob}`;
  if (parts.some((c) => c.startsWith('.') || c.endsWith('.lock') || c.endsWith('.'))) return `has a component git refuses (starting with '.', ending with '.' or '.lock'): ${glob}`;
  if (parts.some((c) => c.includes('**') && c !== '**')) return `uses '**' inside a component; it stands alone between slashes (agent/**): ${glob}`;
  return undefined;
}

/**
 * Compiles a branch or tag glob to an anchored RegExp over the name after `refs/heads/` or
 * `refs/tags/`. Throws TypeError with refGlobProblem's sentence for a glob it refuses.
 */
export function compileRefGlob(glob: string): RegExp {
  const problem = refGlobProblem(glob);
  if (problem !== undefined) throw new TypeError(`push glob ${problem}`);
  const parts = glob.split('/');
  let re = '';
  parts.forEach((c, i) => {
    const last = i === parts.length - 1;
    if (c !== '**') re += c.split('*').map(escapeRegExp).join('[^/]*') + (last ? '' : '/');
    // `**` spans one or more components at the end, zero or more (each with its '/') elsewhere.
    else re += last ? '.+' : '(?:.+/)?';
  });
  return new RegExp(`^${re}$`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
