/**
 * A running gateway: opens the stores under the data directory, builds one RepoMirror per configured
 * repository, and listens. This is what `gitgate serve` and the end-to-end tests start.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { IdMap, RepoMirror, type UpstreamSource } from '@gitgate/mirror';
import { createScanner, type Scanner } from '@gitgate/scanner';
import { Vault, loadOrCreateKey } from '@gitgate/vault';
import { AuditLog } from '@gitgate/audit';
import { OidcAuthenticator, Policy, DetokenizeService, WebhookNotifier, type PolicyConfig } from '@gitgate/access';
import { createApp, type AppOptions } from './app.js';
import { createSyncRunner } from './sync-runner.js';
import { BackgroundSync } from './background-sync.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { nullAudit } from './audit-sink.js';
import { auditKeyFor } from './audit-key.js';
import { AnchorPublisher } from './anchor-publisher.js';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
import { startMetricsListener, type MetricsListener } from './metrics-listener.js';
import { SyncHealth } from './sync-health.js';
import { RefusalAudit } from './refusal-audit.js';
import { policyChanges } from './policy-changes.js';
import { ServerError, codes } from './errors.js';
import { noopLogger, type Logger } from './logger.js';

export interface GatewayRepo {
  name: string;
  upstream: UpstreamSource;
  /** Base-name globs whose unscannable blobs are served as they are (RepoMirrorOptions.allowUnscannable). */
  allowUnscannable?: readonly string[];
}

export interface GatewayOptions {
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (0 picks a free one). */
  port?: number;
  dataDir: string;
  repos: GatewayRepo[];
  auth: { mode: 'none' } | { mode: 'oidc'; issuer: string; audience: string; jwksUri?: string; groupsClaim?: string };
  /** Readers per repository, detokenize rules and admins (auth mode oidc). */
  policy?: PolicyConfig;
  /** Record git requests, syncs and exposures (default true); off only to measure the audit's cost. */
  auditEnabled?: boolean;
  /** Audit retention: older records are exported as JSON lines into `exportDir`, then purged (checked at start and every 6 h). */
  auditRetention?: { retentionMs: number; exportDir: string };
  /** How long an audit write waits for a lock held elsewhere before its request is refused with 503 (ms, default 5000). */
  auditBusyTimeoutMs?: number;
  /** The 32-byte audit chain key; default DATA/audit.key, created on first start (with a warning). */
  auditKey?: Uint8Array;
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
  /** Where detokenize events are posted, HMAC-signed with `secret`. */
  webhook?: { url: string; secret: string };
  logger?: Logger;
  scanner?: Scanner;
  coalesceMs?: number;
  /** How long upstream may take to answer a fetch before the sync fails (ms; ls-remote: at most 30 s). Default 300 s. */
  upstreamTimeoutMs?: number;
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
  /**
   * Stops listening, closes every store and releases the data directory. Rejects with AuditError
   * GITGATE_AUDIT_UNWRITTEN when queued audit rows could not be written (everything is closed anyway).
   */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Directory name of a repository's stores (flat, reversible, safe for any name). */
export function repoDirName(name: string): string {
  return encodeURIComponent(name);
}

/**
 * Locks the data directory, opens everything and starts listening. Throws ServerError when auth mode
 * none is asked for a non-loopback host (GITGATE_CONFIG) or another gitgate holds the data directory
 * (GITGATE_DATA_DIR_IN_USE).
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.auth.mode === 'none' && !LOOPBACK.test(host)) {
    throw new ServerError(codes.config, `auth mode "none" only listens on loopback, not ${host}`);
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(opts.dataDir);
  try {
    return await openGateway(opts, host, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function openGateway(opts: GatewayOptions, host: string, lock: DataDirLock): Promise<Gateway> {
  const log = opts.logger ?? noopLogger;
  const masterKey = await loadOrCreateKey(join(opts.dataDir, 'gitgate.key'));
  const vault = await Vault.open({ dbPath: join(opts.dataDir, 'vault.db'), masterKey, logger: log });
  const idMap = await IdMap.open(join(opts.dataDir, 'mirror.db'));
  const audit = await AuditLog.open({ path: join(opts.dataDir, 'audit.db'), logger: log, busyTimeoutMs: opts.auditBusyTimeoutMs, key: await auditKeyFor(opts.dataDir, opts.auditKey, log) });
  const scanner = opts.scanner ?? createScanner();
  // The map the git routes read; reload() edits it in place, so clones in flight keep their mirror.
  const repos = new Map<string, RepoMirror>();
  const mirrorFor = (r: GatewayRepo): RepoMirror => new RepoMirror({
    name: r.name, source: r.upstream, dir: join(opts.dataDir, 'repos', repoDirName(r.name)),
    idMap, vault, scanner, logger: log, coalesceMs: opts.coalesceMs, allowUnscannable: r.allowUnscannable,
    upstreamTimeouts: opts.upstreamTimeoutMs === undefined ? undefined : { fetchMs: opts.upstreamTimeoutMs },
  });
  const sources = new Map<string, string>();
  for (const r of opts.repos) {
    repos.set(r.name, mirrorFor(r));
    sources.set(r.name, JSON.stringify({ url: r.upstream.url, caFile: (r.upstream as { caFile?: string }).caFile, allow: r.allowUnscannable }));
  }
  const metrics = createGatewayMetrics();
  // Identity: OIDC in production; anonymous with everything readable for loopback trials.
  let access: Pick<AppOptions, 'authenticator' | 'policy' | 'detokenize' | 'isAdmin'> = {};
  let detokenize: DetokenizeService | undefined;
  const tokenRepos = new Map<string, string | null>();
  const repoOfToken = async (token: string): Promise<string | null> => {
    if (!tokenRepos.has(token)) {
      const info = await vault.info(token).catch(() => undefined);
      tokenRepos.set(token, info?.occurrences[0]?.repo ?? null);
    }
    return tokenRepos.get(token)!;
  };
  // The one policy in force: reload() replaces it, and every decision (git, API, detokenize) reads it.
  let policyConfig: PolicyConfig | undefined;
  let policy: Policy | undefined;
  if (opts.auth.mode === 'oidc') {
    policyConfig = opts.policy ?? { repos: opts.repos.map((r) => ({ name: r.name, readers: [] })), detokenize: { requesters: [], approvers: [], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true }, admins: [] };
    policy = new Policy(policyConfig);
    const webhook = opts.webhook ? new WebhookNotifier({ url: opts.webhook.url, secret: opts.webhook.secret, logger: log }) : undefined;
    detokenize = await DetokenizeService.open({
      dbPath: join(opts.dataDir, 'access.db'), vault, policy: () => policy!, logger: log,
      // No secret before its record: the reveal's row is committed before the secret is returned.
      recordDurable: async (e) => {
        const repo = await repoOfToken(e.token);
        await audit.recordDurable({ kind: e.type, actor: e.actor, repo, data: { ...e, repo } });
      },
      events: (e) => {
        // The audit row carries the repository the token came from, so reveals can be queried per repo.
        // A reveal was already written durably (recordDurable); everything else is queued here.
        if (e.type !== 'detokenize-reveal') void repoOfToken(e.token).then((repo) => audit.record({ kind: e.type, actor: e.actor, repo, data: { ...e, repo } }));
        metrics.detokenizeRequests.inc({ status: e.type });
        if (webhook) void webhook.notify(e).catch((err: unknown) => log.warn('webhook delivery failed', { error: (err as Error).message }));
      },
    });
    access = {
      authenticator: new OidcAuthenticator({ issuer: opts.auth.issuer, audience: opts.auth.audience, jwksUri: opts.auth.jwksUri, groupsClaim: opts.auth.groupsClaim }, log),
      policy: { canRead: (id, repo) => policy!.canRead(id, repo) },
      detokenize,
      isAdmin: (id) => policy!.isAdmin(id),
    };
  }
  const ready = async (): Promise<Record<string, string>> => {
    const problems: Record<string, string> = {};
    try {
      await vault.has('[[TOKEN_readiness-check_AAAAAAAAAAAAAAAAAAAAAAAA]]');
    } catch {
      problems.database = 'the vault database is not reachable';
    }
    try {
      const probe = join(opts.dataDir, `.readyz-${process.pid}`);
      writeFileSync(probe, 'ok');
      unlinkSync(probe);
    } catch {
      problems.dataDir = 'the data directory is not writable';
    }
    // Requests that must be recorded are refused while audit writes fail: not ready to serve them.
    if (audit.failing) problems.audit = 'the audit log cannot be written (disk full or locked); git and API requests get 503 until it can';
    return problems;
  };
  const auditSink = opts.auditEnabled === false ? nullAudit : audit;
  const syncHealth = new SyncHealth();
  const refusals = new RefusalAudit({ audit: auditSink });
  const syncRunner = createSyncRunner({ audit: auditSink, metrics, health: syncHealth, logger: log });
  const metricsAccess = opts.metrics?.listen ? 'closed' as const
    : opts.metrics?.token ? { token: opts.metrics.token } : opts.auth.mode === 'none' ? 'open' as const : 'closed' as const;
  const app = createApp({
    repos, logger: log, maxBodyBytes: opts.maxBodyBytes, audit: auditSink, metrics, metricsAccess, ready, auditQueries: audit, syncRunner, refusals,
    syncHealth: () => syncHealth.snapshot(repos.keys()), ...access,
  });
  const server: Server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, app) : createServer(app);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  let metricsListener: MetricsListener | undefined;
  if (opts.metrics?.listen) {
    try {
      metricsListener = await startMetricsListener({ ...opts.metrics.listen, registry: metrics.registry, token: opts.metrics.token });
    } catch (e) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw new ServerError(codes.config, `metrics.listen ${opts.metrics.listen.host}:${opts.metrics.listen.port} cannot be bound (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
  }
  let retentionTimer: NodeJS.Timeout | undefined;
  if (opts.auditRetention) {
    const { retentionMs, exportDir } = opts.auditRetention;
    const purge = (): void => {
      mkdirSync(exportDir, { recursive: true, mode: 0o700 });
      const exportPath = join(exportDir, `audit-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
      audit.exportAndPurge({ before: new Date(Date.now() - retentionMs), exportPath, actor: 'retention' }).then(
        (r) => { if (r.purged > 0) log.info('audit records purged', { exported: r.exported, purged: r.purged, exportPath }); else unlinkSync(exportPath); },
        (e: unknown) => log.error('audit retention failed', { error: (e as Error).message }),
      );
    };
    purge();
    retentionTimer = setInterval(purge, 6 * 3600e3);
    retentionTimer.unref();
  }
  const anchors = opts.auditAnchorWebhook ? new AnchorPublisher({ ...opts.auditAnchorWebhook, head: () => audit.head(), logger: log }) : undefined;
  anchors?.start();
  const background = new BackgroundSync(syncRunner, log);
  const intervalMs = opts.backgroundSync?.intervalMs ?? 0;
  if (opts.backgroundSync?.onStart) background.run([...repos.values()]);
  const syncTimer = intervalMs > 0 ? setInterval(() => background.run([...repos.values()]), intervalMs) : undefined;
  syncTimer?.unref();
  const addr = server.address() as AddressInfo;
  const url = `${opts.tls ? 'https' : 'http'}://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.info('gateway listening', { url, repos: repos.size });
  return {
    url, server, repos, vault, audit, metrics, metricsUrl: metricsListener?.url, dataDir: opts.dataDir,
    reload(next) {
      // Built first: a malformed policy throws here and changes nothing.
      const nextPolicy = next.policy && opts.auth.mode === 'oidc' ? new Policy(next.policy) : undefined;
      const added: string[] = [];
      const changed: string[] = [];
      const removed: string[] = [];
      const wanted = new Set(next.repos.map((r) => r.name));
      for (const name of [...repos.keys()]) {
        if (!wanted.has(name)) {
          repos.delete(name);
          sources.delete(name);
          syncHealth.forget(name);
          metrics.syncLastSuccess.remove({ repo: name });
          removed.push(name);
        }
      }
      for (const r of next.repos) {
        const source = JSON.stringify({ url: r.upstream.url, caFile: (r.upstream as { caFile?: string }).caFile, allow: r.allowUnscannable });
        if (!repos.has(r.name)) added.push(r.name);
        else if (sources.get(r.name) !== source || r.upstream.headers) changed.push(r.name);
        else continue;
        repos.set(r.name, mirrorFor(r));
        sources.set(r.name, source);
      }
      if (opts.backgroundSync?.onStart) background.run([...added, ...changed].map((n) => repos.get(n)!));
      let changes = {};
      if (nextPolicy && next.policy) {
        changes = policyChanges(policyConfig!, next.policy);
        policy = nextPolicy;
        policyConfig = next.policy;
      }
      log.info('configuration reloaded', { added, changed, removed, policy: changes });
      audit.record({ kind: 'admin', actor: 'system', data: { action: 'config-reload', added, changed, removed, policy: changes } });
      return { added, changed, removed };
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
      await detokenize?.close();
      await anchors?.stop();
      try {
        // Rejects when queued rows cannot be written (a full disk); the rest must close all the same.
        await audit.close();
      } finally {
        await idMap.close();
        await vault.close();
        lock.release();
      }
    },
  };
}
