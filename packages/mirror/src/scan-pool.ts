/**
 * Threads that scan the blobs of pass 1 (scan-worker.ts) while the main thread reads git's stream and
 * settles blobs in table order. A thread only says which blobs are clean (the scanner finds nothing);
 * the main thread settles every other blob itself, exactly as without threads, so tokens, rewritten
 * bytes, ids and the vault's records do not depend on the thread count (see rewriter.ts, scanPass).
 *
 * Blobs are copied into shared buffers, many small blobs per job; at most `2 × threads` jobs are in
 * flight, so memory stays bounded by that many jobs whatever the history's size. Results are taken in
 * the order jobs were made.
 */
import { Worker } from 'node:worker_threads';
import type { KnownSecrets, ScannerOptions } from '@gitgate/scanner';
import type { ScanJob, ScanResult, ScanWorkerData, ScanWorkerMessage } from './scan-protocol.js';
import { MirrorError, codes } from './errors.js';

/** Bytes of blobs per job (a larger blob makes a job of its own). */
const JOB_BYTES = 1 << 20;
/** Blobs per job at most, so a job of many tiny blobs is not late to the main thread. */
const JOB_BLOBS = 512;

export interface ScanPoolOptions {
  /** Threads to start (at least 1). */
  threads: number;
  /** The options the main thread's scanner was created with (scannerOptionsOf). */
  scanner: Readonly<ScannerOptions>;
  /** The sync's known secrets (the main thread's, growing as it settles blobs), or null. */
  known: KnownSecrets | null;
  /** The main thread's rule-set version: a thread whose scanner differs fails the start. */
  rulesetVersion: string;
  /** The thread's module (default scan-worker.js); tests inject a failing one. */
  module?: URL;
}

/** A finished job: the blobs added, in order, and which are clean with the known values the thread had. */
export interface ScannedJob {
  /** Table indices of the blobs. */
  indices: number[];
  bytes: Buffer;
  /** Blob i is `bytes[ends[i-1] ?? 0, ends[i])`. */
  ends: Int32Array;
  clean: Uint8Array;
  /** How many known values the thread matched (the main thread checks blobs for later ones). */
  knownSize: number;
}

interface Open {
  job: ScannedJob;
  worker: number;
  result: Promise<ScanResult>;
}

interface Waiter {
  resolve(r: ScanResult): void;
  reject(e: Error): void;
}

/** A running pool; `close` it (also after a failure) so no thread outlives the sync. */
export class ScanPool {
  readonly #workers: Worker[];
  readonly #known: KnownSecrets | null;
  #taught: number;
  // Per thread, the waiters of its jobs in the order sent (a thread answers in order).
  readonly #waiting: Waiter[][];
  readonly #open: Open[] = [];
  #failure: MirrorError | null = null;
  #closed = false;
  #nextId = 0;
  #last = -1;
  // Job buffers of JOB_BYTES given back once settled, to be filled again (recycle).
  readonly #free: SharedArrayBuffer[] = [];
  // The job being filled.
  #buffer: SharedArrayBuffer | null = null;
  #view: Buffer | null = null;
  #indices: number[] = [];
  #ends: number[] = [];
  #used = 0;

  private constructor(workers: Worker[], known: KnownSecrets | null) {
    this.#workers = workers;
    this.#known = known;
    this.#taught = known?.size ?? 0;
    this.#waiting = workers.map(() => []);
    workers.forEach((w, i) => this.#watch(w, i));
  }

  /** Starts the threads and waits until each has built its scanner. Throws MirrorError GITGATE_SCAN_WORKER_FAILED. */
  static async start(opts: ScanPoolOptions): Promise<ScanPool> {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new TypeError('scan pool threads must be a positive integer');
    const data: ScanWorkerData = { scanner: opts.scanner, known: opts.known === null ? null : opts.known.entriesFrom(0) };
    const module = opts.module ?? new URL('./scan-worker.js', import.meta.url);
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < opts.threads; i++) workers.push(new Worker(module, { workerData: data }));
      const versions = await Promise.all(workers.map((w) => ready(w)));
      if (versions.some((v) => v !== opts.rulesetVersion)) throw new MirrorError(codes.scanWorkerFailed, 'a scan thread built another rule set than the main thread');
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e instanceof MirrorError ? e : new MirrorError(codes.scanWorkerFailed, 'a scan thread failed to start', { cause: e });
    }
    return new ScanPool(workers, opts.known);
  }

  /** Whether as many jobs are in flight as the pool allows: take one (`next`) before adding more. */
  get full(): boolean {
    return this.#open.length >= 2 * this.#workers.length;
  }

  /** Jobs sent and not yet taken. */
  get pending(): number {
    return this.#open.length;
  }

  /** Copies a blob into the job being filled (table `index`); sends the job when it is full. */
  add(index: number, content: Buffer): void {
    if (this.#view !== null && (this.#used + content.length > this.#view.length || this.#indices.length >= JOB_BLOBS)) this.flush();
    if (this.#view === null) {
      this.#buffer = content.length <= JOB_BYTES ? this.#free.pop() ?? new SharedArrayBuffer(JOB_BYTES) : new SharedArrayBuffer(content.length);
      this.#view = Buffer.from(this.#buffer);
    }
    this.#used += content.copy(this.#view, this.#used);
    this.#indices.push(index);
    this.#ends.push(this.#used);
  }

  /** Sends the job being filled, if it holds any blob, to the thread with the fewest jobs (ties in turn). */
  flush(): void {
    if (this.#view === null || this.#indices.length === 0) return;
    this.#teach();
    const n = this.#workers.length;
    // Starting after the last thread used: results are taken oldest first, so the thread that just
    // answered would otherwise win every tie and the others would idle.
    let worker = (this.#last + 1) % n;
    for (let k = 1; k < n; k++) {
      const i = (this.#last + 1 + k) % n;
      if (this.#waiting[i]!.length < this.#waiting[worker]!.length) worker = i;
    }
    this.#last = worker;
    const ends = Int32Array.from(this.#ends);
    const msg: ScanJob = { kind: 'scan', id: this.#nextId++, buffer: this.#buffer!, ends };
    const job: ScannedJob = { indices: this.#indices, bytes: this.#view.subarray(0, this.#used), ends, clean: new Uint8Array(0), knownSize: 0 };
    const result = new Promise<ScanResult>((resolve, reject) => this.#waiting[worker]!.push({ resolve, reject }));
    // Taken by `next`; a failure before then is reported there.
    result.catch(() => undefined);
    this.#open.push({ job, worker, result });
    if (this.#failure === null) this.#workers[worker]!.postMessage(msg satisfies ScanWorkerMessage);
    else this.#fail(this.#failure);
    this.#buffer = null;
    this.#view = null;
    this.#indices = [];
    this.#ends = [];
    this.#used = 0;
  }

  /** The oldest job sent, once its thread answered. Throws MirrorError GITGATE_SCAN_WORKER_FAILED. */
  async next(): Promise<ScannedJob> {
    const open = this.#open.shift();
    if (open === undefined) throw new TypeError('no scan job is in flight');
    const r = await open.result;
    open.job.clean = r.clean;
    open.job.knownSize = r.knownSize;
    return open.job;
  }

  /**
   * Gives a settled job's buffer back to be filled again. The caller keeps no view into `job.bytes` (what
   * a settle keeps, it copies). A fresh 1 MiB SharedArrayBuffer per job (5,600 on git/git) is memory
   * outside the heap that only a garbage collection frees, and the main thread's heap may grow too slowly
   * to trigger one (docs/benchmarks.md, "Session 13").
   */
  recycle(job: ScannedJob): void {
    const buffer = job.bytes.buffer;
    if (buffer instanceof SharedArrayBuffer && buffer.byteLength === JOB_BYTES && this.#free.length < 2 * this.#workers.length) this.#free.push(buffer);
  }

  /** Stops every thread; pending jobs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#fail(new MirrorError(codes.scanWorkerFailed, 'the scan pool was closed'));
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  /** Sends the threads the values the main thread learned since the last job (before the next job, in order). */
  #teach(): void {
    const known = this.#known;
    if (known === null || known.size === this.#taught || this.#failure !== null) return;
    const entries = known.entriesFrom(this.#taught);
    this.#taught = known.size;
    for (const w of this.#workers) w.postMessage({ kind: 'learn', entries } satisfies ScanWorkerMessage);
  }

  #watch(w: Worker, i: number): void {
    w.on('message', (r: ScanResult) => this.#waiting[i]!.shift()?.resolve(r));
    w.on('error', (e) => this.#fail(new MirrorError(codes.scanWorkerFailed, 'a scan thread failed', { cause: e })));
    w.on('exit', (code) => {
      if (!this.#closed) this.#fail(new MirrorError(codes.scanWorkerFailed, `a scan thread ended (exit code ${code})`));
    });
  }

  #fail(e: MirrorError): void {
    this.#failure ??= e;
    for (const list of this.#waiting) for (const waiter of list.splice(0)) waiter.reject(this.#failure);
  }
}

/** Resolves with the rule-set version a new thread reports once its scanner is built; rejects if it fails first. */
function ready(w: Worker): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ready?: string }): void => {
      w.off('error', reject);
      w.off('exit', onExit);
      resolve(String(m.ready));
    };
    const onExit = (code: number): void => reject(new Error(`exit code ${code}`));
    w.once('message', onMessage);
    w.once('error', reject);
    w.once('exit', onExit);
  });
}
