/**
 * A running gateway: the composition root. Opens the stores under the data directory, builds one
 * RepoMirror per configured repository, composes the server's HTTP adapters over them, and listens.
 * This is what `gitgate serve` and the end-to-end tests start.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { IdMap, RepoMirror, type PushSettings } from '@gitgate/mirror';
import { createScanner, type Scanner } from '@gitgate/scanner';
import { Vault, loadOrCreateKey } from '@gitgate/vault';
import { AuditLog } from '@gitgate/audit';
import { Database } from '@gitgate/db';
import { Policy, type PolicyConfig } from '@gitgate/access';
import { noopLogger, type Logger } from '@gitgate/log';
import {
  createApp, createSyncRunner, nullAudit, createGatewayMetrics, startMetricsListener, SyncHealth, RefusalAudit,
  type GatewayMetrics, type MetricsListener, type PushThrottleOptions,
} from '@gitgate/server';
import { BackgroundSync } from './background-sync.js';
import { DataDir } from './data-dir.js';
import { GatewayError, codes } from './errors.js';
import type { DataDirLock } from './data-dir-lock.js';
import { auditKeyFor } from './audit-key.js';
import { AnchorPublisher } from './anchor-publisher.js';
import { policyChanges } from './policy-changes.js';
import { RepoSet, pushChanges, type GatewayRepo, type RepoChanges } from './repo-set.js';
import { emptyPolicy, openOidcAccess, type OidcAccess } from './oidc-access.js';
import { openHeldPushApprovals } from './held-push-approvals.js';
import { readinessCheck } from './readiness.js';
import { storeLocations, type StoreLocations } from './store-locations.js';
import { startAuditRetention } from './audit-retention.js';
import { WebhookDeliveries, type WebhookSettings } from './webhook-deliveries.js';
import { DevIdentityProvider } from './dev-identity.js';

export type { GatewayRepo } from './repo-set.js';

export interface GatewayOptions {
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (0 picks a free one). */
  port?: number;
  dataDir: string;
  repos: GatewayRepo[];
  /** mode dev: a development OIDC issuer under /dev-idp on this loopback listener (trial only; see dev-identity.ts). */
  /** mode oidc `clientId`: the approvals page's public client at the issuer (browser sign-in with PKCE); without it the page takes a pasted token. */
  auth: { mode: 'none' } | { mode: 'dev' } | { mode: 'oidc'; issuer: string; audience: string; jwksUri?: string; groupsClaim?: string; clientId?: string };
  /** Readers per repository, detokenize rules and admins (auth modes oidc and dev). */
  policy?: PolicyConfig;
  /** Record git requests, syncs and exposures (default true); off only to measure the audit's cost. */
  auditEnabled?: boolean;
  /** Audit retention: older records are exported as JSON lines into `exportDir`, then purged (checked at start and every 6 h). */
  auditRetention?: { retentionMs: number; exportDir: string };
  /** How long an audit write waits for a lock held elsewhere before its request is refused with 503 (ms, default 5000). */
  auditBusyTimeoutMs?: number;
  /** The 32-byte audit chain key; default DATA/audit.key, created on first start (with a warning). Required with `database`. */
  auditKey?: Uint8Array;
  /**
   * Scale-out: every shared store (vault, id map, audit, detokenize and push approvals, webhook queue) in
   * this PostgreSQL database (store-locations.ts), instead of SQLite files in dataDir.
   * `url` may hold the password: it is never logged. Requires `masterKey` and `auditKey`.
   */
  database?: { url: string };
  /** The 32-byte deployment (vault master) key; required with `database`, else DATA/gitgate.key, created on first start. */
  masterKey?: Uint8Array;
  /** Post the audit chain head to this webhook every `intervalMs`, HMAC-signed with `secret`. */
  auditAnchorWebhook?: { url: string; secret: string; intervalMs: number };
  /** Serve HTTPS with this PEM certificate chain and key instead of plain HTTP. */
  tls?: { cert: string; key: string };
  /**
   * /metrics access: with `listen`, metrics are served on that address only (and the main listener
   * has no /metrics); with `token`, scrapes send `Authorization: Bearer <token>`; with neither, /metrics
   * is open in auth mode none (loopback) and absent (404) in auth mode oidc.
   */
  metrics?: { token?: string; listen?: { host: string; port: number } };
  /** Refused pushes allowed per identity before its pushes are held off (default 20 per 10 minutes). */
  pushThrottle?: PushThrottleOptions;
  /** Where detokenize events are posted (HMAC-signed with `secret`), in which preset, retried from a durable queue (auth mode oidc). */
  webhook?: WebhookSettings;
  logger?: Logger;
  scanner?: Scanner;
  coalesceMs?: number;
  /** How long upstream may take to answer a fetch before the sync fails (ms; ls-remote: at most 30 s). Default 300 s. */
  upstreamTimeoutMs?: number;
  /** Threads scanning blobs in a large sync (RepoMirrorOptions.scanWorkers; default min(cores, 4); 0 or 1: none). */
  scanWorkers?: number;
  /** Syncs of fewer new objects scan on the main thread (RepoMirrorOptions.scanWorkersMinObjects; benchmarks set 0). */
  scanWorkersMinObjects?: number;
  /**
   * Syncs run ahead of clones: `onStart` brings every repository up to date right after listening (and
   * each repository a reload adds), `intervalMs` again on that period (0: only when a clone asks). They
   * run one repository at a time; a clone that arrives meanwhile joins the running sync. Default off.
   */
  backgroundSync?: { onStart?: boolean; intervalMs?: number };
  maxBodyBytes?: number;
}

export interface Gateway {
  url: string;
  server: Server;
  repos: ReadonlyMap<string, RepoMirror>;
  vault: Vault;
  audit: AuditLog;
  metrics: GatewayMetrics;
  /** Base URL of the separate metrics listener, when `metrics.listen` was given. */
  metricsUrl?: string;
  dataDir: string;
  /**
   * Applies a new repository list and policy without a restart: new repositories are served, removed
   * ones refused from the next request on, clones in flight finish on the mirror they started with.
   * Readers, admins and detokenize rules (groups, thresholds, TTLs) apply together from the next
   * request on, including to grants approved before (re-checked when the secret is revealed).
   */
  reload(next: { repos: GatewayRepo[]; policy?: PolicyConfig }): { added: string[]; changed: string[]; removed: string[] };
  /** The push settings in force for `repo` (undefined: read-only or not served); a reload replaces them without re-syncing. */
  pushSettingsOf(repo: string): PushSettings | undefined;
  /**
   * Stops listening, closes every store and releases the data directory. Rejects with AuditError
   * GITGATE_AUDIT_UNWRITTEN when queued audit rows could not be written (everything is closed anyway).
   */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * Locks the data directory, opens everything and starts listening. Throws GatewayError when auth mode
 * none is asked for a non-loopback host (GITGATE_CONFIG) or another gitgate holds the data directory
 * (GITGATE_DATA_DIR_IN_USE).
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.auth.mode !== 'oidc' && !LOOPBACK.test(host)) {
    throw new GatewayError(codes.config, `auth mode "${opts.auth.mode}" only listens on loopback, not ${host}`);
  }
  // The dev issuer is fetched from this very listener; a self-signed certificate would fail that fetch.
  if (opts.auth.mode === 'dev' && opts.tls) throw new GatewayError(codes.config, 'auth mode "dev" serves plain HTTP on loopback only (no TLS)');
  // A replica that made up its own key would tokenize differently and break the shared audit chain.
  if (opts.database && (!opts.masterKey || !opts.auditKey)) {
    throw new GatewayError(codes.config, `with a shared database the ${opts.masterKey ? 'audit' : 'vault'} key must be given (vault.key / audit.key as env: or file:), never created by a replica`);
  }
  const dataDir = new DataDir(opts.dataDir).create();
  const lock = dataDir.lock();
  try {
    return await openGateway(opts, host, dataDir, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

interface Stores {
  vault: Vault;
  idMap: IdMap;
  audit: AuditLog;
  /** With a shared database: where replicas take each repository's sync lock. */
  coordination?: Database;
}

/** How long a replica waits for a peer's sync of the same repository before its own sync fails (last state served). */
const SYNC_LOCK_WAIT_MS = 15 * 60_000;

async function openStores(opts: GatewayOptions, dataDir: DataDir, at: StoreLocations, log: Logger): Promise<Stores> {
  const masterKey = opts.masterKey ? Buffer.from(opts.masterKey) : await loadOrCreateKey(dataDir.keyFile);
  const vault = await Vault.open({ dbPath: at.vault, masterKey, logger: log });
  const idMap = await IdMap.open(at.idMap).catch(async (e: unknown) => {
    await vault.close();
    throw e;
  });
  const audit = await AuditLog.open({ path: at.audit, logger: log, busyTimeoutMs: opts.auditBusyTimeoutMs, key: await auditKeyFor(dataDir, opts.auditKey, log) })
    .catch(async (e: unknown) => {
      await Promise.all([idMap.close(), vault.close()]);
      throw e;
    });
  const coordination = opts.database ? await Database.open({ path: opts.database.url, name: 'coordination', migrations: [], logger: log }) : undefined;
  return { vault, idMap, audit, coordination };
}

async function openGateway(opts: GatewayOptions, host: string, dataDir: DataDir, lock: DataDirLock): Promise<Gateway> {
  const log = opts.logger ?? noopLogger;
  const at = storeLocations(dataDir, opts.database?.url);
  const stores = await openStores(opts, dataDir, at, log);
  const { vault, idMap, audit, coordination } = stores;
  const syncLock = coordination && ((repo: string) => coordination.lock(`sync:${repo}`, { timeoutMs: SYNC_LOCK_WAIT_MS }));
  const scanner = opts.scanner ?? createScanner();
  const repoSet = new RepoSet(opts.repos, (r) => new RepoMirror({
    name: r.name, source: r.upstream, dir: dataDir.repoDir(r.name),
    idMap, vault, scanner: r.scanner ?? scanner, logger: log, coalesceMs: opts.coalesceMs, allowUnscannable: r.allowUnscannable,
    upstreamTimeouts: opts.upstreamTimeoutMs === undefined ? undefined : { fetchMs: opts.upstreamTimeoutMs }, syncLock, scanWorkers: opts.scanWorkers,
    scanWorkersMinObjects: opts.scanWorkersMinObjects,
  }));
  const repos = repoSet.mirrors;
  for (const r of opts.repos) logRepoPolicy(log, r, scanner);
  const metrics = createGatewayMetrics();
  const devIdp = opts.auth.mode === 'dev' ? await DevIdentityProvider.create(log) : undefined;
  const webhook = opts.webhook && opts.auth.mode !== 'none' ? await WebhookDeliveries.open(opts.webhook, at.webhook, audit, log) : undefined;
  // Identity: OIDC in production; anonymous with everything readable for loopback trials.
  const access = opts.auth.mode !== 'none' ? await openOidcAccess({
    auth: devIdp ? { authenticator: devIdp.authenticator } : opts.auth as Extract<GatewayOptions['auth'], { mode: 'oidc' }>, policy: opts.policy ?? emptyPolicy(opts.repos.map((r) => r.name)), dbPath: at.access,
    vault, audit, metrics, webhook, logger: log,
    sanitizedCommit: async (repo, id) => (await idMap.lookup(repo, [id])).get(id),
  }) : undefined;
  const pushApprovals = access ? await openHeldPushApprovals({
    dbPath: at.access, policy: access.currentPolicy, repos, pushSettings: (r) => repoSet.pushSettingsOf(r), audit, metrics, webhook: access.webhook, logger: log,
  }) : undefined;
  const auditSink = opts.auditEnabled === false ? nullAudit : audit;
  const syncHealth = new SyncHealth();
  const refusals = new RefusalAudit({ audit: auditSink });
  const syncRunner = createSyncRunner({ audit: auditSink, metrics, health: syncHealth, logger: log });
  const metricsAccess = opts.metrics?.listen ? 'closed' as const
    : opts.metrics?.token ? { token: opts.metrics.token } : opts.auth.mode === 'none' ? 'open' as const : 'closed' as const;
  const app = createApp({
    pushSettings: (r) => repoSet.pushSettingsOf(r), pushThrottle: opts.pushThrottle, pushApprovals,
    repos, logger: log, maxBodyBytes: opts.maxBodyBytes, audit: auditSink, metrics, metricsAccess, ready: readinessCheck(dataDir.root, vault, audit),
    auditQueries: audit, syncRunner, refusals, syncHealth: () => syncHealth.snapshot(repos.keys()), ...access?.app,
    approvalsSignIn: approvalsSignIn(opts.auth, devIdp),
  });
  const { server, metricsListener } = await listen(opts, host, devIdp ? devIdp.wrap(app) : app, metrics);
  const retentionTimer = opts.auditRetention ? startAuditRetention(audit, opts.auditRetention, log) : undefined;
  const anchors = opts.auditAnchorWebhook ? new AnchorPublisher({ ...opts.auditAnchorWebhook, head: () => audit.head(), logger: log }) : undefined;
  anchors?.start();
  const background = new BackgroundSync(syncRunner, log);
  const intervalMs = opts.backgroundSync?.intervalMs ?? 0;
  if (opts.backgroundSync?.onStart) background.run([...repos.values()]);
  const syncTimer = intervalMs > 0 ? setInterval(() => background.run([...repos.values()]), intervalMs) : undefined;
  syncTimer?.unref();
  const addr = server.address() as AddressInfo;
  const url = `${opts.tls ? 'https' : 'http'}://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  devIdp?.bind(url);
  log.info('gateway listening', { url, repos: repos.size });
  await webhook?.start(url);
  return {
    url, server, repos, vault, audit, metrics, metricsUrl: metricsListener?.url, dataDir: opts.dataDir,
    pushSettingsOf: (repo) => repoSet.pushSettingsOf(repo),
    reload(next) {
      const changes = reloadGateway(next, { repoSet, access, syncHealth, metrics, audit, log, scanner });
      if (opts.backgroundSync?.onStart) background.run([...changes.added, ...changes.changed].map((n) => repos.get(n)!));
      return changes;
    },
    async close() {
      if (retentionTimer) clearInterval(retentionTimer);
      if (syncTimer) clearInterval(syncTimer);
      // A background sync still running would find its databases closed under it.
      await background.stop();
      refusals.close();
      await metricsListener?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...repos.values()].map((m) => m.idle()));
      // Events still being queued read the detokenize store; pending deliveries stay for the next start.
      await webhook?.close();
      await access?.detokenize.close();
      await pushApprovals?.close();
      await anchors?.stop();
      await closeStores(stores, lock);
    },
  };
}

/** The provider the approvals page signs in with: the dev issuer, or the configured issuer when a page client id is given. */
function approvalsSignIn(auth: GatewayOptions['auth'], devIdp: DevIdentityProvider | undefined): (() => { issuer: string; clientId: string } | undefined) | undefined {
  if (devIdp) return () => devIdp.signIn();
  if (auth.mode !== 'oidc' || auth.clientId === undefined) return undefined;
  const signIn = { issuer: auth.issuer, clientId: auth.clientId };
  return () => signIn;
}

/** Starts the main listener (HTTP or HTTPS) and, when configured, the separate metrics listener. */
async function listen(opts: GatewayOptions, host: string, app: RequestListener, metrics: GatewayMetrics): Promise<{ server: Server; metricsListener?: MetricsListener }> {
  const server: Server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, app) : createServer(app);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  if (!opts.metrics?.listen) return { server };
  try {
    return { server, metricsListener: await startMetricsListener({ ...opts.metrics.listen, registry: metrics.registry, token: opts.metrics.token }) };
  } catch (e) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw new GatewayError(codes.config, `metrics.listen ${opts.metrics.listen.host}:${opts.metrics.listen.port} cannot be bound (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}

interface ReloadContext {
  repoSet: RepoSet;
  access: OidcAccess | undefined;
  syncHealth: SyncHealth;
  metrics: GatewayMetrics;
  audit: AuditLog;
  log: Logger;
  /** The gateway's default scanner (repositories without their own). */
  scanner: Scanner;
}

/** The masking policy in effect for one repository: what it leaves unmasked, and the rule-set version it syncs with. */
function repoPolicy(r: GatewayRepo, fallback: Scanner): { leave: string[]; rulesetVersion: string } {
  return { leave: [...(r.mask?.leave ?? [])], rulesetVersion: (r.scanner ?? fallback).rulesetVersion };
}

function logRepoPolicy(log: Logger, r: GatewayRepo, fallback: Scanner): void {
  log.info('repository policy', { repo: r.name, ...repoPolicy(r, fallback) });
}

/** Gateway.reload without the background syncs: repositories, then policy, then the record of both. */
function reloadGateway(next: { repos: GatewayRepo[]; policy?: PolicyConfig }, ctx: ReloadContext): RepoChanges {
  const { access, log } = ctx;
  // Built first: a malformed policy throws here and changes nothing.
  const nextPolicy = next.policy && access ? new Policy(next.policy) : undefined;
  const pushBefore = ctx.repoSet.pushSettings();
  const { added, changed, removed } = ctx.repoSet.apply(next.repos);
  const push = pushChanges(pushBefore, ctx.repoSet.pushSettings());
  for (const name of removed) {
    ctx.syncHealth.forget(name);
    ctx.metrics.syncLastSuccess.remove({ repo: name });
  }
  let policy = {};
  if (nextPolicy && next.policy && access) {
    policy = policyChanges(access.policyConfig, next.policy);
    access.replacePolicy(nextPolicy, next.policy);
  }
  // The masking policy of every repository that starts a new mirror (its sync key may have changed).
  const fresh = new Set([...added, ...changed]);
  const masking = Object.fromEntries(next.repos.filter((r) => fresh.has(r.name)).map((r) => [r.name, repoPolicy(r, ctx.scanner)]));
  for (const r of next.repos) if (fresh.has(r.name)) logRepoPolicy(log, r, ctx.scanner);
  log.info('configuration reloaded', { added, changed, removed, policy, push });
  ctx.audit.record({ kind: 'admin', actor: 'system', data: { action: 'config-reload', added, changed, removed, policy, masking, push } });
  return { added, changed, removed };
}

async function closeStores({ vault, idMap, audit, coordination }: Stores, lock: DataDirLock): Promise<void> {
  try {
    // Rejects when queued rows cannot be written (a full disk); the rest must close all the same.
    await audit.close();
  } finally {
    await idMap.close();
    await vault.close();
    await coordination?.close();
    lock.release();
  }
}
