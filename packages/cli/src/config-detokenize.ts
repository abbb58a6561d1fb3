/** The `detokenize` section of the configuration: who may ask, who approves, for how long. */
import type { DetokenizeConfig } from './config.js';
import { durationMs, type ConfigProblems } from './config-problems.js';

const KEYS = ['requesters', 'approvers', 'minApprovals', 'requireReason', 'requestTtl', 'grantTtl', 'oneTimeReveal', 'webhook'];

/** `detokenize` with its defaults; approvers are required once the section is given. */
export function detokenizeSection(root: Record<string, unknown>, p: ConfigProblems): DetokenizeConfig {
  const det: DetokenizeConfig = { requesters: [], approvers: [], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true };
  const d = p.obj(root.detokenize, 'detokenize');
  if (!d) return det;
  p.unknownKeys(d, KEYS, 'detokenize');
  det.requesters = p.groupList(d.requesters, 'detokenize.requesters');
  det.approvers = p.groupList(d.approvers, 'detokenize.approvers');
  if (d.minApprovals !== undefined) {
    if (!Number.isInteger(d.minApprovals) || (d.minApprovals as number) < 1) p.push('detokenize.minApprovals: must be an integer ≥ 1');
    else det.minApprovals = d.minApprovals as number;
  }
  for (const k of ['requireReason', 'oneTimeReveal'] as const) {
    if (d[k] === undefined) continue;
    if (typeof d[k] !== 'boolean') p.push(`detokenize.${k}: must be true or false`);
    else det[k] = d[k] as boolean;
  }
  for (const [k, field] of [['requestTtl', 'requestTtlMs'], ['grantTtl', 'grantTtlMs']] as const) {
    if (d[k] === undefined) continue;
    const ms = durationMs(d[k]);
    if (ms === undefined || ms <= 0) p.push(`detokenize.${k}: must be a duration such as 15m, 1h or 2d`);
    else det[field] = ms;
  }
  const webhook = webhookOf(d, p);
  if (webhook) det.webhook = webhook;
  if (det.approvers.length === 0) p.push('detokenize.approvers: at least one approver group is required');
  return det;
}

const FORMATS = ['generic', 'slack', 'teams'] as const;
/** Longest retry window: a week. */
const RETRY_MAX_S = 7 * 86400;

/** `detokenize.webhook: { url, secret, format?, pageUrl?, retryForSeconds? }`, the secret resolved. */
function webhookOf(d: Record<string, unknown>, p: ConfigProblems): DetokenizeConfig['webhook'] {
  const wh = p.obj(d.webhook, 'detokenize.webhook');
  if (!wh) return undefined;
  p.unknownKeys(wh, ['url', 'secret', 'format', 'pageUrl', 'retryForSeconds'], 'detokenize.webhook');
  const url = p.httpUrl(wh.url, 'detokenize.webhook.url');
  const format = wh.format ?? 'generic';
  if (!FORMATS.includes(format as never)) p.push(`detokenize.webhook.format: must be one of ${FORMATS.join(', ')}`);
  const pageUrl = wh.pageUrl === undefined ? undefined : p.httpUrl(wh.pageUrl, 'detokenize.webhook.pageUrl');
  const retry = wh.retryForSeconds ?? 86400;
  if (!Number.isInteger(retry) || (retry as number) < 1 || (retry as number) > RETRY_MAX_S) p.push(`detokenize.webhook.retryForSeconds: must be an integer from 1 to ${RETRY_MAX_S}`);
  if (typeof wh.secret !== 'string' || wh.secret === '') {
    p.push('detokenize.webhook.secret: required (env:NAME or file:PATH), used to sign the body');
    return undefined;
  }
  const secret = p.secret(wh.secret, 'detokenize.webhook.secret');
  if (!url || secret === undefined) return undefined;
  return { url, secret, format: format as (typeof FORMATS)[number], ...(pageUrl ? { pageUrl } : {}), retryForMs: (retry as number) * 1000 };
}
