/**
 * The gateway's configuration file (YAML): read and validated once, at start. Every problem is reported
 * together, each with the path of the offending key (`repos[1].upstream: required`).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface RepoConfig {
  name: string;
  /** Local bare repository path (absolute after loading), file:// or http(s):// URL. */
  upstream: string;
}

export interface Config {
  listen: { host: string; port: number };
  dataDir: string;
  auth: { mode: 'none' };
  log: { level: 'error' | 'warn' | 'info' | 'debug'; format: 'json' | 'text' };
  sync: { coalesceMs: number };
  limits: { maxRequestBytes: number };
  repos: RepoConfig[];
}

export class ConfigError extends Error {
  readonly code = 'GITGATE_CONFIG';
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const REPO_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
const TOP_KEYS = ['listen', 'dataDir', 'auth', 'log', 'sync', 'limits', 'repos'];

/** Reads and validates a config file. Throws ConfigError listing every problem. */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(file, [`not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  return validateConfig(raw ?? {}, dirname(resolve(file)), file);
}

/** Validates a parsed config object; relative paths resolve against `baseDir`. */
export function validateConfig(raw: unknown, baseDir: string, file = 'config'): Config {
  const problems: string[] = [];
  const obj = (v: unknown, path: string): Record<string, unknown> | undefined => {
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      problems.push(`${path}: must be a mapping`);
      return undefined;
    }
    return v as Record<string, unknown>;
  };
  const unknownKeys = (o: Record<string, unknown>, allowed: string[], path: string): void => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) problems.push(`${path}${path ? '.' : ''}${k}: unknown key (allowed: ${allowed.join(', ')})`);
  };
  const root = obj(raw, '(root)') ?? {};
  unknownKeys(root, TOP_KEYS, '');

  // listen
  let host = '127.0.0.1';
  let port = 8080;
  if (root.listen !== undefined) {
    const m = typeof root.listen === 'string' ? /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(root.listen) : null;
    if (!m || Number(m[2]) > 65535) problems.push('listen: must be HOST:PORT, e.g. 127.0.0.1:8080');
    else {
      host = m[1].replace(/^\[|\]$/g, '');
      port = Number(m[2]);
    }
  }
  // dataDir
  let dataDir = resolve(baseDir, 'data');
  if (root.dataDir !== undefined) {
    if (typeof root.dataDir !== 'string' || root.dataDir === '') problems.push('dataDir: must be a path');
    else dataDir = resolve(baseDir, root.dataDir);
  }
  // auth
  const auth = obj(root.auth, 'auth');
  if (root.auth === undefined) problems.push('auth: required (use `auth: { mode: none }` for a loopback-only trial)');
  if (auth) {
    unknownKeys(auth, ['mode'], 'auth');
    if (auth.mode !== 'none') problems.push(`auth.mode: must be "none" (got ${JSON.stringify(auth.mode)})`);
  }
  // log
  const logCfg: Config['log'] = { level: 'info', format: 'json' };
  const log = obj(root.log, 'log');
  if (log) {
    unknownKeys(log, ['level', 'format'], 'log');
    if (log.level !== undefined) {
      if (!['error', 'warn', 'info', 'debug'].includes(log.level as string)) problems.push('log.level: must be one of error, warn, info, debug');
      else logCfg.level = log.level as Config['log']['level'];
    }
    if (log.format !== undefined) {
      if (!['json', 'text'].includes(log.format as string)) problems.push('log.format: must be json or text');
      else logCfg.format = log.format as Config['log']['format'];
    }
  }
  // sync
  const syncCfg = { coalesceMs: 2000 };
  const sync = obj(root.sync, 'sync');
  if (sync) {
    unknownKeys(sync, ['coalesceMs'], 'sync');
    if (sync.coalesceMs !== undefined) {
      if (!Number.isInteger(sync.coalesceMs) || (sync.coalesceMs as number) < 0) problems.push('sync.coalesceMs: must be a non-negative integer (milliseconds)');
      else syncCfg.coalesceMs = sync.coalesceMs as number;
    }
  }
  // limits
  const limitsCfg = { maxRequestBytes: 16 * 1024 * 1024 };
  const limits = obj(root.limits, 'limits');
  if (limits) {
    unknownKeys(limits, ['maxRequestBytes'], 'limits');
    if (limits.maxRequestBytes !== undefined) {
      if (!Number.isInteger(limits.maxRequestBytes) || (limits.maxRequestBytes as number) < 1024) problems.push('limits.maxRequestBytes: must be an integer ≥ 1024');
      else limitsCfg.maxRequestBytes = limits.maxRequestBytes as number;
    }
  }
  // repos
  const repos: RepoConfig[] = [];
  if (root.repos === undefined) problems.push('repos: required (a list of { name, upstream })');
  else if (!Array.isArray(root.repos)) problems.push('repos: must be a list');
  else {
    const seen = new Set<string>();
    root.repos.forEach((r: unknown, i: number) => {
      const path = `repos[${i}]`;
      const o = obj(r, path);
      if (!o) return;
      unknownKeys(o, ['name', 'upstream'], path);
      let ok = true;
      if (typeof o.name !== 'string') {
        problems.push(`${path}.name: required`);
        ok = false;
      } else if (!REPO_NAME.test(o.name) || o.name.endsWith('.git') || o.name.split('/').includes('..')) {
        problems.push(`${path}.name: must be path segments of letters, digits, '.', '_' or '-' (e.g. acme/api), without .git`);
        ok = false;
      } else if (seen.has(o.name)) {
        problems.push(`${path}.name: ${o.name} is listed twice`);
        ok = false;
      }
      if (typeof o.upstream !== 'string' || o.upstream === '') {
        problems.push(`${path}.upstream: required (a local bare repository path, file:// or http(s):// URL)`);
        ok = false;
      } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(o.upstream) && !/^(file|https?):\/\//i.test(o.upstream)) {
        problems.push(`${path}.upstream: only local paths, file:// and http(s):// URLs are supported`);
        ok = false;
      }
      if (ok) {
        const name = o.name as string;
        seen.add(name);
        const up = o.upstream as string;
        repos.push({ name, upstream: /^[a-z][a-z0-9+.-]*:\/\//i.test(up) || isAbsolute(up) ? up : resolve(baseDir, up) });
      }
    });
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { listen: { host, port }, dataDir, auth: { mode: 'none' }, log: logCfg, sync: syncCfg, limits: limitsCfg, repos };
}
