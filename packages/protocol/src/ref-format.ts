/**
 * git check-ref-format for the full ref names of a push, as receive-pack applies it (builtin/receive-pack.c
 * `update()`: the name must start with `refs/` and `check_refname_format(name + 5, ...)` must pass, else
 * the ref is answered `ng <ref> funny refname`). Rules from git-check-ref-format(1) and refs.c.
 */

/** Characters no component may hold: ASCII control characters, DEL, space, ~ ^ : ? * [ and backslash. */
const BAD_CHAR = /[\u0000-\u0020\u007f~^:?*[\\]/;

/** Why one `/`-separated component is refused, or undefined when git accepts it. */
function componentProblem(c: string): string | undefined {
  if (c === '') return 'an empty component (leading, trailing or double slash)';
  if (c.startsWith('.')) return 'a component starting with "."';
  if (c.endsWith('.lock')) return 'a component ending with ".lock"';
  if (c.includes('..')) return '".."';
  if (c.includes('@{')) return '"@{"';
  if (BAD_CHAR.test(c)) return 'a control character, space or one of ~ ^ : ? * [ \\';
  return undefined;
}

/**
 * Why git's receive-pack refuses `name` as a pushed ref, or undefined when it accepts it. `oneLevel`
 * allows `refs/<x>`, a single component below `refs/` (git 2.39's receive-pack refuses it for every
 * command; a repository may still hold one).
 */
export function refNameProblem(name: string, oneLevel: boolean): string | undefined {
  if (!name.startsWith('refs/')) return 'it does not start with "refs/"';
  const rest = name.slice(5);
  if (rest === '@') return 'it is "@"';
  const components = rest.split('/');
  for (const c of components) {
    const problem = componentProblem(c);
    if (problem !== undefined) return `it holds ${problem}`;
  }
  if (rest.endsWith('.')) return 'it ends with "."';
  if (!oneLevel && components.length < 2) return 'it has a single component below "refs/"';
  return undefined;
}
