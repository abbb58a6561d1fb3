/**
 * A small metrics registry rendered in the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): counters and histograms with
 * declared labels, and the gateway's metric definitions. No dependency; label values must never be
 * secrets or tokens (invariant 4): use names of routes, repositories, rules and status codes only.
 */

/** Content-Type of `render()`'s output, for the `/metrics` response. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label name → value; every declared label must be given, no other. */
export type Labels = Readonly<Record<string, string | number>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface MetricOptions {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

/** Seconds; from 5 ms to 5 minutes, for HTTP work and git syncs alike. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

abstract class Metric {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  abstract readonly type: 'counter' | 'gauge' | 'histogram';

  constructor(opts: MetricOptions) {
    if (!METRIC_NAME.test(opts.name)) throw new TypeError(`invalid metric name ${JSON.stringify(opts.name)}`);
    const labelNames = opts.labelNames ?? [];
    for (const l of labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new TypeError(`invalid label name ${JSON.stringify(l)} for ${opts.name}`);
    }
    if (new Set(labelNames).size !== labelNames.length) throw new TypeError(`duplicate label name for ${opts.name}`);
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = [...labelNames];
  }

  /** The series key: label values in declared order. Throws TypeError on a missing or unknown label. */
  protected key(labels: Labels | undefined): string {
    const given = labels ?? {};
    for (const k of Object.keys(given)) if (!this.labelNames.includes(k)) throw new TypeError(`${this.name} has no label ${k}`);
    const values = this.labelNames.map((l) => {
      const v = given[l];
      if (v === undefined) throw new TypeError(`${this.name} needs label ${l}`);
      return String(v);
    });
    return JSON.stringify(values);
  }

  /** `{a="x",b="y"}` for a series key plus extra pairs (`le` for buckets), or '' when there are none. */
  protected labelText(key: string, extra: [string, string][] = []): string {
    const values = JSON.parse(key) as string[];
    const pairs = [...this.labelNames.map((l, i): [string, string] => [l, values[i]]), ...extra];
    if (pairs.length === 0) return '';
    return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
  }

  /** HELP and TYPE lines followed by the samples. */
  render(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n${this.samples()}`;
  }

  protected abstract samples(): string;
}

/** A monotonically increasing count, one series per label combination. */
export class Counter extends Metric {
  readonly type = 'counter' as const;
  readonly #values = new Map<string, number>();

  constructor(opts: MetricOptions) {
    super(opts);
    // An unlabelled counter exists from the start, so a scrape shows 0 rather than nothing.
    if (this.labelNames.length === 0) this.#values.set(this.key({}), 0);
  }

  /** Adds `value` (default 1). Throws TypeError on a negative or non-finite value or wrong labels. */
  inc(labels?: Labels, value = 1): void {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`${this.name}: a counter only goes up (got ${value})`);
    const k = this.key(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + value);
  }

  /** The current value of one series (0 when never incremented). */
  get(labels?: Labels): number {
    return this.#values.get(this.key(labels)) ?? 0;
  }

  protected samples(): string {
    let out = '';
    for (const k of [...this.#values.keys()].sort()) out += `${this.name}${this.labelText(k)} ${formatNumber(this.#values.get(k)!)}\n`;
    return out;
  }
}

/** A value that goes up and down (or a timestamp), one series per label combination. */
export class Gauge extends Metric {
  readonly type = 'gauge' as const;
  readonly #values = new Map<string, number>();

  /** Sets one series. Throws TypeError on a non-finite value or wrong labels. */
  set(labels: Labels | undefined, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: a gauge takes a finite value (got ${value})`);
    this.#values.set(this.key(labels), value);
  }

  /** The current value of one series, or undefined when never set. */
  get(labels?: Labels): number | undefined {
    return this.#values.get(this.key(labels));
  }

  /** Drops one series (e.g. of a repository no longer served). */
  remove(labels?: Labels): void {
    this.#values.delete(this.key(labels));
  }

  protected samples(): string {
    let out = '';
    for (const k of [...this.#values.keys()].sort()) out += `${this.name}${this.labelText(k)} ${formatNumber(this.#values.get(k)!)}\n`;
    return out;
  }
}

interface HistogramSeries {
  /** Non-cumulative counts per bucket; rendered cumulatively. */
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted into cumulative `le` buckets, with `_sum` and `_count`. */
export class Histogram extends Metric {
  readonly type = 'histogram' as const;
  readonly buckets: readonly number[];
  readonly #series = new Map<string, HistogramSeries>();

  /** Throws TypeError on unsorted, duplicate or non-finite buckets, or a label named `le`. */
  constructor(opts: MetricOptions & { buckets?: readonly number[] }) {
    super(opts);
    if (this.labelNames.includes('le')) throw new TypeError(`${this.name}: "le" is reserved for histogram buckets`);
    const buckets = [...(opts.buckets ?? DEFAULT_DURATION_BUCKETS)];
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]))) {
      throw new TypeError(`${this.name}: buckets must be finite and strictly increasing (+Inf is implicit)`);
    }
    this.buckets = buckets;
    if (this.labelNames.length === 0) this.#series.set(this.key({}), this.#empty());
  }

  /** Records one observation (e.g. seconds). Throws TypeError on NaN or wrong labels. */
  observe(labels: Labels | undefined, value: number): void {
    if (Number.isNaN(value)) throw new TypeError(`${this.name}: cannot observe NaN`);
    const k = this.key(labels);
    let s = this.#series.get(k);
    if (!s) {
      s = this.#empty();
      this.#series.set(k, s);
    }
    const i = this.buckets.findIndex((b) => value <= b);
    s.counts[i < 0 ? this.buckets.length : i]++;
    s.sum += value;
    s.count++;
  }

  /** Starts a timer; calling the returned function observes the seconds elapsed and returns them. */
  startTimer(labels?: Labels): () => number {
    this.key(labels); // wrong labels fail now, not when the work is done
    const start = process.hrtime.bigint();
    return () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.observe(labels, seconds);
      return seconds;
    };
  }

  /** Count and sum of one series. */
  get(labels?: Labels): { count: number; sum: number } {
    const s = this.#series.get(this.key(labels));
    return { count: s?.count ?? 0, sum: s?.sum ?? 0 };
  }

  #empty(): HistogramSeries {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  protected samples(): string {
    let out = '';
    for (const k of [...this.#series.keys()].sort()) {
      const s = this.#series.get(k)!;
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i];
        out += `${this.name}_bucket${this.labelText(k, [['le', formatNumber(b)]])} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${this.labelText(k, [['le', '+Inf']])} ${s.count}\n`;
      out += `${this.name}_sum${this.labelText(k)} ${formatNumber(s.sum)}\n`;
      out += `${this.name}_count${this.labelText(k)} ${s.count}\n`;
    }
    return out;
  }
}

/** Holds metrics by name and renders them all, in registration order. */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  /** Registers a counter. Throws TypeError when the name is taken or invalid. */
  counter(opts: MetricOptions): Counter {
    return this.#add(new Counter(opts));
  }

  /** Registers a gauge. Throws TypeError when the name is taken or invalid. */
  gauge(opts: MetricOptions): Gauge {
    return this.#add(new Gauge(opts));
  }

  /** Registers a histogram. Throws TypeError when the name is taken or invalid. */
  histogram(opts: MetricOptions & { buckets?: readonly number[] }): Histogram {
    return this.#add(new Histogram(opts));
  }

  /** The exposition text of every registered metric. */
  render(): string {
    return [...this.#metrics.values()].map((m) => m.render()).join('');
  }

  #add<M extends Metric>(m: M): M {
    if (this.#metrics.has(m.name)) throw new TypeError(`metric ${m.name} is already registered`);
    this.#metrics.set(m.name, m);
    return m;
  }
}

/** The metrics the gateway records; see createGatewayMetrics. */
export interface GatewayMetrics {
  registry: MetricsRegistry;
  /** labels: route (a route pattern such as `upload-pack`, never a raw URL), status (HTTP code). */
  httpRequests: Counter;
  /** Seconds from the first request of a clone or fetch to the end of its pack. */
  cloneDuration: Histogram;
  /** Seconds per upstream sync (fetch + rewrite). */
  syncDuration: Histogram;
  /** labels: repo. Objects written to the sanitized store with new ids. */
  objectsRewritten: Counter;
  /** labels: rule (scanner rule id). Secret occurrences replaced by a token. */
  secretsTokenized: Counter;
  /** labels: status (e.g. `created`, `approved`, `denied`, `revealed`, `refused`). */
  detokenizeRequests: Counter;
  /** labels: repo. Syncs with upstream that failed. */
  syncFailures: Counter;
  /** labels: repo. Unix time (seconds) of the repository's last successful sync. */
  syncLastSuccess: Gauge;
  /** labels: repo, outcome (`ok`, `refused`, `error`). Pushed ref updates, one per audit `push` record. */
  pushes: Counter;
}

/** Registers the gateway's metrics in `registry` (a new one by default). */
export function createGatewayMetrics(registry: MetricsRegistry = new MetricsRegistry()): GatewayMetrics {
  return {
    registry,
    httpRequests: registry.counter({ name: 'gitgate_http_requests_total', help: 'HTTP requests by route and status.', labelNames: ['route', 'status'] }),
    cloneDuration: registry.histogram({ name: 'gitgate_clone_duration_seconds', help: 'Duration of clone and fetch requests in seconds.' }),
    syncDuration: registry.histogram({ name: 'gitgate_sync_duration_seconds', help: 'Duration of upstream syncs in seconds.' }),
    objectsRewritten: registry.counter({ name: 'gitgate_objects_rewritten_total', help: 'Objects rewritten into the sanitized store.', labelNames: ['repo'] }),
    secretsTokenized: registry.counter({ name: 'gitgate_secrets_tokenized_total', help: 'Secret occurrences replaced by a token, by scanner rule.', labelNames: ['rule'] }),
    detokenizeRequests: registry.counter({ name: 'gitgate_detokenize_requests_total', help: 'Detokenize API requests by outcome.', labelNames: ['status'] }),
    syncFailures: registry.counter({ name: 'gitgate_sync_failures_total', help: 'Upstream syncs that failed, by repository.', labelNames: ['repo'] }),
    syncLastSuccess: registry.gauge({ name: 'gitgate_sync_last_success_timestamp_seconds', help: 'Unix time of the last successful upstream sync, by repository.', labelNames: ['repo'] }),
    pushes: registry.counter({ name: 'gitgate_pushes_total', help: 'Pushed ref updates by repository and outcome (ok, held, refused, error); a held update counts again when released.', labelNames: ['repo', 'outcome'] }),
  };
}

/** Label values escape backslash, double quote and line feed. */
function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go-style float text as Prometheus parses it: +Inf, -Inf, NaN, otherwise the shortest decimal. */
function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}
