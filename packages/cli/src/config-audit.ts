/** The `audit` section of the configuration: retention, export directory, chain key, anchor webhook. */
import { resolve } from 'node:path';
import { DataDir } from '@gitgate/gateway';
import type { Config } from './config.js';
import { durationMs, type ConfigProblems } from './config-problems.js';

/** `audit: { retention?, exportDir?, key?, anchorWebhook? }`; exportDir defaults to DATA/audit-exports. */
export function auditSection(root: Record<string, unknown>, dataDir: string, p: ConfigProblems): Config['audit'] {
  const cfg: Config['audit'] = { exportDir: new DataDir(dataDir).auditExportsDir };
  const au = p.obj(root.audit, 'audit');
  if (!au) return cfg;
  p.unknownKeys(au, ['retention', 'exportDir', 'key', 'anchorWebhook'], 'audit');
  if (au.retention !== undefined) {
    const ms = durationMs(au.retention);
    if (ms === undefined || ms < 3600e3) p.push('audit.retention: must be a duration of at least 1h, such as 90d');
    else cfg.retentionMs = ms;
  }
  if (au.exportDir !== undefined) {
    if (typeof au.exportDir !== 'string' || au.exportDir === '') p.push('audit.exportDir: must be a path');
    else cfg.exportDir = resolve(p.baseDir, au.exportDir);
  }
  const key = au.key === undefined ? undefined : p.hexKey(au.key, 'audit.key');
  if (key) cfg.key = key;
  const anchorWebhook = anchorWebhookOf(au, p);
  if (anchorWebhook) cfg.anchorWebhook = anchorWebhook;
  return cfg;
}

/** `audit.anchorWebhook: { url, secret, intervalSeconds? }` (interval 10 s to 1 day, default 300). */
function anchorWebhookOf(au: Record<string, unknown>, p: ConfigProblems): Config['audit']['anchorWebhook'] {
  const aw = p.obj(au.anchorWebhook, 'audit.anchorWebhook');
  if (!aw) return undefined;
  p.unknownKeys(aw, ['url', 'secret', 'intervalSeconds'], 'audit.anchorWebhook');
  const url = p.httpUrl(aw.url, 'audit.anchorWebhook.url');
  const interval = aw.intervalSeconds ?? 300;
  const intervalOk = Number.isInteger(interval) && (interval as number) >= 10 && (interval as number) <= 86400;
  if (!intervalOk) p.push('audit.anchorWebhook.intervalSeconds: must be an integer from 10 to 86400');
  let secret: string | undefined;
  if (typeof aw.secret !== 'string' || aw.secret === '') p.push('audit.anchorWebhook.secret: required (env:NAME or file:PATH), used to sign the body');
  else secret = p.secret(aw.secret, 'audit.anchorWebhook.secret');
  return url && intervalOk && secret ? { url, secret, intervalSeconds: interval as number } : undefined;
}
