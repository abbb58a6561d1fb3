/** The `repos` section of the configuration: repositories by upstream, and GitHub organisations. */
import type { GitHubSourceConfig, RepoConfig } from './config.js';
import type { ConfigProblems } from './config-problems.js';
import { githubEntry } from './config-github.js';
import { upstreamSource, upstreamUrl } from './config-upstream.js';
import { isRepoName } from './repo-name.js';
import { maskEntry } from './config-mask.js';
import { pushEntry } from './config-push.js';
import type { Rule } from '@gitgate/scanner';

/**
 * `repos: [{ name, upstream, readers?, credential?, caFile?, allowUnscannable?, mask?, push? } | { github, readers, mask?, push? }]`
 * (required); `customRules` are the scanner section's rules, which `mask.leave` may name.
 */
export function reposSection(root: Record<string, unknown>, oidc: boolean, p: ConfigProblems, customRules: readonly Rule[] = []): { repos: RepoConfig[]; github: GitHubSourceConfig[] } {
  const repos: RepoConfig[] = [];
  const github: GitHubSourceConfig[] = [];
  if (root.repos === undefined) p.push('repos: required (a list of { name, upstream })');
  else if (!Array.isArray(root.repos)) p.push('repos: must be a list');
  else {
    const seen = new Set<string>();
    root.repos.forEach((r: unknown, i: number) => {
      const path = `repos[${i}]`;
      const o = p.obj(r, path);
      if (!o) return;
      if (o.github !== undefined) {
        const g = githubEntry(o, path, oidc, p, customRules);
        if (g) github.push(g);
        return;
      }
      const repo = repoEntry(o, path, { oidc, customRules }, seen, p);
      if (repo) repos.push(repo);
    });
  }
  return { repos, github };
}

function repoEntry(o: Record<string, unknown>, path: string, ctx: { oidc: boolean; customRules: readonly Rule[] }, seen: Set<string>, p: ConfigProblems): RepoConfig | undefined {
  const { oidc } = ctx;
  p.unknownKeys(o, ['name', 'upstream', 'readers', 'credential', 'caFile', 'allowUnscannable', 'mask', 'push'], path);
  const allowUnscannable = baseNameGlobs(o.allowUnscannable, `${path}.allowUnscannable`, p);
  const mask = maskEntry(o.mask, `${path}.mask`, ctx.customRules, p);
  const push = pushEntry(o.push, `${path}.push`, oidc, p);
  const readers = p.groupList(o.readers, `${path}.readers`);
  if (oidc && o.readers === undefined) p.push(`${path}.readers: required with auth mode oidc (the groups that may clone)`);
  let nameOk = true;
  if (typeof o.name !== 'string') {
    p.push(`${path}.name: required`);
    nameOk = false;
  } else if (!isRepoName(o.name)) {
    p.push(`${path}.name: must be path segments of letters, digits, '.', '_' or '-' (e.g. acme/api), without .git`);
    nameOk = false;
  } else if (seen.has(o.name)) {
    p.push(`${path}.name: ${o.name} is listed twice`);
    nameOk = false;
  }
  const upstream = upstreamUrl(o.upstream, path, p);
  if (!nameOk || upstream === undefined) return undefined;
  const name = o.name as string;
  seen.add(name);
  const source = upstreamSource(o, upstream, path, p);
  return source ? { name, readers, upstream, source, ...(allowUnscannable.length > 0 ? { allowUnscannable } : {}), ...(mask ? { mask } : {}), ...(push ? { push: push.settings, writers: push.writers } : {}) } : undefined;
}

/** A tree is content-addressed (one tree, many paths), so only an entry's own name can decide. */
function baseNameGlobs(v: unknown, path: string, p: ConfigProblems): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((g) => typeof g !== 'string' || g === '')) {
    p.push(`${path}: must be a list of non-empty file name globs (e.g. "*.zip")`);
    return [];
  }
  const withSlash = (v as string[]).filter((g) => g.includes('/'));
  if (withSlash.length > 0) {
    p.push(`${path}: globs match a file's base name only, without '/' (got ${withSlash.join(', ')})`);
    return [];
  }
  return v as string[];
}
