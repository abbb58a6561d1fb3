/**
 * The body of one scan thread (scan-pool.ts): the same scanner as the main thread (built from its
 * options) and a copy of the sync's known secrets, kept up to date by `learn` messages. For each blob of
 * a job it answers one bit: clean (the scanner finds nothing in it, at any decoded layer) or not. It
 * mints no token and keeps nothing: every decision about a blob that is not clean is the main thread's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createScanner, KnownSecrets, withKnownSecrets, type Scanner } from '@gitgate/scanner';
import { isClean } from './clean-probe.js';
import type { ScanJob, ScanResult, ScanWorkerData, ScanWorkerMessage } from './scan-protocol.js';

function scanJob(scanner: Scanner, known: KnownSecrets | null, job: ScanJob): ScanResult {
  const bytes = Buffer.from(job.buffer);
  const n = job.ends.length;
  const clean = new Uint8Array(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = job.ends[i]!;
    clean[i] = isClean(scanner, bytes.subarray(start, end)) ? 1 : 0;
    start = end;
  }
  return { id: job.id, knownSize: known?.size ?? 0, clean };
}

function main(): void {
  const port = parentPort;
  if (port === null) throw new TypeError('scan-worker runs only as a worker thread');
  const data = workerData as ScanWorkerData;
  const base = createScanner(data.scanner);
  const known = data.known === null ? null : new KnownSecrets();
  for (const e of data.known ?? []) known!.learn(e.type, e.secret);
  const scanner = known === null ? base : withKnownSecrets(base, known);
  port.postMessage({ ready: base.rulesetVersion });
  port.on('message', (m: ScanWorkerMessage) => {
    if (m.kind === 'learn') {
      for (const e of m.entries) known?.learn(e.type, e.secret);
      return;
    }
    port.postMessage(scanJob(scanner, known, m));
  });
}

main();
