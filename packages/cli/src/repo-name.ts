/** Which repository names the gateway serves: the one rule, for configured and discovered names. */

const SEGMENTS = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

/**
 * True for path segments of letters, digits, '.', '_' or '-' (each starting with a letter, digit or
 * '_'), not ending in .git and without a `..` segment: `acme/api`.
 */
export function isRepoName(name: string): boolean {
  return SEGMENTS.test(name) && !name.endsWith('.git') && !name.split('/').includes('..');
}
