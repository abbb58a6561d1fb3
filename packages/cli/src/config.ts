/**
 * The gateway's configuration file (YAML): read and validated once, at start. Every problem is reported
 * together, each with the path of the offending key (`repos[1].upstream: required`).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { httpsUpstreamSource, resolveSecretRef as resolveRef, type UpstreamSource } from '@gitgate/mirror';
import { compileScannerConfig, type AllowlistEntry, type Rule } from '@gitgate/scanner';

export interface RepoConfig {
  name: string;
  /** Local bare repository path (absolute after loading), file:// or http(s):// URL. */
  upstream: string;
  /** Groups that may clone and fetch (auth mode oidc). */
  readers: string[];
  /** How to fetch it: URL plus credential headers and CA file, resolved from the config. */
  source: UpstreamSource;
  /** Base-name globs whose unscannable blobs are served as they are (default none: withheld). */
  allowUnscannable?: string[];
}

export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'oidc'; issuer: string; audience: string; jwksUri?: string; groupsClaim: string };

export interface DetokenizeConfig {
  requesters: string[];
  approvers: string[];
  minApprovals: number;
  requireReason: boolean;
  requestTtlMs: number;
  grantTtlMs: number;
  oneTimeReveal: boolean;
  webhook?: { url: string; secret: string };
}

/** A GitHub organisation whose matching repositories are served (resolved at start). */
export interface GitHubSourceConfig {
  org: string;
  include: string[];
  auth: { token: string } | { app: { appId: number; privateKey: string; installationId: number } };
  baseUrl?: string;
  includeArchived: boolean;
  caFile?: string;
  readers: string[];
}

export interface Config {
  listen: { host: string; port: number };
  dataDir: string;
  auth: AuthConfig;
  detokenize: DetokenizeConfig;
  admins: string[];
  /**
   * Audit retention: records older than `retentionMs` are exported to `exportDir` as JSON lines, then
   * purged. `key`: the 32-byte audit chain key (else DATA/audit.key); `anchorWebhook`: where the chain
   * head is posted, HMAC-signed, every `intervalSeconds`.
   */
  audit: { retentionMs?: number; exportDir: string; key?: Buffer; anchorWebhook?: { url: string; secret: string; intervalSeconds: number } };
  /** Custom rules and allowlist entries added to the built-in scanner (they change the rule-set version). */
  scanner: { rules: Rule[]; allowlist: AllowlistEntry[] };
  log: { level: 'error' | 'warn' | 'info' | 'debug'; format: 'json' | 'text' };
  sync: { coalesceMs: number; onStart: boolean; intervalSeconds: number; upstreamTimeoutSeconds?: number };
  limits: { maxRequestBytes: number };
  /**
   * /metrics: with `listen` it is served on that address only; with `token` it asks for
   * `Authorization: Bearer <token>`; with neither, open in auth mode none, absent (404) in oidc.
   */
  metrics: { token?: string; listen?: { host: string; port: number } };
  repos: RepoConfig[];
  github: GitHubSourceConfig[];
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
const TOP_KEYS = ['listen', 'dataDir', 'auth', 'detokenize', 'admins', 'audit', 'scanner', 'log', 'sync', 'limits', 'repos', 'metrics'];

/** Parses a duration such as 30s, 15m, 1h or 2d into milliseconds; undefined when malformed. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}

/** Resolves `env:NAME` and `file:PATH` references (anything else is taken literally), as a problem instead of a throw. */
export function resolveSecretRef(ref: string, baseDir: string, env: NodeJS.ProcessEnv): { value?: string; problem?: string } {
  try {
    return { value: resolveRef(ref, env, (path) => readFileSync(resolve(baseDir, path))) };
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

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
export function validateConfig(raw: unknown, baseDir: string, file = 'config', env: NodeJS.ProcessEnv = process.env): Config {
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
  let authCfg: AuthConfig = { mode: 'none' };
  const auth = obj(root.auth, 'auth');
  if (root.auth === undefined) problems.push('auth: required (`auth: { mode: oidc, issuer, audience }`, or `auth: { mode: none }` for a loopback-only trial)');
  if (auth) {
    if (auth.mode === 'none') {
      unknownKeys(auth, ['mode'], 'auth');
    } else if (auth.mode === 'oidc') {
      unknownKeys(auth, ['mode', 'issuer', 'audience', 'jwksUri', 'groupsClaim'], 'auth');
      const url = (k: string, required: boolean): string | undefined => {
        const v = auth[k];
        if (v === undefined) {
          if (required) problems.push(`auth.${k}: required for mode oidc`);
          return undefined;
        }
        if (typeof v !== 'string' || !/^https?:\/\/[^\s]+$/.test(v)) {
          problems.push(`auth.${k}: must be an http(s) URL`);
          return undefined;
        }
        return v.replace(/\/+$/, '');
      };
      const issuer = url('issuer', true);
      const jwksUri = url('jwksUri', false);
      if (typeof auth.audience !== 'string' || auth.audience === '') problems.push('auth.audience: required for mode oidc (the audience your tokens are minted for)');
      if (auth.groupsClaim !== undefined && (typeof auth.groupsClaim !== 'string' || auth.groupsClaim === '')) problems.push('auth.groupsClaim: must be a claim name');
      if (issuer && typeof auth.audience === 'string' && auth.audience !== '') {
        authCfg = { mode: 'oidc', issuer, audience: auth.audience, jwksUri, groupsClaim: (auth.groupsClaim as string | undefined) ?? 'groups' };
      }
    } else {
      problems.push(`auth.mode: must be "oidc" or "none" (got ${JSON.stringify(auth.mode)})`);
    }
  }
  const groupList = (v: unknown, path: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((g) => typeof g !== 'string' || g === '')) {
      problems.push(`${path}: must be a list of group names`);
      return [];
    }
    return v as string[];
  };
  const admins = groupList(root.admins, 'admins');
  // A tree is content-addressed (one tree, many paths), so only an entry's own name can decide.
  const baseNameGlobs = (v: unknown, path: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((g) => typeof g !== 'string' || g === '')) {
      problems.push(`${path}: must be a list of non-empty file name globs (e.g. "*.zip")`);
      return [];
    }
    const withSlash = (v as string[]).filter((g) => g.includes('/'));
    if (withSlash.length > 0) {
      problems.push(`${path}: globs match a file's base name only, without '/' (got ${withSlash.join(', ')})`);
      return [];
    }
    return v as string[];
  };
  // detokenize
  const det: DetokenizeConfig = { requesters: [], approvers: [], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true };
  const d = obj(root.detokenize, 'detokenize');
  if (d) {
    unknownKeys(d, ['requesters', 'approvers', 'minApprovals', 'requireReason', 'requestTtl', 'grantTtl', 'oneTimeReveal', 'webhook'], 'detokenize');
    det.requesters = groupList(d.requesters, 'detokenize.requesters');
    det.approvers = groupList(d.approvers, 'detokenize.approvers');
    if (d.minApprovals !== undefined) {
      if (!Number.isInteger(d.minApprovals) || (d.minApprovals as number) < 1) problems.push('detokenize.minApprovals: must be an integer ≥ 1');
      else det.minApprovals = d.minApprovals as number;
    }
    for (const k of ['requireReason', 'oneTimeReveal'] as const) {
      if (d[k] !== undefined) {
        if (typeof d[k] !== 'boolean') problems.push(`detokenize.${k}: must be true or false`);
        else det[k] = d[k] as boolean;
      }
    }
    for (const [k, field] of [['requestTtl', 'requestTtlMs'], ['grantTtl', 'grantTtlMs']] as const) {
      if (d[k] !== undefined) {
        const ms = parseDuration(d[k]);
        if (ms === undefined || ms <= 0) problems.push(`detokenize.${k}: must be a duration such as 15m, 1h or 2d`);
        else det[field] = ms;
      }
    }
    const wh = obj(d.webhook, 'detokenize.webhook');
    if (wh) {
      unknownKeys(wh, ['url', 'secret'], 'detokenize.webhook');
      if (typeof wh.url !== 'string' || !/^https?:\/\/\S+$/.test(wh.url)) problems.push('detokenize.webhook.url: must be an http(s) URL');
      if (typeof wh.secret !== 'string' || wh.secret === '') problems.push('detokenize.webhook.secret: required (env:NAME or file:PATH), used to sign the body');
      else {
        const r = resolveSecretRef(wh.secret, baseDir, env);
        if (r.problem) problems.push(`detokenize.webhook.secret: ${r.problem}`);
        else if (typeof wh.url === 'string') det.webhook = { url: wh.url, secret: r.value! };
      }
    }
    if (det.approvers.length === 0) problems.push('detokenize.approvers: at least one approver group is required');
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
  const syncCfg: Config['sync'] = { coalesceMs: 2000, onStart: true, intervalSeconds: 0 };
  const sync = obj(root.sync, 'sync');
  if (sync) {
    unknownKeys(sync, ['coalesceMs', 'onStart', 'intervalSeconds', 'upstreamTimeoutSeconds'], 'sync');
    if (sync.coalesceMs !== undefined) {
      if (!Number.isInteger(sync.coalesceMs) || (sync.coalesceMs as number) < 0) problems.push('sync.coalesceMs: must be a non-negative integer (milliseconds)');
      else syncCfg.coalesceMs = sync.coalesceMs as number;
    }
    if (sync.onStart !== undefined) {
      if (typeof sync.onStart !== 'boolean') problems.push('sync.onStart: must be true or false');
      else syncCfg.onStart = sync.onStart;
    }
    if (sync.intervalSeconds !== undefined) {
      const n = sync.intervalSeconds;
      if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 7 * 86400) problems.push('sync.intervalSeconds: must be an integer from 0 (off) to 604800 (one week)');
      else syncCfg.intervalSeconds = n as number;
    }
    if (sync.upstreamTimeoutSeconds !== undefined) {
      const n = sync.upstreamTimeoutSeconds;
      if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 86400) problems.push('sync.upstreamTimeoutSeconds: must be an integer from 1 to 86400 (one day)');
      else syncCfg.upstreamTimeoutSeconds = n as number;
    }
  }
  // metrics
  const metricsCfg: Config['metrics'] = {};
  const metrics = obj(root.metrics, 'metrics');
  if (metrics) {
    unknownKeys(metrics, ['token', 'listen'], 'metrics');
    if (metrics.listen !== undefined) {
      const m = typeof metrics.listen === 'string' ? /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(metrics.listen) : null;
      if (!m || Number(m[2]) > 65535) problems.push('metrics.listen: must be HOST:PORT, e.g. 127.0.0.1:9464');
      else metricsCfg.listen = { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    }
    if (metrics.token !== undefined) {
      if (typeof metrics.token !== 'string' || metrics.token === '') problems.push('metrics.token: must be env:NAME, file:PATH or a literal');
      else {
        const r = resolveSecretRef(metrics.token, baseDir, env);
        if (r.problem) problems.push(`metrics.token: ${r.problem}`);
        else if (r.value!.length < 16) problems.push('metrics.token: must be at least 16 characters');
        else metricsCfg.token = r.value!;
      }
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
  // audit
  const auditCfg: Config['audit'] = { exportDir: resolve(dataDir, 'audit-exports') };
  const au = obj(root.audit, 'audit');
  if (au) {
    unknownKeys(au, ['retention', 'exportDir', 'key', 'anchorWebhook'], 'audit');
    if (au.retention !== undefined) {
      const ms = parseDuration(au.retention);
      if (ms === undefined || ms < 3600e3) problems.push('audit.retention: must be a duration of at least 1h, such as 90d');
      else auditCfg.retentionMs = ms;
    }
    if (au.exportDir !== undefined) {
      if (typeof au.exportDir !== 'string' || au.exportDir === '') problems.push('audit.exportDir: must be a path');
      else auditCfg.exportDir = resolve(baseDir, au.exportDir);
    }
    // The audit key: a reference only (never a literal in the file), 64 hex characters once resolved.
    if (au.key !== undefined) {
      if (typeof au.key !== 'string' || !/^(env|file):./.test(au.key)) problems.push('audit.key: must be env:NAME or file:PATH');
      else {
        const r = resolveSecretRef(au.key, baseDir, env);
        if (r.problem) problems.push(`audit.key: ${r.problem}`);
        else if (!/^[0-9a-fA-F]{64}$/.test(r.value!.trim())) problems.push('audit.key: must resolve to 64 hex characters (openssl rand -hex 32)');
        else auditCfg.key = Buffer.from(r.value!.trim(), 'hex');
      }
    }
    const aw = obj(au.anchorWebhook, 'audit.anchorWebhook');
    if (aw) {
      unknownKeys(aw, ['url', 'secret', 'intervalSeconds'], 'audit.anchorWebhook');
      let ok = true;
      if (typeof aw.url !== 'string' || !/^https?:\/\/\S+$/.test(aw.url)) {
        problems.push('audit.anchorWebhook.url: must be an http(s) URL');
        ok = false;
      }
      const interval = aw.intervalSeconds ?? 300;
      if (!Number.isInteger(interval) || (interval as number) < 10 || (interval as number) > 86400) {
        problems.push('audit.anchorWebhook.intervalSeconds: must be an integer from 10 to 86400');
        ok = false;
      }
      let secret: string | undefined;
      if (typeof aw.secret !== 'string' || aw.secret === '') problems.push('audit.anchorWebhook.secret: required (env:NAME or file:PATH), used to sign the body');
      else {
        const r = resolveSecretRef(aw.secret, baseDir, env);
        if (r.problem) problems.push(`audit.anchorWebhook.secret: ${r.problem}`);
        else secret = r.value;
      }
      if (ok && secret) auditCfg.anchorWebhook = { url: aw.url as string, secret, intervalSeconds: interval as number };
    }
  }
  // scanner
  let scannerCfg: Config['scanner'] = { rules: [], allowlist: [] };
  if (root.scanner !== undefined) {
    const compiled = compileScannerConfig(root.scanner, 'scanner');
    problems.push(...compiled.problems);
    scannerCfg = { rules: compiled.rules, allowlist: compiled.allowlist };
  }
  // repos
  /** The fetch source of one repo entry: credential references resolved, CA file checked. */
  const upstreamSource = (o: Record<string, unknown>, url: string, path: string): UpstreamSource | undefined => {
    let credential: { token: string } | { basic: { username: string; password: string } } | undefined;
    const c = obj(o.credential, `${path}.credential`);
    if (c) {
      unknownKeys(c, ['token', 'basic'], `${path}.credential`);
      const secret = (ref: unknown, p: string): string | undefined => {
        if (typeof ref !== 'string' || ref === '') {
          problems.push(`${p}: required (env:NAME, file:PATH or a literal)`);
          return undefined;
        }
        const r = resolveSecretRef(ref, baseDir, env);
        if (r.problem) problems.push(`${p}: ${r.problem}`);
        return r.value;
      };
      if (c.token !== undefined) {
        const t = secret(c.token, `${path}.credential.token`);
        if (t) credential = { token: t };
      } else {
        const b = obj(c.basic, `${path}.credential.basic`);
        if (!b) problems.push(`${path}.credential: give token or basic`);
        else {
          unknownKeys(b, ['username', 'password'], `${path}.credential.basic`);
          if (typeof b.username !== 'string' || b.username === '') problems.push(`${path}.credential.basic.username: required`);
          const pw = secret(b.password, `${path}.credential.basic.password`);
          if (pw && typeof b.username === 'string' && b.username !== '') credential = { basic: { username: b.username, password: pw } };
        }
      }
    }
    let caFile: string | undefined;
    if (o.caFile !== undefined) {
      if (typeof o.caFile !== 'string' || o.caFile === '') problems.push(`${path}.caFile: must be a path`);
      else caFile = resolve(baseDir, o.caFile);
    }
    if (!credential && !caFile) return { url };
    try {
      return httpsUpstreamSource({ url, credential, caFile });
    } catch (e) {
      problems.push(`${path}.upstream: ${(e as Error).message}`);
      return undefined;
    }
  };
  const repos: RepoConfig[] = [];
  const github: GitHubSourceConfig[] = [];
  const githubEntry = (o: Record<string, unknown>, path: string): void => {
    unknownKeys(o, ['github', 'readers'], path);
    const readers = groupList(o.readers, `${path}.readers`);
    if (authCfg.mode === 'oidc' && o.readers === undefined) problems.push(`${path}.readers: required with auth mode oidc (the groups that may clone)`);
    const g = obj(o.github, `${path}.github`);
    if (!g) return;
    const gp = `${path}.github`;
    unknownKeys(g, ['org', 'include', 'auth', 'baseUrl', 'includeArchived', 'caFile'], gp);
    if (typeof g.org !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(g.org)) problems.push(`${gp}.org: required, a GitHub organisation name`);
    const include = g.include === undefined ? ['*'] : g.include;
    if (!Array.isArray(include) || include.length === 0 || include.some((x) => typeof x !== 'string' || x === '')) problems.push(`${gp}.include: must be a list of name globs`);
    if (g.baseUrl !== undefined && (typeof g.baseUrl !== 'string' || !/^https?:\/\/\S+$/.test(g.baseUrl))) problems.push(`${gp}.baseUrl: must be an http(s) URL`);
    if (g.includeArchived !== undefined && typeof g.includeArchived !== 'boolean') problems.push(`${gp}.includeArchived: must be true or false`);
    const a = obj(g.auth, `${gp}.auth`);
    let auth: GitHubSourceConfig['auth'] | undefined;
    if (!a) problems.push(`${gp}.auth: required ({ token: env:NAME } or { app: { appId, privateKeyFile, installationId } })`);
    else if (a.token !== undefined) {
      unknownKeys(a, ['token'], `${gp}.auth`);
      const r = typeof a.token === 'string' ? resolveSecretRef(a.token, baseDir, env) : { problem: 'must be env:NAME, file:PATH or a literal' };
      if (r.problem) problems.push(`${gp}.auth.token: ${r.problem}`);
      else auth = { token: r.value! };
    } else {
      unknownKeys(a, ['app'], `${gp}.auth`);
      const app = obj(a.app, `${gp}.auth.app`);
      if (!app) problems.push(`${gp}.auth: give token or app`);
      else {
        unknownKeys(app, ['appId', 'privateKeyFile', 'installationId'], `${gp}.auth.app`);
        if (!Number.isInteger(app.appId)) problems.push(`${gp}.auth.app.appId: must be an integer`);
        if (!Number.isInteger(app.installationId)) problems.push(`${gp}.auth.app.installationId: must be an integer`);
        let privateKey: string | undefined;
        if (typeof app.privateKeyFile !== 'string') problems.push(`${gp}.auth.app.privateKeyFile: required`);
        else {
          try {
            privateKey = readFileSync(resolve(baseDir, app.privateKeyFile), 'utf8');
          } catch (e) {
            problems.push(`${gp}.auth.app.privateKeyFile: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
          }
        }
        if (privateKey && Number.isInteger(app.appId) && Number.isInteger(app.installationId)) {
          auth = { app: { appId: app.appId as number, privateKey, installationId: app.installationId as number } };
        }
      }
    }
    if (auth && typeof g.org === 'string' && Array.isArray(include)) {
      github.push({
        org: g.org, include: include as string[], auth, baseUrl: g.baseUrl as string | undefined,
        includeArchived: g.includeArchived === true, caFile: typeof g.caFile === 'string' ? resolve(baseDir, g.caFile) : undefined, readers,
      });
    }
  };
  if (root.repos === undefined) problems.push('repos: required (a list of { name, upstream })');
  else if (!Array.isArray(root.repos)) problems.push('repos: must be a list');
  else {
    const seen = new Set<string>();
    root.repos.forEach((r: unknown, i: number) => {
      const path = `repos[${i}]`;
      const o = obj(r, path);
      if (!o) return;
      if (o.github !== undefined) {
        githubEntry(o, path);
        return;
      }
      unknownKeys(o, ['name', 'upstream', 'readers', 'credential', 'caFile', 'allowUnscannable'], path);
      const allowUnscannable = baseNameGlobs(o.allowUnscannable, `${path}.allowUnscannable`);
      const readers = groupList(o.readers, `${path}.readers`);
      if (authCfg.mode === 'oidc' && o.readers === undefined) problems.push(`${path}.readers: required with auth mode oidc (the groups that may clone)`);
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
        const upstream = /^[a-z][a-z0-9+.-]*:\/\//i.test(up) || isAbsolute(up) ? up : resolve(baseDir, up);
        const source = upstreamSource(o, upstream, path);
        if (source) repos.push({ name, readers, upstream, source, ...(allowUnscannable.length > 0 ? { allowUnscannable } : {}) });
      }
    });
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  if (authCfg.mode === 'none' && !/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host)) {
    problems.push(`listen: auth mode "none" only listens on loopback (got ${host}); configure auth mode oidc to listen elsewhere`);
    throw new ConfigError(file, problems);
  }
  return { listen: { host, port }, dataDir, auth: authCfg, detokenize: det, admins, audit: auditCfg, scanner: scannerCfg, log: logCfg, sync: syncCfg, limits: limitsCfg, metrics: metricsCfg, repos, github };
}
