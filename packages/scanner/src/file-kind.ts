/**
 * File kinds: what a file is, from its base name (and, for a name without an extension, its shebang),
 * and which findings apply to it. The gateway decides per tree entry name and `gitgate scan` per path
 * with the same two functions, so the dry run and the served bytes agree.
 */
import type { Finding } from './rule.js';
import { resolveForEveryKind, resolveOverlaps, sortByStart } from './resolve-overlaps.js';

/**
 * `code`: source files, where bare words are identifiers; `config`: configuration formats, where bare
 * values are literals (shell scripts too); `docs`; `lockfile`: machine-written dependency locks;
 * `unknown`: no name (messages, headers, a blob no tree names) or a name of no known kind.
 */
export type FileKind = 'code' | 'config' | 'docs' | 'lockfile' | 'unknown';

/** Every kind, `unknown` last. */
export const FILE_KINDS: readonly FileKind[] = Object.freeze(['code', 'config', 'docs', 'lockfile', 'unknown']);

const CODE_EXTENSIONS = [
  'js', 'mjs', 'cjs', 'ts', 'mts', 'cts', 'tsx', 'jsx', 'vue', 'svelte', 'py', 'pyi', 'pyx', 'go', 'java', 'kt', 'kts', 'scala', 'sc',
  'rb', 'php', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'hxx', 'cs', 'fs', 'vb', 'rs', 'swift', 'm', 'mm', 'lua', 'pl', 'pm', 'r',
  'dart', 'groovy', 'gradle', 'clj', 'cljs', 'ex', 'exs', 'erl', 'hs', 'ml', 'elm', 'jl', 'zig', 'nim', 'cr', 'd', 'v', 'sol',
];
const CONFIG_EXTENSIONS = [
  'env', 'ini', 'cfg', 'conf', 'cnf', 'properties', 'toml', 'yaml', 'yml', 'json', 'json5', 'jsonc', 'xml', 'config', 'tf', 'tfvars',
  'hcl', 'mk', 'sh', 'bash', 'zsh', 'ksh', 'fish', 'ps1', 'psm1', 'bat', 'cmd', 'plist', 'pbxproj', 'csproj', 'vbproj', 'props',
  'targets', 'nuspec', 'service', 'desktop', 'reg', 'dockerfile', 'htaccess',
];
const DOCS_EXTENSIONS = ['md', 'markdown', 'mdx', 'rst', 'txt', 'adoc', 'asciidoc', 'textile', 'rdoc', 'pod', 'org', 'tex'];
/** Dependency lockfiles, by exact name. */
const LOCKFILE_NAMES = [
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb', 'Cargo.lock', 'Gemfile.lock',
  'composer.lock', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'pdm.lock', 'go.sum', 'packages.lock.json', 'gradle.lockfile', 'mix.lock',
  'pubspec.lock', 'Podfile.lock', 'flake.lock', 'Package.resolved', 'conan.lock', 'deno.lock',
];
/** Configuration files by exact name (lower case), those an extension does not tell. */
const CONFIG_NAMES = [
  '.env', '.npmrc', '.yarnrc', '.pypirc', '.netrc', '_netrc', '.pgpass', '.git-credentials', '.gitconfig', '.dockercfg', '.htpasswd',
  '.boto', '.s3cfg', '.my.cnf', '.bashrc', '.bash_profile', '.profile', '.zshrc', '.zprofile', '.envrc', 'makefile', 'gnumakefile',
  'dockerfile', 'containerfile', 'vagrantfile', 'procfile', 'jenkinsfile', 'credentials', 'config', '.gitmodules', '.editorconfig',
];
const CODE_NAMES = ['rakefile', 'gemfile', 'podfile', 'fastfile', 'brewfile', 'guardfile', 'berksfile'];
const DOCS_NAMES = ['readme', 'license', 'licence', 'copying', 'authors', 'contributors', 'changelog', 'changes', 'news', 'notice', 'history'];

const byExtension = new Map<string, FileKind>([
  ...CODE_EXTENSIONS.map((e): [string, FileKind] => [e, 'code']),
  ...CONFIG_EXTENSIONS.map((e): [string, FileKind] => [e, 'config']),
  ...DOCS_EXTENSIONS.map((e): [string, FileKind] => [e, 'docs']),
]);
const byName = new Map<string, FileKind>([
  ...CONFIG_NAMES.map((n): [string, FileKind] => [n, 'config']),
  ...CODE_NAMES.map((n): [string, FileKind] => [n, 'code']),
  ...DOCS_NAMES.map((n): [string, FileKind] => [n, 'docs']),
]);
const lockfiles = new Set(LOCKFILE_NAMES);
/** Shell interpreters: their scripts are config (bare words are literals); other interpreters run code. */
const SHELLS = /^(?:sh|bash|zsh|ksh|dash|ash|fish)$/;
const SCRIPTING = /^(?:python[0-9.]*|node|nodejs|deno|bun|ruby|perl[0-9.]*|php[0-9.]*|lua[0-9.]*|Rscript|groovy|tsx|ts-node)$/;

/**
 * The kind of a file from its base name (a `/`-separated path's last part is taken) and, for a name
 * with no extension of a known kind, its first bytes (`#!/bin/sh` is config, `#!/usr/bin/env python` code).
 * Lockfiles by exact name; `.env`, `.env.*`, `*.env`; `Dockerfile*`, `Makefile`, `*.mk`; man pages
 * (`name.1` … `name.9`) are docs. Deterministic; never throws on odd names.
 */
export function fileKindOf(name: string, head?: Uint8Array): FileKind {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (lockfiles.has(base)) return 'lockfile';
  const lower = base.toLowerCase();
  const named = byName.get(lower);
  if (named !== undefined) return named;
  if (lower.startsWith('.env.') || lower.startsWith('dockerfile.') || lower.startsWith('dockerfile-')) return 'config';
  if (lower.startsWith('docker-compose') || lower.startsWith('compose.')) return 'config';
  const dot = lower.lastIndexOf('.');
  if (dot > 0 || (dot === 0 && lower.length > 1)) {
    const kind = byExtension.get(lower.slice(dot + 1));
    if (kind !== undefined) return kind;
    if (/^\.[1-9]$/.test(lower.slice(dot))) return 'docs';
  }
  if (DOCS_NAMES.includes(dot > 0 ? lower.slice(0, dot) : lower)) return 'docs';
  // Only a name that tells nothing lets the content decide: then every such name selects alike.
  const shebang = head === undefined ? undefined : interpreterOf(head);
  if (shebang !== undefined) {
    if (SHELLS.test(shebang)) return 'config';
    if (SCRIPTING.test(shebang)) return 'code';
  }
  return 'unknown';
}

/** Whether the kind of `name` may depend on the file's first bytes (a shebang decides it). */
export function kindNeedsHead(name: string): boolean {
  return fileKindOf(name) === 'unknown';
}

/** The interpreter a `#!` line names (`/usr/bin/env -S python3 -u` → `python3`), or undefined. */
function interpreterOf(head: Uint8Array): string | undefined {
  if (head.length < 3 || head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  let end = 2;
  while (end < head.length && end < 200 && head[end] !== 0x0a && head[end] !== 0x0d) end++;
  const words = Buffer.from(head.buffer, head.byteOffset + 2, end - 2).toString('latin1').trim().split(/\s+/);
  let at = 0;
  const program = (w: string | undefined): string => (w ?? '').slice((w ?? '').lastIndexOf('/') + 1);
  if (program(words[0]) === 'env') {
    at = 1;
    while (at < words.length && words[at]!.startsWith('-')) at++;
  }
  const p = program(words[at]);
  return p.length > 0 ? p : undefined;
}

/**
 * Whether `finding` applies in a file of `kind`: every finding applies to `unknown` (fail closed);
 * otherwise the kinds its rule lists (all when it lists none), and no finding below high confidence
 * (name-based) applies to a lockfile.
 */
export function appliesTo(finding: Finding, kind: FileKind): boolean {
  if (kind === 'unknown') return true;
  if (kind === 'lockfile' && finding.confidence !== 'high') return false;
  return finding.fileKinds === undefined || finding.fileKinds.includes(kind);
}

/** Whether `finding` applies in a file of every kind. */
export function appliesToEveryKind(finding: Finding): boolean {
  return finding.fileKinds === undefined && finding.confidence === 'high';
}

/**
 * The findings of an unhinted `scan` that apply to content of `kind`, sorted and non-overlapping:
 * exactly what `scan(content, { kind })` returns.
 */
export function selectFindings(findings: readonly Finding[], kind: FileKind): Finding[] {
  return resolveOverlaps(findings.filter((f) => appliesTo(f, kind)));
}

/**
 * Resolves the candidates of one scan for every file kind and file name at once: the union over the
 * kinds of each kind's own resolution (`resolveForEveryKind` of the candidates that apply in it, where
 * `nameConditional` says which a file name may still drop). So dropping the findings of other kinds
 * (`selectFindings`) never loses one the kind keeps. Sorted by start; overlaps only where kinds or
 * names decide between findings.
 */
export function resolvePerKind(candidates: readonly Finding[], nameConditional: (f: Finding) => boolean): Finding[] {
  if (candidates.every(appliesToEveryKind)) return resolveForEveryKind(candidates, nameConditional);
  const union = new Set<Finding>();
  for (const kind of FILE_KINDS) {
    for (const f of resolveForEveryKind(candidates.filter((c) => appliesTo(c, kind)), nameConditional)) union.add(f);
  }
  return sortByStart([...union]);
}
