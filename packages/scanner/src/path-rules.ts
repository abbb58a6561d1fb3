/**
 * Name rules: globs over file names, honoured by `gitgate scan` (per path) and by the gateway (per
 * tree entry name) alike. A blob or tree is content-addressed and sits at many paths, so globs that
 * name directories cannot be honoured by the gateway and are refused. Key files by name are the one
 * path rule left to `gitgate scan` only; the gateway finds their keys by content (key-container.ts).
 */
import { fileKindOf } from './file-kind.js';

/**
 * Compiles a glob to an anchored regex over a `/`-separated path: `**` spans directories, `*`
 * and `?` stay within one name, `{a,b}` alternates. A glob without `/` matches the base name
 * anywhere (as in .gitignore); one with `/` matches from the repository root.
 * @throws TypeError for an empty glob.
 */
export function globToRegExp(glob: string): RegExp {
  if (typeof glob !== 'string' || glob.length === 0) throw new TypeError('glob must be a non-empty string');
  const anchored = glob.includes('/');
  const body = globBody(glob.replace(/^\//, ''));
  return new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`);
}

/** The regex source of a glob (no anchors); `{a,b}` alternatives are globs themselves. */
function globBody(g: string): string {
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        // `**/` is zero or more directories; a trailing `**` is everything below.
        if (g[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = g.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += '(?:' + g.slice(i + 1, close).split(',').map(globBody).join('|') + ')';
        i = close;
      }
    } else re += escapeRegExp(c);
  }
  return re;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Whether `path` matches one of `globs` (compiled with {@link globToRegExp}). */
export function pathMatches(path: string, globs: readonly RegExp[]): boolean {
  return globs.some((g) => g.test(path));
}

/**
 * The file-name glob `glob` stands for: a leading `**` directory part is dropped (it matches at any depth, as a
 * bare name does). Returns undefined when the glob names a directory (`config/*.env`, `src/**`).
 */
export function nameGlob(glob: string): string | undefined {
  const name = glob.replace(/^(?:\*\*\/)+/, '');
  return name.length > 0 && !name.includes('/') ? name : undefined;
}

/**
 * Compiles a file-name glob (see {@link nameGlob}) to a regex over a path's base name.
 * @throws TypeError when the glob is empty or names a directory.
 */
export function compileNameGlob(glob: string): RegExp {
  const name = typeof glob === 'string' ? nameGlob(glob) : undefined;
  if (name === undefined) throw new TypeError(typeof glob === 'string' && glob.length > 0 ? directoryGlobProblem(glob) : 'glob must be a non-empty string');
  return globToRegExp(name);
}

/** The sentence that refuses a glob naming a directory, for config problems and TypeErrors alike. */
export function directoryGlobProblem(glob: string): string {
  return `${JSON.stringify(glob)} names a directory: paths are matched against file names (like *.env or settings.ini), ` +
    'because the gateway sees a file by its name in a tree, never by its whole path';
}

/**
 * Dependency lockfiles (machine-written, full of hashes and registry URLs): the `lockfile` kind, in
 * which findings below high confidence do not apply (see file-kind.ts); provider tokens still do.
 */
export function isLockfile(path: string): boolean {
  return fileKindOf(path) === 'lockfile';
}

/**
 * Files that hold nothing but key material: the whole content is the secret. `.pem`/`.crt` are
 * not here — they often hold only certificates; their private blocks are found by content.
 */
const KEY_FILES = globToRegExp('{id_rsa,id_dsa,id_ecdsa,id_ed25519,id_ecdsa_sk,id_ed25519_sk,*.p12,*.pfx,*.jks,*.jceks,*.keystore,*.bks,*.ppk,*.key,*.p8,*.pkcs8,*.der.key}');

/** Whether `path` names a key file whose whole content is secret. */
export function isKeyFile(path: string): boolean {
  return KEY_FILES.test(path);
}
