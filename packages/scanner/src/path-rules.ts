/**
 * Path rules, applied only when `scan` is given a path hint (`gitgate scan`). The rewrite is
 * content-addressed — one blob can sit at many paths — so it never sees a path; everything the
 * rewrite must catch is detected from content (see key-container.ts).
 */

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
 * Dependency lockfiles: machine-written, full of hashes and registry URLs. With a path hint,
 * name-based (medium/low confidence) rules do not report in them; provider tokens still do.
 */
const LOCKFILES = globToRegExp(
  '{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lock,Cargo.lock,Gemfile.lock,composer.lock,' +
    'poetry.lock,Pipfile.lock,uv.lock,pdm.lock,go.sum,packages.lock.json,gradle.lockfile,mix.lock,pubspec.lock,' +
    'Podfile.lock,flake.lock,Package.resolved,conan.lock,deno.lock}',
);

/** Whether `path` names a dependency lockfile. */
export function isLockfile(path: string): boolean {
  return LOCKFILES.test(path);
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
