/**
 * A PackWriter in a worker thread (pack-thread-worker.ts): the caller's thread only copies each object
 * into a batch; tree deltas, deflating, the index's CRCs and the file writes happen on another core.
 * For a producer that is itself CPU-bound on one thread, such as the rewrite's pass 2, where those took
 * about a third of the main thread.
 *
 * Objects go in batches of about BATCH_BYTES, each transferred (not copied) to the thread and back
 * once written, to be filled again; at most MAX_IN_FLIGHT batches are unwritten, so memory stays
 * bounded whatever the pack's size, and no spent batch waits for the thread's garbage collector. The
 * pack is the one a PackWriter given the same objects in the same order writes. (The process should
 * run with few malloc arenas: see the gateway's GATEWAY_ENV.)
 */
import { Worker } from 'node:worker_threads';
import { PACK_TYPE_CODES, isObjectType, type ObjectType } from './object-id.js';
import { ObjectsError, codes } from './objects-error.js';
import type { PackFinished, PackWriterOptions } from './pack-writer.js';
import type { PackThreadData, PackThreadReply, PackThreadRequest } from './pack-thread-protocol.js';

const BATCH_BYTES = 1 << 20;
const BATCH_OBJECTS = 4096;
const MAX_IN_FLIGHT = 4;

type State = 'open' | 'finishing' | 'finished' | 'aborted';

/** The batch being filled: contents back to back, where each ends, its type, its id when given. */
class Batch {
  readonly bytes: Buffer;
  used = 0;
  readonly ends: number[] = [];
  readonly types: number[] = [];
  readonly ids: Buffer;
  readonly hasId: number[] = [];

  constructor(bytes: ArrayBuffer, ids: ArrayBuffer) {
    this.bytes = Buffer.from(bytes);
    this.ids = Buffer.from(ids);
  }

  fits(length: number): boolean {
    return this.ends.length < BATCH_OBJECTS && this.used + length <= this.bytes.length;
  }

  add(type: ObjectType, content: Buffer, id: string | undefined): void {
    const n = this.ends.length;
    this.used += content.copy(this.bytes, this.used);
    this.ends.push(this.used);
    this.types.push(PACK_TYPE_CODES[type]);
    if (id !== undefined) this.ids.write(id, n * 20, 20, 'hex');
    this.hasId.push(id === undefined ? 0 : 1);
  }
}

export class PackWriterThread {
  readonly #worker: Worker;
  #state: State = 'open';
  #batch: Batch | null = null;
  #sent = 0;
  #written = 0;
  #accepted = 0;
  #failure: Error | null = null;
  #exited = false;
  // Waiting for a batch to be written (drain), and for the thread's answer to a request.
  readonly #drainWaiters: Array<() => void> = [];
  #answer: ((r: PackThreadReply) => void) | null = null;
  // Batch buffers the thread gave back, BATCH_BYTES each.
  readonly #free: Array<{ bytes: ArrayBuffer; ids: ArrayBuffer }> = [];

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (m: PackThreadReply) => this.#reply(m));
    worker.on('error', (e) => this.#fail(new ObjectsError(codes.packWrite, 'the pack thread failed', { cause: e })));
    worker.once('exit', (code) => {
      this.#exited = true;
      const e = new ObjectsError(codes.packWrite, `the pack thread ended (${code})`);
      if (this.#state === 'open' || this.#state === 'finishing') this.#failure ??= e;
      this.#reply({ kind: 'failed', batch: false, code: e.code, message: e.message });
    });
  }

  /**
   * Starts a thread writing a pack at `path` (its directory must exist) with `options` (as
   * PackWriter.create). Rejects with what PackWriter.create throws there (TypeError for a bad level,
   * ObjectsError 'GITGATE_PACK_WRITE' when the temp file cannot be created). `module` replaces the
   * thread's module (tests).
   */
  static async create(path: string, options: PackWriterOptions = {}, module?: URL): Promise<PackWriterThread> {
    const data: PackThreadData = { path, options };
    const worker = new Worker(module ?? new URL('./pack-thread-worker.js', import.meta.url), { workerData: data });
    const writer = new PackWriterThread(worker);
    const ready = await writer.#request(null);
    if (ready.kind !== 'ready') {
      writer.#state = 'aborted';
      await worker.terminate();
      throw ready.kind === 'failed' ? thrownBack(ready) : new ObjectsError(codes.packWrite, 'the pack thread did not start');
    }
    return writer;
  }

  /** The ordinal the next object will have (objects are numbered from 0, as PackWriter's). */
  get accepted(): number {
    return this.#accepted;
  }

  /**
   * Copies the object into the current batch (its bytes may be reused as soon as this returns); false
   * when too many batches are unwritten or the writer failed: await `drain()` before the next write.
   * `id`, when given, must be the object's id (as PackWriter.write). Throws TypeError once finishing or
   * aborted, or for an unknown type.
   */
  write(type: ObjectType, content: Buffer, id?: string): boolean {
    if (this.#state !== 'open') throw new TypeError('pack writer is closed');
    if (!isObjectType(type)) throw new TypeError(`unknown object type: ${String(type)}`);
    if (this.#batch !== null && !this.#batch.fits(content.length)) this.#send();
    this.#batch ??= this.#newBatch(content.length);
    this.#batch.add(type, content, id);
    this.#accepted++;
    return this.#failure === null && this.#sent - this.#written < MAX_IN_FLIGHT;
  }

  /**
   * Resolves once fewer than MAX_IN_FLIGHT batches are unwritten (not once all are: `finish` waits for
   * those); rejects with the writer's failure, which is sticky as PackWriter's.
   */
  async drain(): Promise<void> {
    while (this.#failure === null && this.#sent - this.#written >= MAX_IN_FLIGHT) {
      await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    }
    if (this.#failure !== null) throw this.#failure;
  }

  /**
   * Writes what is left, then the pack (as PackWriter.finish), and ends the thread. Rejects with
   * TypeError when called twice or after abort, and with the writer's failure, its files removed.
   */
  async finish(): Promise<PackFinished> {
    if (this.#state !== 'open') throw new TypeError('pack writer is closed');
    if (this.#batch !== null) this.#send();
    this.#state = 'finishing';
    try {
      // After a failure the thread's writer is told to finish all the same: it removes its files.
      const r = await this.#request({ kind: 'finish' });
      if (r.kind !== 'finished') throw this.#failure ?? (r.kind === 'failed' ? thrownBack(r) : new ObjectsError(codes.packWrite, 'the pack thread did not finish'));
      this.#state = 'finished';
      const fin: PackFinished = { path: r.path, count: r.count, checksum: r.checksum };
      return r.index === undefined ? fin : { ...fin, index: Buffer.from(r.index.buffer, r.index.byteOffset, r.index.byteLength) };
    } catch (err) {
      this.#state = 'aborted';
      throw err;
    } finally {
      await this.#worker.terminate();
    }
  }

  /**
   * Discards the pack: the thread's writer removes its temp file, then the thread ends. Safe to call
   * more than once and after a failure; a finished pack belongs to the caller and is left in place.
   */
  async abort(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    this.#batch = null;
    await this.#request({ kind: 'abort' });
    await this.#worker.terminate();
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  /** A batch for at least an object of `length` bytes, on buffers given back when they are big enough. */
  #newBatch(length: number): Batch {
    const free = length <= BATCH_BYTES ? this.#free.pop() : undefined;
    if (free !== undefined) return new Batch(free.bytes, free.ids);
    return new Batch(new ArrayBuffer(Math.max(BATCH_BYTES, length)), new ArrayBuffer(20 * BATCH_OBJECTS));
  }

  #send(): void {
    const b = this.#batch!;
    this.#batch = null;
    const req: PackThreadRequest = {
      kind: 'batch', bytes: b.bytes.buffer as ArrayBuffer, used: b.used, ends: Int32Array.from(b.ends), types: Uint8Array.from(b.types),
      ids: b.ids.buffer as ArrayBuffer, hasId: Uint8Array.from(b.hasId),
    };
    this.#sent++;
    this.#worker.postMessage(req, [req.bytes, req.ids]);
  }

  /** Sends `req` (null: none, to hear 'ready') and resolves with the thread's answer to it ('failed' once it has ended). */
  #request(req: PackThreadRequest | null): Promise<PackThreadReply> {
    return new Promise((resolve) => {
      if (this.#exited) return resolve({ kind: 'failed', batch: false, code: codes.packWrite, message: 'the pack thread has ended' });
      this.#answer = resolve;
      if (req !== null) this.#worker.postMessage(req);
    });
  }

  #reply(m: PackThreadReply): void {
    if (m.kind === 'written' || (m.kind === 'failed' && m.batch)) {
      if (m.kind === 'failed') this.#failure ??= thrownBack(m);
      else if (m.bytes.byteLength === BATCH_BYTES) this.#free.push({ bytes: m.bytes, ids: m.ids });
      this.#written++;
    } else {
      const answer = this.#answer;
      this.#answer = null;
      answer?.(m);
    }
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  /** The thread failed (its 'exit' follows and answers a pending request): the failure is sticky. */
  #fail(e: ObjectsError): void {
    this.#failure ??= e;
    for (const w of this.#drainWaiters.splice(0)) w();
  }
}

/** The thread's failure as this thread's error. */
function thrownBack(m: { code: string; message: string }): Error {
  if (m.code === 'TypeError') return new TypeError(m.message);
  return new ObjectsError(m.code === codes.packTooMany ? codes.packTooMany : codes.packWrite, m.message);
}
