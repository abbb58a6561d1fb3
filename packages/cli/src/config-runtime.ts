/** The small sections of the configuration: `log`, `sync`, `limits`, `metrics`. */
import type { Config } from './config.js';
import type { ConfigProblems } from './config-problems.js';

/** `log: { level, format }` (default info, json). */
export function logSection(root: Record<string, unknown>, p: ConfigProblems): Config['log'] {
  const cfg: Config['log'] = { level: 'info', format: 'json' };
  const log = p.obj(root.log, 'log');
  if (!log) return cfg;
  p.unknownKeys(log, ['level', 'format'], 'log');
  if (log.level !== undefined) {
    if (!['error', 'warn', 'info', 'debug'].includes(log.level as string)) p.push('log.level: must be one of error, warn, info, debug');
    else cfg.level = log.level as Config['log']['level'];
  }
  if (log.format !== undefined) {
    if (!['json', 'text'].includes(log.format as string)) p.push('log.format: must be json or text');
    else cfg.format = log.format as Config['log']['format'];
  }
  return cfg;
}

/** `sync: { coalesceMs, onStart, intervalSeconds, upstreamTimeoutSeconds?, scanWorkers? }` (default 2000, true, 0, runner's 300 s, min(cores, 4)). */
export function syncSection(root: Record<string, unknown>, p: ConfigProblems): Config['sync'] {
  const cfg: Config['sync'] = { coalesceMs: 2000, onStart: true, intervalSeconds: 0 };
  const sync = p.obj(root.sync, 'sync');
  if (!sync) return cfg;
  p.unknownKeys(sync, ['coalesceMs', 'onStart', 'intervalSeconds', 'upstreamTimeoutSeconds', 'scanWorkers'], 'sync');
  if (sync.coalesceMs !== undefined) {
    if (!Number.isInteger(sync.coalesceMs) || (sync.coalesceMs as number) < 0) p.push('sync.coalesceMs: must be a non-negative integer (milliseconds)');
    else cfg.coalesceMs = sync.coalesceMs as number;
  }
  if (sync.onStart !== undefined) {
    if (typeof sync.onStart !== 'boolean') p.push('sync.onStart: must be true or false');
    else cfg.onStart = sync.onStart;
  }
  if (sync.intervalSeconds !== undefined) {
    const n = sync.intervalSeconds;
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 7 * 86400) p.push('sync.intervalSeconds: must be an integer from 0 (off) to 604800 (one week)');
    else cfg.intervalSeconds = n as number;
  }
  if (sync.upstreamTimeoutSeconds !== undefined) {
    const n = sync.upstreamTimeoutSeconds;
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 86400) p.push('sync.upstreamTimeoutSeconds: must be an integer from 1 to 86400 (one day)');
    else cfg.upstreamTimeoutSeconds = n as number;
  }
  if (sync.scanWorkers !== undefined) {
    const n = sync.scanWorkers;
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 64) p.push('sync.scanWorkers: must be an integer from 0 (scan on the main thread) to 64');
    else cfg.scanWorkers = n as number;
  }
  return cfg;
}

/** `limits: { maxRequestBytes }` (default 16 MiB). */
export function limitsSection(root: Record<string, unknown>, p: ConfigProblems): Config['limits'] {
  const cfg = { maxRequestBytes: 16 * 1024 * 1024 };
  const limits = p.obj(root.limits, 'limits');
  if (!limits) return cfg;
  p.unknownKeys(limits, ['maxRequestBytes'], 'limits');
  if (limits.maxRequestBytes !== undefined) {
    if (!Number.isInteger(limits.maxRequestBytes) || (limits.maxRequestBytes as number) < 1024) p.push('limits.maxRequestBytes: must be an integer ≥ 1024');
    else cfg.maxRequestBytes = limits.maxRequestBytes as number;
  }
  return cfg;
}

/** `metrics: { listen?, token? }`, the token resolved (at least 16 characters). */
export function metricsSection(root: Record<string, unknown>, p: ConfigProblems): Config['metrics'] {
  const cfg: Config['metrics'] = {};
  const metrics = p.obj(root.metrics, 'metrics');
  if (!metrics) return cfg;
  p.unknownKeys(metrics, ['token', 'listen'], 'metrics');
  if (metrics.listen !== undefined) {
    const listen = p.hostPort(metrics.listen, 'metrics.listen', '127.0.0.1:9464');
    if (listen) cfg.listen = listen;
  }
  if (metrics.token !== undefined) {
    if (typeof metrics.token !== 'string' || metrics.token === '') p.push('metrics.token: must be env:NAME, file:PATH or a literal');
    else {
      const token = p.secret(metrics.token, 'metrics.token');
      if (token !== undefined && token.length < 16) p.push('metrics.token: must be at least 16 characters');
      else if (token !== undefined) cfg.token = token;
    }
  }
  return cfg;
}
