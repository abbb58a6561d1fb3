/**
 * A repository's push block, `repos[].push: { writers, branches, tags?, deletes?, requireApproval? }`: who may push and
 * to which refs (@gitgate/mirror's PushRules decide each ref). Without it a repository is read-only.
 */
import { refGlobProblem, type PushSettings } from '@gitgate/mirror';
import type { ConfigProblems } from './config-problems.js';

/** A validated push block: the ref rules, and the groups that may push (policy, auth mode oidc). */
export interface PushConfig {
  settings: PushSettings;
  writers: string[];
}

/** Ref globs at `path`, each checked (a leading '+' allowed); undefined with problems when unusable. */
function globList(v: unknown, path: string, p: ConfigProblems, expected: string, nonEmpty: boolean): string[] | undefined {
  if (!Array.isArray(v) || (nonEmpty && v.length === 0) || v.some((g) => typeof g !== 'string')) {
    p.push(`${path}: must be ${expected}`);
    return undefined;
  }
  const globs = v as string[];
  let ok = true;
  globs.forEach((g, i) => {
    const problem = refGlobProblem(g.startsWith('+') ? g.slice(1) : g);
    if (problem !== undefined) {
      p.push(`${path}[${i}]: ${problem}`);
      ok = false;
    }
  });
  return ok ? [...globs] : undefined;
}

/**
 * `repos[i].push` (optional): undefined when absent or unusable (with problems). `writers` is
 * required (non-empty) with auth mode oidc; in mode none every caller may push and it is not used.
 */
export function pushEntry(v: unknown, path: string, oidc: boolean, p: ConfigProblems): PushConfig | undefined {
  if (v === undefined) return undefined;
  const o = p.obj(v, path);
  if (!o) return undefined;
  p.unknownKeys(o, ['writers', 'branches', 'tags', 'deletes', 'requireApproval'], path);
  const reported = p.list.length;
  const writers = p.groupList(o.writers, `${path}.writers`);
  if (oidc && writers.length === 0 && p.list.length === reported) p.push(`${path}.writers: required with auth mode oidc (the groups that may push), at least one`);
  let branches: string[] | undefined;
  if (o.branches === undefined) p.push(`${path}.branches: required (the branch globs agents may push to, e.g. ["agent/*"])`);
  else branches = globList(o.branches, `${path}.branches`, p, 'a non-empty list of branch name globs (e.g. ["agent/*"]; a leading + also allows force pushes)', true);
  const tags = o.tags === undefined ? [] : globList(o.tags, `${path}.tags`, p, 'a list of tag name globs (e.g. ["agent-*"]; a leading + also allows moving a tag)', false);
  const deletesOk = o.deletes === undefined || typeof o.deletes === 'boolean';
  if (!deletesOk) p.push(`${path}.deletes: must be true or false`);
  const approvalOk = approvalSetting(o.requireApproval, `${path}.requireApproval`, oidc, p);
  if (!branches || !tags || !deletesOk || !approvalOk) return undefined;
  const settings: PushSettings = {
    branches, ...(tags.length > 0 ? { tags } : {}), ...(o.deletes === true ? { deletes: true } : {}), ...(o.requireApproval === true ? { requireApproval: true } : {}),
  };
  return { settings, writers };
}

/** `requireApproval`: a boolean; true needs auth mode oidc, whose detokenize approvers allow held pushes. */
function approvalSetting(v: unknown, path: string, oidc: boolean, p: ConfigProblems): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'boolean') {
    p.push(`${path}: must be true or false`);
    return false;
  }
  if (v && !oidc) {
    p.push(`${path}: needs auth mode oidc (the detokenize approvers allow held pushes)`);
    return false;
  }
  return true;
}

/** One line for `gitgate check-config`: who may push where (a repository with push settings). */
export function describePush(name: string, push: PushSettings, writers: readonly string[], oidc: boolean): string {
  const who = oidc ? writers.join(', ') : 'everyone (auth mode none)';
  return `  ${name} accepts pushes from ${who} to branches ${push.branches.join(', ')}; tags ${push.tags?.join(', ') ?? 'none'}; deletes ${push.deletes ? 'yes' : 'no'}${push.requireApproval ? '; held until approved' : ''}\n`;
}
