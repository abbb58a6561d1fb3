/** A `repos` entry naming a GitHub organisation (`{ github: { org, include, auth, … }, readers, mask?, push? }`). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GitHubSourceConfig } from './config.js';
import type { ConfigProblems } from './config-problems.js';
import { maskEntry } from './config-mask.js';
import { pushEntry } from './config-push.js';
import type { Rule } from '@gitgate/scanner';

/**
 * The organisation source of entry `o` at `path`; undefined (with problems) when unusable. Its `mask`
 * and `push` apply to every repository of the organisation (`customRules`: the ones it may name).
 */
export function githubEntry(o: Record<string, unknown>, path: string, oidc: boolean, p: ConfigProblems, customRules: readonly Rule[] = []): GitHubSourceConfig | undefined {
  p.unknownKeys(o, ['github', 'readers', 'mask', 'push'], path);
  const mask = maskEntry(o.mask, `${path}.mask`, customRules, p);
  const push = pushEntry(o.push, `${path}.push`, oidc, p);
  const readers = p.groupList(o.readers, `${path}.readers`);
  if (oidc && o.readers === undefined) p.push(`${path}.readers: required with auth mode oidc (the groups that may clone)`);
  const g = p.obj(o.github, `${path}.github`);
  if (!g) return undefined;
  const gp = `${path}.github`;
  p.unknownKeys(g, ['org', 'include', 'auth', 'baseUrl', 'includeArchived', 'caFile'], gp);
  if (typeof g.org !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(g.org)) p.push(`${gp}.org: required, a GitHub organisation name`);
  const include = g.include === undefined ? ['*'] : g.include;
  if (!Array.isArray(include) || include.length === 0 || include.some((x) => typeof x !== 'string' || x === '')) p.push(`${gp}.include: must be a list of name globs`);
  if (g.baseUrl !== undefined && (typeof g.baseUrl !== 'string' || !/^https?:\/\/\S+$/.test(g.baseUrl))) p.push(`${gp}.baseUrl: must be an http(s) URL`);
  if (g.includeArchived !== undefined && typeof g.includeArchived !== 'boolean') p.push(`${gp}.includeArchived: must be true or false`);
  const auth = githubAuth(g, gp, p);
  if (!auth || typeof g.org !== 'string' || !Array.isArray(include)) return undefined;
  return {
    org: g.org, include: include as string[], auth, baseUrl: g.baseUrl as string | undefined,
    includeArchived: g.includeArchived === true, caFile: typeof g.caFile === 'string' ? resolve(p.baseDir, g.caFile) : undefined, readers,
    ...(mask ? { mask } : {}), ...(push ? { push: push.settings, writers: push.writers } : {}),
  };
}

/** `auth: { token }` or `auth: { app: { appId, privateKeyFile, installationId } }`, values read. */
function githubAuth(g: Record<string, unknown>, gp: string, p: ConfigProblems): GitHubSourceConfig['auth'] | undefined {
  const a = p.obj(g.auth, `${gp}.auth`);
  if (!a) {
    p.push(`${gp}.auth: required ({ token: env:NAME } or { app: { appId, privateKeyFile, installationId } })`);
    return undefined;
  }
  if (a.token !== undefined) {
    p.unknownKeys(a, ['token'], `${gp}.auth`);
    if (typeof a.token !== 'string') {
      p.push(`${gp}.auth.token: must be env:NAME, file:PATH or a literal`);
      return undefined;
    }
    const token = p.secret(a.token, `${gp}.auth.token`);
    return token === undefined ? undefined : { token };
  }
  p.unknownKeys(a, ['app'], `${gp}.auth`);
  const app = p.obj(a.app, `${gp}.auth.app`);
  if (!app) {
    p.push(`${gp}.auth: give token or app`);
    return undefined;
  }
  p.unknownKeys(app, ['appId', 'privateKeyFile', 'installationId'], `${gp}.auth.app`);
  if (!Number.isInteger(app.appId)) p.push(`${gp}.auth.app.appId: must be an integer`);
  if (!Number.isInteger(app.installationId)) p.push(`${gp}.auth.app.installationId: must be an integer`);
  let privateKey: string | undefined;
  if (typeof app.privateKeyFile !== 'string') p.push(`${gp}.auth.app.privateKeyFile: required`);
  else if (!p.resolves(`${gp}.auth.app.privateKeyFile`)) return undefined;
  else {
    try {
      privateKey = readFileSync(resolve(p.baseDir, app.privateKeyFile), 'utf8');
    } catch (e) {
      p.push(`${gp}.auth.app.privateKeyFile: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!privateKey || !Number.isInteger(app.appId) || !Number.isInteger(app.installationId)) return undefined;
  return { app: { appId: app.appId as number, privateKey, installationId: app.installationId as number } };
}
