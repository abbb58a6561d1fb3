/**
 * The kind of a file, from its name: code, config, docs, lockfile or unknown. A rule declares the
 * kinds its findings apply to (`Rule.fileKinds`); `unknown` (no name, an unrecognised name) always
 * applies, so content without a name is judged by every rule (fail closed).
 *
 * Minimal form for the generic rules' tests; the full plumbing (content sniffing, the gateway's
 * use of kinds) is built separately and replaces this file.
 */
import { isLockfile } from './path-rules.js';

/** What a file holds, as far as the rules care. */
export type FileKind = 'code' | 'config' | 'docs' | 'lockfile' | 'unknown';

const CODE = new Set(['js', 'mjs', 'cjs', 'ts', 'mts', 'cts', 'tsx', 'jsx', 'py', 'go', 'java', 'kt', 'kts', 'scala', 'groovy', 'rb', 'php', 'c', 'h', 'cc', 'cpp', 'hpp', 'cs', 'rs', 'swift', 'm', 'dart', 'lua', 'pl', 'ex', 'exs', 'vue', 'svelte']);
const CONFIG = new Set(['env', 'ini', 'cfg', 'conf', 'properties', 'toml', 'yaml', 'yml', 'json', 'xml', 'config', 'tf', 'tfvars', 'hcl', 'mk', 'sh', 'bash', 'zsh', 'ps1']);
const CONFIG_NAMES = /^(?:\.env(?:\..*)?|Dockerfile.*|Containerfile|Makefile|GNUmakefile|\.npmrc|\.pypirc|\.netrc|_netrc|\.pgpass|\.gitconfig|\.git-credentials)$/;
const DOCS = new Set(['md', 'markdown', 'rst', 'txt', 'adoc']);

/**
 * The kind of the file named `name` (a path or a base name); `unknown` for an empty name.
 * `head` (the first bytes of the content) is accepted for the full version's sniffing and unused here.
 */
export function fileKindOf(name: string, head?: Uint8Array): FileKind {
  void head;
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (base === '') return 'unknown';
  if (isLockfile(base)) return 'lockfile';
  if (CONFIG_NAMES.test(base)) return 'config';
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (CODE.has(ext)) return 'code';
  if (CONFIG.has(ext)) return 'config';
  if (DOCS.has(ext)) return 'docs';
  return 'unknown';
}
