/**
 * The gateway's configuration file (YAML): read and validated once, at start. Every problem is reported
 * together, each with the path of the offending key (`repos[1].upstream: required`).
 */
import { readFileSync } from 'node:fs';
import { defineError, errorClass } from '@gitgate/errors';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PushSettings, UpstreamSource } from '@gitgate/mirror';
import { compileScannerConfig, type AllowlistEntry, type Rule } from '@gitgate/scanner';
import { ConfigProblems } from './config-problems.js';
import { listenSection, dataDirSection } from './config-listen.js';
import { authSection } from './config-auth.js';
import { detokenizeSection } from './config-detokenize.js';
import { logSection, syncSection, limitsSection, metricsSection } from './config-runtime.js';
import { auditSection } from './config-audit.js';
import { reposSection } from './config-repos.js';
import { databaseSection, requireAuditKey, vaultSection, type DatabaseConfig } from './config-database.js';
import type { MaskPolicy } from './config-mask.js';

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
  /** The rules, token types and families this repository leaves unmasked (config-mask.ts). */
  mask?: MaskPolicy;
  /** Which refs agents may push to (config-push.ts); absent: read-only. */
  push?: PushSettings;
  /** Groups that may push (auth mode oidc; present with `push`). */
  writers?: string[];
}

export type AuthConfig =
  | { mode: 'none' }
  /** A development OIDC issuer under /dev-idp on the gateway's loopback listener (the trial's). */
  | { mode: 'dev' }
  /** `clientId`: the approvals page's public client at the issuer, for its browser sign-in (authorization code + PKCE). */
  | { mode: 'oidc'; issuer: string; audience: string; jwksUri?: string; groupsClaim: string; clientId?: string };

export interface DetokenizeConfig {
  requesters: string[];
  approvers: string[];
  minApprovals: number;
  requireReason: boolean;
  requestTtlMs: number;
  grantTtlMs: number;
  oneTimeReveal: boolean;
  /** Where events are posted, in which preset, linking to `pageUrl`, retried for `retryForMs`. */
  webhook?: { url: string; secret: string; format: 'generic' | 'slack' | 'teams'; pageUrl?: string; retryForMs: number };
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
  /** The masking policy of every repository of the organisation. */
  mask?: MaskPolicy;
  /** The push settings and writers of every repository of the organisation (absent: read-only). */
  push?: PushSettings;
  writers?: string[];
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
  sync: { coalesceMs: number; onStart: boolean; intervalSeconds: number; upstreamTimeoutSeconds?: number; scanWorkers?: number };
  limits: { maxRequestBytes: number };
  /**
   * /metrics: with `listen` it is served on that address only; with `token` it asks for
   * `Authorization: Bearer <token>`; with neither, open in auth mode none, absent (404) in oidc.
   */
  metrics: { token?: string; listen?: { host: string; port: number } };
  repos: RepoConfig[];
  github: GitHubSourceConfig[];
  /** The PostgreSQL database shared by replicas (config-database.ts); absent: SQLite in dataDir. */
  database?: DatabaseConfig;
  /** The deployment key from `vault.key` (only with `database`; else DATA/gitgate.key). */
  vaultKey?: Buffer;
}

const configErrors = {
  /** A configuration file with problems (every one of them in `problems`). */
  invalid: defineError('GITGATE_CONFIG', 500, 'invalid configuration'),
};

export class ConfigError extends errorClass('ConfigError', configErrors) {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super('GITGATE_CONFIG', `invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { data: { file } });
    this.problems = problems;
  }
}

/** How much of the configuration to resolve. */
export interface LoadConfigOptions {
  /**
   * Whether the secret reference (env:, file:) at a key path such as `detokenize.webhook.secret` is
   * resolved (default: every one). A command that only reads paths from the file resolves none it does
   * not use; an unresolved secret leaves its feature out of the result (no webhook, no credential).
   */
  resolveSecret?: (path: string) => boolean;
}

const TOP_KEYS = ['listen', 'dataDir', 'auth', 'detokenize', 'admins', 'audit', 'scanner', 'log', 'sync', 'limits', 'repos', 'metrics', 'database', 'vault'];

/** Reads and validates a config file. Throws ConfigError listing every problem. */
export function loadConfig(file: string, opts: LoadConfigOptions = {}): Config {
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
  return validateConfig(raw ?? {}, dirname(resolve(file)), file, process.env, opts);
}

/**
 * Validates a parsed config object, section by section; relative paths and file: references resolve
 * against `baseDir`, env: references read `env` (those `opts.resolveSecret` keeps). Throws ConfigError listing every problem.
 */
export function validateConfig(raw: unknown, baseDir: string, file = 'config', env: NodeJS.ProcessEnv = process.env, opts: LoadConfigOptions = {}): Config {
  const p = new ConfigProblems(baseDir, env, opts.resolveSecret);
  const root = p.obj(raw, '(root)') ?? {};
  p.unknownKeys(root, TOP_KEYS, '');
  const listen = listenSection(root, p);
  const dataDir = dataDirSection(root, p);
  const auth = authSection(root, p);
  const admins = p.groupList(root.admins, 'admins');
  const detokenize = detokenizeSection(root, p);
  const log = logSection(root, p);
  const sync = syncSection(root, p);
  const metrics = metricsSection(root, p);
  const limits = limitsSection(root, p);
  const audit = auditSection(root, dataDir, p);
  const scanner = scannerSection(root, p);
  const { repos, github } = reposSection(root, auth.mode !== 'none', p, scanner.rules);
  const database = databaseSection(root, p);
  const vaultKey = vaultSection(root, root.database !== undefined, p);
  if (root.database !== undefined) requireAuditKey(root, p);
  if (p.list.length > 0) throw new ConfigError(file, p.list);
  if (auth.mode !== 'oidc' && !/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(listen.host)) {
    throw new ConfigError(file, [`listen: auth mode "${auth.mode}" only listens on loopback (got ${listen.host}); configure auth mode oidc to listen elsewhere`]);
  }
  return { listen, dataDir, auth, detokenize, admins, audit, scanner, log, sync, limits, metrics, repos, github, ...(database ? { database } : {}), ...(vaultKey ? { vaultKey } : {}) };
}

/** Custom rules and allowlist entries, compiled by the scanner (which reports its own problems). */
function scannerSection(root: Record<string, unknown>, p: ConfigProblems): Config['scanner'] {
  if (root.scanner === undefined) return { rules: [], allowlist: [] };
  const compiled = compileScannerConfig(root.scanner, 'scanner');
  p.push(...compiled.problems);
  return { rules: compiled.rules, allowlist: compiled.allowlist };
}
