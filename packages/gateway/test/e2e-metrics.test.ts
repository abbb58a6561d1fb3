// /metrics scraped over HTTP: the Prometheus counters and histograms move after a clone and a sync.
import { expect } from 'chai';
import path from 'node:path';
import { demoFixtures, gitOk, startDemoGateway, type DemoGateway } from './helpers/harness.js';

/** Value of one sample in Prometheus text; `labels` must match exactly (order-insensitive). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const p of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) got[p[1]] = p[2];
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Sum of every sample of `name` whatever its labels. */
function total(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{.*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) sum += Number(m[2]);
  }
  return sum;
}

describe('e2e: /metrics', function () {
  this.timeout(120_000);
  let demo: DemoGateway;

  before(async () => {
    demo = await startDemoGateway();
  });
  after(async () => {
    await demo.stop();
  });

  async function scrape(): Promise<string> {
    const res = await fetch(`${demo.gw.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('version=0.0.4');
    return res.text();
  }

  it('counts requests, clone and sync durations, rewritten objects and tokenized secrets after a clone', async () => {
    const before = await scrape();
    await gitOk(['clone', '--quiet', demo.url, path.join(demo.dir, 'clone')]);
    const after = await scrape();
    expect(sample(after, 'gitgate_http_requests_total', { route: 'git-upload-pack', status: '200' }) ?? 0)
      .to.be.greaterThan(sample(before, 'gitgate_http_requests_total', { route: 'git-upload-pack', status: '200' }) ?? 0);
    expect(sample(after, 'gitgate_clone_duration_seconds_count')).to.be.greaterThan(sample(before, 'gitgate_clone_duration_seconds_count') ?? 0);
    expect(sample(after, 'gitgate_sync_duration_seconds_count')).to.be.greaterThan(sample(before, 'gitgate_sync_duration_seconds_count') ?? 0);
    expect(sample(after, 'gitgate_objects_rewritten_total', { repo: 'acme/api' })).to.be.greaterThan(0);
    expect(total(after, 'gitgate_secrets_tokenized_total')).to.be.greaterThan(0);
  });

  it('moves the sync and rewrite counters again after upstream advanced and a fetch synced it', async () => {
    const before = await scrape();
    await (await demoFixtures()).advanceDemoRepo(demo.upstream);
    await gitOk(['fetch', '--quiet', 'origin'], { cwd: path.join(demo.dir, 'clone') });
    const after = await scrape();
    expect(sample(after, 'gitgate_sync_duration_seconds_count')).to.be.greaterThan(sample(before, 'gitgate_sync_duration_seconds_count')!);
    expect(sample(after, 'gitgate_objects_rewritten_total', { repo: 'acme/api' })).to.be.greaterThan(sample(before, 'gitgate_objects_rewritten_total', { repo: 'acme/api' })!);
    expect(total(after, 'gitgate_secrets_tokenized_total')).to.be.greaterThan(total(before, 'gitgate_secrets_tokenized_total'));
  });

  it('never puts a planted secret or a token into a metric', async () => {
    const text = await scrape();
    for (const s of demo.secrets) expect(text.includes(s.value), s.where).to.equal(false);
    expect(text).to.not.contain('[[TOKEN_');
  });
});
