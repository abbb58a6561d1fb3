/** Messages between PackWriterThread (pack-thread.ts) and its thread (pack-thread-worker.ts). */
import type { PackWriterOptions } from './pack-writer.js';

export interface PackThreadData {
  path: string;
  options: PackWriterOptions;
}

/**
 * A batch: object i is `bytes[ends[i-1] ?? 0, ends[i])` of type `types[i]` (a pack type code), with id `ids[20i, 20i+20)`
 * when `hasId[i]`. Then 'finish' or 'abort'; the thread answers each in order.
 */
export type PackThreadRequest =
  | { kind: 'batch'; bytes: ArrayBuffer; used: number; ends: Int32Array; types: Uint8Array; ids: ArrayBuffer; hasId: Uint8Array }
  | { kind: 'finish' }
  | { kind: 'abort' };

/**
 * 'ready' once the writer is open (or 'failed'); per batch 'written', its buffers given back for the
 * next batches (or 'failed' with `batch`); to
 * 'finish' 'finished' (or 'failed'), to 'abort' 'aborted'. `code` is an ObjectsError code or 'TypeError'.
 */
export type PackThreadReply =
  | { kind: 'ready' }
  | { kind: 'written'; bytes: ArrayBuffer; ids: ArrayBuffer }
  | { kind: 'failed'; batch: boolean; code: string; message: string }
  | { kind: 'finished'; path: string; count: number; checksum: string; index?: Uint8Array }
  | { kind: 'aborted' };
