/** The messages between the scan pool (scan-pool.ts) and its threads (scan-worker.ts). */
import type { ScannerOptions } from '@gitgate/scanner';

/** A known value as it crosses to a thread (a structured clone; never logged). */
export interface KnownEntry {
  type: string;
  secret: Uint8Array;
}

/** What a thread starts from. */
export interface ScanWorkerData {
  /** The options of the main thread's scanner (scannerOptionsOf). */
  scanner: Readonly<ScannerOptions>;
  /** The sync's known values in index order, or null when the sync matches none. */
  known: KnownEntry[] | null;
}

/** Blobs to scan: their bytes one after the other in `buffer`, blob i ending at `ends[i]`. */
export interface ScanJob {
  kind: 'scan';
  id: number;
  buffer: SharedArrayBuffer;
  ends: Int32Array;
}

/** Values the main thread learned since the last message: learned in this order, they keep its indices. */
export interface LearnMessage {
  kind: 'learn';
  entries: KnownEntry[];
}

export type ScanWorkerMessage = ScanJob | LearnMessage;

/** A thread's answer to a job: per blob 1 when the scanner found nothing, with the known values it had. */
export interface ScanResult {
  id: number;
  knownSize: number;
  clean: Uint8Array;
}
