// The Prometheus text format 0.0.4 registry: counters, histograms, labels, escaping, the gateway's metrics.
import { expect } from 'chai';
import { Counter, Gauge, Histogram, MetricsRegistry, createGatewayMetrics, PROMETHEUS_CONTENT_TYPE } from '../src/metrics.js';
import { startMetricsListener } from '../src/metrics-listener.js';

describe('metrics', () => {
  describe('Counter', () => {
    it('renders HELP, TYPE and one sample per label combination', () => {
      const r = new MetricsRegistry();
      const c = r.counter({ name: 'x_requests_total', help: 'Requests.', labelNames: ['route', 'status'] });
      c.inc({ route: 'upload-pack', status: 200 });
      c.inc({ route: 'upload-pack', status: 200 }, 2);
      c.inc({ route: 'info-refs', status: '404' });
      expect(r.render()).to.equal([
        '# HELP x_requests_total Requests.',
        '# TYPE x_requests_total counter',
        'x_requests_total{route="info-refs",status="404"} 1',
        'x_requests_total{route="upload-pack",status="200"} 3',
        '',
      ].join('\n'));
    });

    it('shows an unlabelled counter as 0 before any increment', () => {
      const r = new MetricsRegistry();
      r.counter({ name: 'x_total', help: 'X.' });
      expect(r.render()).to.contain('\nx_total 0\n');
    });

    it('escapes backslash, double quote and newline in label values', () => {
      const c = new Counter({ name: 'x_total', help: 'X.', labelNames: ['repo'] });
      c.inc({ repo: 'a\\b"c\nd' });
      expect(c.render()).to.contain('x_total{repo="a\\\\b\\"c\\nd"} 1\n');
    });

    it('escapes backslash and newline in help text', () => {
      expect(new Counter({ name: 'x_total', help: 'a\\b\nc' }).render()).to.contain('# HELP x_total a\\\\b\\nc\n');
    });

    it('refuses a negative increment', () => {
      expect(() => new Counter({ name: 'x_total', help: 'X.' }).inc(undefined, -1)).to.throw(TypeError);
    });

    it('refuses a missing or undeclared label', () => {
      const c = new Counter({ name: 'x_total', help: 'X.', labelNames: ['rule'] });
      expect(() => c.inc({})).to.throw(TypeError, /needs label rule/);
      expect(() => c.inc({ rule: 'r', other: 'o' })).to.throw(TypeError, /no label other/);
    });

    it('refuses an invalid metric or label name', () => {
      expect(() => new Counter({ name: '1bad', help: 'X.' })).to.throw(TypeError);
      expect(() => new Counter({ name: 'ok', help: 'X.', labelNames: ['__reserved'] })).to.throw(TypeError);
    });
  });

  describe('Histogram', () => {
    it('renders cumulative buckets, +Inf, sum and count', () => {
      const h = new Histogram({ name: 'x_seconds', help: 'X.', buckets: [0.1, 1] });
      h.observe(undefined, 0.05);
      h.observe(undefined, 0.5);
      h.observe(undefined, 3);
      expect(h.render()).to.equal([
        '# HELP x_seconds X.',
        '# TYPE x_seconds histogram',
        'x_seconds_bucket{le="0.1"} 1',
        'x_seconds_bucket{le="1"} 2',
        'x_seconds_bucket{le="+Inf"} 3',
        'x_seconds_sum 3.55',
        'x_seconds_count 3',
        '',
      ].join('\n'));
    });

    it('counts a value equal to a bound in that bucket', () => {
      const h = new Histogram({ name: 'x_seconds', help: 'X.', buckets: [1, 2] });
      h.observe(undefined, 1);
      expect(h.render()).to.contain('x_seconds_bucket{le="1"} 1\n');
    });

    it('puts declared labels before le', () => {
      const h = new Histogram({ name: 'x_seconds', help: 'X.', labelNames: ['repo'], buckets: [1] });
      h.observe({ repo: 'acme/api' }, 0.5);
      expect(h.render()).to.contain('x_seconds_bucket{repo="acme/api",le="1"} 1\n').and.contain('x_seconds_count{repo="acme/api"} 1\n');
    });

    it('refuses unsorted buckets and a label named le', () => {
      expect(() => new Histogram({ name: 'x', help: 'X.', buckets: [2, 1] })).to.throw(TypeError);
      expect(() => new Histogram({ name: 'x', help: 'X.', labelNames: ['le'] })).to.throw(TypeError);
    });

    it('observes the elapsed seconds through a timer', async () => {
      const h = new Histogram({ name: 'x_seconds', help: 'X.' });
      const end = h.startTimer();
      await new Promise((r) => setTimeout(r, 20));
      const seconds = end();
      expect(seconds).to.be.at.least(0.015);
      expect(h.get()).to.deep.equal({ count: 1, sum: seconds });
    });
  });

  describe('MetricsRegistry', () => {
    it('refuses a name registered twice', () => {
      const r = new MetricsRegistry();
      r.counter({ name: 'x_total', help: 'X.' });
      expect(() => r.histogram({ name: 'x_total', help: 'X.' })).to.throw(TypeError, /already registered/);
    });

    it('renders metrics in registration order', () => {
      const r = new MetricsRegistry();
      r.counter({ name: 'b_total', help: 'B.' });
      r.counter({ name: 'a_total', help: 'A.' });
      expect(r.render().indexOf('b_total')).to.be.lessThan(r.render().indexOf('a_total'));
    });
  });

  describe('Gauge', () => {
    it('renders the last value set per label combination, and drops a removed series', () => {
      const r = new MetricsRegistry();
      const g = r.gauge({ name: 'x_last_seconds', help: 'Last.', labelNames: ['repo'] });
      g.set({ repo: 'a' }, 10);
      g.set({ repo: 'a' }, 12);
      g.set({ repo: 'b' }, 5);
      g.remove({ repo: 'b' });
      expect(r.render()).to.equal('# HELP x_last_seconds Last.\n# TYPE x_last_seconds gauge\nx_last_seconds{repo="a"} 12\n');
    });

    it('refuses a value that is not finite', () => {
      const g = new Gauge({ name: 'x', help: 'X.' });
      expect(() => g.set(undefined, NaN)).to.throw(TypeError);
    });
  });

  describe('createGatewayMetrics', () => {
    it('defines every metric the gateway exposes with its labels', () => {
      const m = createGatewayMetrics();
      m.httpRequests.inc({ route: 'upload-pack', status: 200 });
      m.cloneDuration.observe(undefined, 1.5);
      m.syncDuration.observe(undefined, 0.2);
      m.objectsRewritten.inc({ repo: 'acme/api' }, 12);
      m.secretsTokenized.inc({ rule: 'github-pat' }, 2);
      m.detokenizeRequests.inc({ status: 'approved' });
      m.syncFailures.inc({ repo: 'acme/api' });
      m.syncLastSuccess.set({ repo: 'acme/api' }, 1700000000);
      m.pushes.inc({ repo: 'acme/api', outcome: 'ok' });
      m.pushes.inc({ repo: 'acme/api', outcome: 'refused' }, 2);
      const text = m.registry.render();
      for (const line of [
        '# TYPE gitgate_http_requests_total counter',
        'gitgate_http_requests_total{route="upload-pack",status="200"} 1',
        '# TYPE gitgate_clone_duration_seconds histogram',
        'gitgate_clone_duration_seconds_count 1',
        '# TYPE gitgate_sync_duration_seconds histogram',
        'gitgate_sync_duration_seconds_sum 0.2',
        'gitgate_objects_rewritten_total{repo="acme/api"} 12',
        'gitgate_secrets_tokenized_total{rule="github-pat"} 2',
        'gitgate_detokenize_requests_total{status="approved"} 1',
        'gitgate_sync_failures_total{repo="acme/api"} 1',
        '# TYPE gitgate_sync_last_success_timestamp_seconds gauge',
        'gitgate_sync_last_success_timestamp_seconds{repo="acme/api"} 1700000000',
        '# TYPE gitgate_pushes_total counter',
        'gitgate_pushes_total{repo="acme/api",outcome="ok"} 1',
        'gitgate_pushes_total{repo="acme/api",outcome="refused"} 2',
      ]) expect(text).to.contain(line + '\n');
    });

    it('serves the pushes counter on /metrics once a push is counted, by repository and outcome', async () => {
      const m = createGatewayMetrics();
      const listener = await startMetricsListener({ host: '127.0.0.1', port: 0, registry: m.registry });
      try {
        expect(await (await fetch(`${listener.url}/metrics`)).text()).to.contain('# TYPE gitgate_pushes_total counter\n').and.not.contain('gitgate_pushes_total{');
        m.pushes.inc({ repo: 'acme/api', outcome: 'error' });
        expect(await (await fetch(`${listener.url}/metrics`)).text()).to.contain('\ngitgate_pushes_total{repo="acme/api",outcome="error"} 1\n');
      } finally {
        await listener.close();
      }
    });

    it('names the exposition format version in the content type', () => {
      expect(PROMETHEUS_CONTENT_TYPE).to.equal('text/plain; version=0.0.4; charset=utf-8');
    });

    it('ends every line with a newline and has no blank line', () => {
      const text = createGatewayMetrics().registry.render();
      expect(text.endsWith('\n')).to.equal(true);
      expect(text).to.not.contain('\n\n');
    });
  });
});
