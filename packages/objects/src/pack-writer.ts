// Writes a version 2 pack (gitformat-pack), streaming to disk so memory stays bounded by one object
// plus a small write buffer, whatever the pack size. Objects are written whole, except trees with the
// deltaTrees option: each may go as an OFS_DELTA against the last version of the same directory
// (tree-delta.ts).
import { createHash, randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflate, deflateSync } from 'node:zlib';
import { PACK_TYPE_CODES, isObjectType, objectHeader, type ObjectType } from './object-id.js';
import { packIndex, type PackIndexColumns } from './pack-index.js';
import { ObjectsError, codes } from './objects-error.js';
import { MAX_DELTA_DEPTH, ofsDeltaOffset, sharedEnds, treeDelta, treeEntries, treeSignature, type SharedEnds } from './tree-delta.js';

/** Options for `PackWriter.create`. */
export interface PackWriterOptions {
  /**
   * zlib level, 1 (fastest, the default: packs are written on the sync path) to 6 (git's default
   * size/speed trade-off).
   */
  level?: number;
  /**
   * Keep each object's id and CRC-32 so `finish` also gives the pack's index (`index`), and the pack
   * needs no `git index-pack` (default false).
   */
  index?: boolean;
  /**
   * Write a tree as a delta against the closest of the last BASE_CANDIDATES trees written with the same
   * first and last entry names (most likely earlier versions of the same directory) when that saves at
   * least half its size; chains stay within git's default depth: a full one goes on from a tree half as
   * deep (default false).
   */
  deltaTrees?: boolean;
}

/**
 * A tree kept as a possible base (one of its signature's last versions): its ordinal, an own copy of its
 * content and its entries, its chain depth, and its chain's anchor: the newest tree of the chain at depth ANCHOR_DEPTH or less
 * (itself when it is one), which the next version is based on once this chain is full.
 */
interface DeltaBase {
  ordinal: number;
  content: Buffer;
  entries: Int32Array;
  depth: number;
  anchor: DeltaBase | null;
}

/** One object on its way into the pack: `payload` is `content`, or its delta against ordinal `base`. */
interface Entry {
  type: ObjectType;
  content: Buffer;
  payload: Buffer;
  base: number;
  /** The object's id when the caller has it (hex), so the index need not hash the content again. */
  id: string | undefined;
}

const deflateAsync = promisify(deflate);
// Small objects deflate faster inline than the thread-pool round trip costs; large ones go to
// the pool so a 100 MB blob does not stall the event loop.
const INLINE_DEFLATE_MAX = 64 * 1024;
const STAGING_BYTES = 1024 * 1024;
const MAX_OBJECTS = 0xffffffff;
const OFS_DELTA = 6;
// The delta bases kept in memory (copies of trees and their entry offsets); past this the directories
// least recently written go. A few hundred versions of big directories: the hot ones stay.
const DELTA_BASE_BYTES = 8 * 1024 * 1024;
// Versions kept per directory (tree signature), newest first: a rewritten history does not come in one
// line of descent (branches are interleaved), so the newest version of a directory is often not the
// one a tree was made from. On git/git, with the newest alone, a tenth of the tree deltas were 5.9 KB
// or more (git's own: 483 bytes at the 90th percentile) and the big trees were written whole.
const BASE_CANDIDATES = 4;
// A delta this small against the target (1/16 of it) is taken without trying older versions.
const GOOD_DELTA_SHARE = 16;
// A chain at git's depth limit goes on from its anchor, half as deep, rather than with a whole tree:
// on git/git 6,720 trees (86 MB) were written whole, one per 50 versions of each directory.
const ANCHOR_DEPTH = MAX_DELTA_DEPTH / 2;

type State = 'open' | 'finishing' | 'finished' | 'aborted';

/** What a kept base holds in memory: its copy and entries, and its anchor's when that is another tree. */
function baseBytes(b: DeltaBase): number {
  const own = b.content.length + b.entries.byteLength;
  return b.anchor === null || b.anchor === b ? own : own + b.anchor.content.length + b.anchor.entries.byteLength;
}

/** The pack entry header: type in bits 4-6 of the first byte, then the size 4 + 7n bits, little-endian. */
function entryHeader(typeCode: number, size: number): Buffer {
  const bytes: number[] = [];
  let rest = Math.floor(size / 16);
  let byte = (typeCode << 4) | (size % 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest % 128;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/**
 * Payloads under this many bytes are written as one stored deflate block (storedZlib) instead of through
 * zlib: on git/git's rewritten trees 124k of 168k payloads (tree deltas, mostly) were that small, zlib
 * made 10.2 MB of them into 11.0 MB, stored blocks make 11.6 MB, and each `deflateSync` call costs
 * 15–25 µs whatever the size: 1.4 s of the pack thread's CPU in a replay of those trees
 * (docs/benchmarks.md, "Session 13").
 */
const STORED_MAX = 256;

/** `payload` as a zlib stream: stored when small, else deflated at `level` (synchronously). */
function deflateInline(payload: Buffer, level: number): Buffer {
  return payload.length < STORED_MAX ? storedZlib(payload) : deflateSync(payload, deflateOptions(level, payload.length));
}

/**
 * A zlib stream (RFC 1950) holding `payload` (at most 65,535 bytes) in one final stored block (RFC 1951,
 * BTYPE 00): header 78 01, the block's LEN and NLEN, the bytes, then their Adler-32.
 */
export function storedZlib(payload: Uint8Array): Buffer {
  const n = payload.length;
  if (n > 0xffff) throw new RangeError('a stored block holds at most 65535 bytes');
  const out = Buffer.allocUnsafe(n + 11);
  out[0] = 0x78;
  out[1] = 0x01;
  out[2] = 0x01;
  out.writeUInt16LE(n, 3);
  out.writeUInt16LE(~n & 0xffff, 5);
  out.set(payload, 7);
  let a = 1;
  let b = 0;
  // JS numbers hold the sums exactly far past 4 KiB between reductions.
  for (let i = 0; i < n; i++) {
    a += payload[i]!;
    b += a;
    if ((i & 0xfff) === 0xfff) {
      a %= 65521;
      b %= 65521;
    }
  }
  out.writeUInt32BE((((b % 65521) << 16) | (a % 65521)) >>> 0, n + 7);
  return out;
}

/**
 * zlib options for one object, sized to it. Measured on 20k small blobs: the default 256 KiB
 * zlib state, allocated per call, cost more than the compression, and the default 16 KiB output
 * chunk kept 16 KiB alive behind every few-byte result. Any window inflates with git's settings.
 */
function deflateOptions(level: number, size: number): { level: number; windowBits: number; chunkSize: number } {
  // zlib can reach back window - 262 bytes (MIN_LOOKAHEAD), so size the window for that.
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(size + 262))));
  // Room for incompressible content plus zlib's framing; larger output just spans more chunks.
  const chunkSize = Math.min(64 * 1024, size + 64);
  return { level, windowBits, chunkSize };
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/** Writes `parts` to a new file at `path` (replacing one there) in one gathered write, then syncs it. */
async function writeDurably(path: string, parts: Buffer[]): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const { bytesWritten } = await handle.writev(parts);
    // A short write (not expected of a regular file) is finished piece by piece.
    if (bytesWritten < total) await writeAll(handle, Buffer.concat(parts).subarray(bytesWritten));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function writeFailed(cause: unknown): ObjectsError {
  return new ObjectsError(codes.packWrite, 'writing the pack failed', { cause });
}

/** A finished pack: where it is, how many objects, its checksum (hex) and, with the index option, its index's bytes. */
export interface PackFinished {
  path: string;
  count: number;
  checksum: string;
  index?: Buffer;
}

/**
 * Streams objects into a pack file. Objects go, deflated, to a temp file beside the target path;
 * `finish` then writes the real pack (header with the final count, the objects, SHA-1 trailer)
 * and removes the temp file. Objects are written in the order `add` was called, even when calls
 * are not awaited one by one.
 */
export class PackWriter {
  readonly #path: string;
  readonly #tempPath: string;
  readonly #level: number;
  #temp: FileHandle | null;
  #state: State = 'open';
  #count = 0;
  // Small objects are copied here and written in large batches; the deflated buffers die young.
  readonly #staging = Buffer.allocUnsafe(STAGING_BYTES);
  #staged = 0;
  #queue: Promise<void> = Promise.resolve();
  /** Objects handed to the queue and not yet written; while any are, `write` must queue too (order). */
  #queued = 0;
  #failure: ObjectsError | null = null;
  // Objects accepted by add/write (the next one's ordinal), where each starts in the temp stream, and
  // the ordinals `discard` took back.
  #accepted = 0;
  #tempBytes = 0;
  readonly #starts: number[] = [];
  readonly #discarded = new Set<number>();
  #finishing: Promise<unknown> | null = null;
  // With the index option: each object's id (20 bytes at 20 × ordinal) and CRC-32 of its entry.
  #ids: Buffer | null;
  readonly #crcs: number[] = [];
  // With deltaTrees: the bases by tree signature, their bytes, and each delta as [base, ordinal].
  readonly #bases: Map<string, DeltaBase[]> | null;
  #baseBytes = 0;
  readonly #deltas: Array<[number, number]> = [];

  private constructor(path: string, tempPath: string, temp: FileHandle, level: number, index: boolean, deltaTrees: boolean) {
    this.#path = path;
    this.#tempPath = tempPath;
    this.#temp = temp;
    this.#level = level;
    this.#ids = index ? Buffer.allocUnsafe(20 * 1024) : null;
    this.#bases = deltaTrees ? new Map() : null;
  }

  /**
   * Opens a writer for a pack to be written at `path` (its directory must exist). Throws
   * TypeError for a level outside 1..6, ObjectsError 'GITGATE_PACK_WRITE' when the temp file
   * cannot be created.
   */
  static async create(path: string, options: PackWriterOptions = {}): Promise<PackWriter> {
    const level = options.level ?? 1;
    if (!Number.isInteger(level) || level < 1 || level > 6) throw new TypeError('pack compression level must be an integer from 1 to 6');
    const tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      return new PackWriter(path, tempPath, await open(tempPath, 'wx', 0o600), level, options.index === true, options.deltaTrees === true);
    } catch (err) {
      throw writeFailed(err);
    }
  }

  /** Number of objects written so far (discarded ones not counted). */
  get count(): number {
    return this.#count - this.#discarded.size;
  }

  /** The ordinal the next object given to `add` or `write` will have (objects are numbered from 0). */
  get accepted(): number {
    return this.#accepted;
  }

  /**
   * Takes back an object given earlier (by its ordinal, see `accepted`): `finish` leaves it out of the
   * pack. For an object found to be wrong before the pack is installed. Throws TypeError for an ordinal
   * never given, once the writer is closed, and for an object that is a delta's base or lies between a
   * delta and its base (the delta's offset would no longer reach its base).
   */
  discard(ordinal: number): void {
    if (this.#state !== 'open') throw new TypeError('pack writer is closed');
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= this.#accepted) throw new TypeError('no such object in the pack');
    if (this.#deltas.some(([base, o]) => base <= ordinal && ordinal < o)) throw new TypeError('a delta in the pack depends on that object');
    this.#discarded.add(ordinal);
  }

  /**
   * Deflates `content` and appends it as one `type` object. `content` must not change until the
   * promise settles. Rejects with TypeError after finish/abort or for an unknown type, and with
   * ObjectsError 'GITGATE_PACK_WRITE' when writing failed (this or an earlier object; the writer
   * is then unusable and only `abort` is useful) or 'GITGATE_PACK_TOO_MANY' past 2^32-1 objects.
   */
  add(type: ObjectType, content: Buffer): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(new TypeError('pack writer is closed'));
    if (!isObjectType(type)) return Promise.reject(new TypeError(`unknown object type: ${String(type)}`));
    return this.#enqueue(this.#entry(type, content, undefined), null, false);
  }

  /** Numbers the object and, for a tree with deltaTrees, picks its base and makes its delta. */
  #entry(type: ObjectType, content: Buffer, id: string | undefined): Entry {
    const ordinal = this.#accepted++;
    const signature = this.#bases !== null && type === 'tree' ? treeSignature(content) : null;
    const entries = signature === null ? null : treeEntries(content);
    if (entries === null) return { type, content, payload: content, base: -1, id };
    const versions = this.#bases!.get(signature!) ?? [];
    // The smallest delta against the directory's last versions (a chain at git's depth limit goes on
    // from its anchor); the newest that gives a small one ends the search.
    let base: DeltaBase | null = null;
    let delta: Buffer | null = null;
    // Full chains of several versions may share one anchor: each candidate is tried once, those that
    // share the most bytes at both ends first (found natively, they are the likely closest).
    const candidates: { base: DeltaBase; ends: SharedEnds; shared: number }[] = [];
    for (const version of versions) {
      const candidate = version.depth < MAX_DELTA_DEPTH ? version : version.anchor;
      if (candidate === null || candidates.some((c) => c.base === candidate) || this.#discarded.has(candidate.ordinal)) continue;
      const ends = sharedEnds(candidate.content, content);
      candidates.push({ base: candidate, ends, shared: Math.min(ends.head + ends.tail, content.length) });
    }
    candidates.sort((a, b) => b.shared - a.shared);
    for (const { base: candidate, ends } of candidates) {
      const d = treeDelta(candidate.content, candidate.entries, content, entries, delta === null ? Infinity : delta.length, ends);
      if (d !== null) {
        base = candidate;
        delta = d;
        if (d.length * GOOD_DELTA_SHARE <= content.length) break;
      }
    }
    const kept: DeltaBase = { ordinal, content: ownCopy(content), entries, depth: delta === null ? 0 : base!.depth + 1, anchor: null };
    kept.anchor = kept.depth <= ANCHOR_DEPTH ? kept : base!.anchor;
    this.#keepBase(signature!, kept, versions);
    if (delta === null) return { type, content, payload: content, base: -1, id };
    this.#deltas.push([base!.ordinal, ordinal]);
    return { type, content, payload: delta, base: base!.ordinal, id };
  }

  /**
   * Makes `base` the newest of its signature's versions (BASE_CANDIDATES at most); the directories least
   * recently written go past DELTA_BASE_BYTES.
   */
  #keepBase(signature: string, base: DeltaBase, versions: DeltaBase[]): void {
    const bases = this.#bases!;
    bases.delete(signature);
    versions.unshift(base);
    this.#baseBytes += baseBytes(base);
    while (versions.length > BASE_CANDIDATES) this.#baseBytes -= baseBytes(versions.pop()!);
    bases.set(signature, versions);
    for (const [key, oldest] of bases) {
      if (this.#baseBytes <= DELTA_BASE_BYTES) break;
      bases.delete(key);
      for (const v of oldest) this.#baseBytes -= baseBytes(v);
    }
  }

  /**
   * Appends one object without a promise per call, for producers of many small objects (an async call
   * per object costs more than deflating it). A small object is deflated and staged before this
   * returns true. Otherwise (a large object, a full staging buffer, earlier objects still queued) it is
   * queued like `add` and this returns false: await `drain()` before the next write to keep writes
   * synchronous and queued content bounded. Failures of written objects are sticky and surface from
   * `drain` and `finish`. `id`, when given, must be the object's id (hashObject of type and content):
   * the index takes it instead of hashing the content again. Throws TypeError after finish/abort or for
   * an unknown type.
   */
  write(type: ObjectType, content: Buffer, id?: string): boolean {
    if (this.#state !== 'open') throw new TypeError('pack writer is closed');
    if (!isObjectType(type)) throw new TypeError(`unknown object type: ${String(type)}`);
    if (this.#failure !== null) return false;
    const entry = this.#entry(type, content, id);
    const payload = entry.payload;
    let deflated: Buffer | null = null;
    if (this.#queued === 0 && payload.length <= INLINE_DEFLATE_MAX && this.#count < MAX_OBJECTS) {
      try {
        deflated = deflateInline(payload, this.#level);
      } catch (err) {
        this.#failure = writeFailed(err);
        return false;
      }
      if (this.#stage(entry, deflated)) return true;
    }
    // The queue flushes the staging buffer first; a deflate already done is not repeated.
    this.#enqueue(entry, deflated, true).catch(() => undefined);
    return false;
  }

  /** Resolves once every object written or added so far is staged or on disk; rejects with the writer's failure. */
  async drain(): Promise<void> {
    await this.#queue;
    if (this.#failure !== null) throw this.#failure;
  }

  /** `sticky`: a failure of this object fails the writer (nobody awaits the object itself). */
  #enqueue(entry: Entry, deflated: Buffer | null, sticky: boolean): Promise<void> {
    this.#queued++;
    const run = this.#queue.then(() => this.#write(entry, deflated, sticky));
    this.#queue = run.catch(() => undefined); // keep the chain going; the failure is remembered
    return run;
  }

  /** The entry's header if it starts at `start` of the temp stream: type and size, and a delta's base offset. */
  #header(entry: Entry, start: number): Buffer {
    if (entry.base < 0) return entryHeader(PACK_TYPE_CODES[entry.type], entry.payload.length);
    return Buffer.concat([entryHeader(OFS_DELTA, entry.payload.length), ofsDeltaOffset(start - this.#starts[entry.base]!)]);
  }

  /** Copies an entry into the staging buffer when it fits; false when it does not. */
  #stage(entry: Entry, deflated: Buffer): boolean {
    const start = this.#tempBytes + this.#staged;
    const header = this.#header(entry, start);
    if (this.#staged + header.length + deflated.length > STAGING_BYTES) return false;
    this.#starts.push(start);
    this.#staged += header.copy(this.#staging, this.#staged);
    this.#staged += deflated.copy(this.#staging, this.#staged);
    this.#indexed(entry, header, deflated);
    this.#count++;
    return true;
  }

  /** With the index option, records the id and entry CRC-32 of the object being counted now. */
  #indexed(entry: Entry, header: Buffer, deflated: Buffer): void {
    if (this.#ids === null) return;
    if (this.#ids.length < (this.#count + 1) * 20) {
      const grown = Buffer.allocUnsafe(this.#ids.length * 2);
      this.#ids.copy(grown);
      this.#ids = grown;
    }
    if (entry.id !== undefined) this.#ids.write(entry.id, this.#count * 20, 20, 'hex');
    else createHash('sha1').update(objectHeader(entry.type, entry.content.length)).update(entry.content).digest().copy(this.#ids, this.#count * 20);
    this.#crcs.push(crc32(deflated, crc32(header)));
  }

  async #write(entry: Entry, done: Buffer | null, sticky: boolean): Promise<void> {
    try {
      await this.#writeOne(entry, done);
    } catch (err) {
      if (sticky) this.#failure ??= err instanceof ObjectsError ? err : writeFailed(err);
      throw err;
    } finally {
      this.#queued--;
    }
  }

  async #writeOne(entry: Entry, done: Buffer | null): Promise<void> {
    if (this.#failure !== null) throw this.#failure;
    if (this.#count === MAX_OBJECTS) throw new ObjectsError(codes.packTooMany, 'a pack holds at most 2^32-1 objects');
    try {
      const payload = entry.payload;
      const deflated = done ?? (payload.length <= INLINE_DEFLATE_MAX ? deflateInline(payload, this.#level) : await deflateAsync(payload, deflateOptions(this.#level, payload.length)));
      if (this.#stage(entry, deflated)) return;
      await this.#flush();
      if (this.#stage(entry, deflated)) return;
      // Too big to stage: write it as is rather than copy it.
      const header = this.#header(entry, this.#tempBytes);
      this.#starts.push(this.#tempBytes);
      await writeAll(this.#temp!, header);
      await writeAll(this.#temp!, deflated);
      this.#tempBytes += header.length + deflated.length;
      this.#indexed(entry, header, deflated);
      this.#count++;
    } catch (err) {
      this.#failure = err instanceof ObjectsError ? err : writeFailed(err);
      throw this.#failure;
    }
  }

  async #flush(): Promise<void> {
    if (this.#staged === 0) return;
    const staged = this.#staged;
    this.#staged = 0;
    await writeAll(this.#temp!, this.#staging.subarray(0, staged));
    this.#tempBytes += staged;
  }

  /**
   * Waits for pending adds, writes the pack at the target path and removes the temp file.
   * Resolves to the path, the object count and the pack checksum (hex SHA-1 trailer, the name
   * `git index-pack` prints). Rejects with TypeError when called twice or after abort, and with
   * ObjectsError 'GITGATE_PACK_WRITE' on any failure, after removing the temp and partial files.
   */
  finish(): Promise<PackFinished> {
    if (this.#state !== 'open') return Promise.reject(new TypeError('pack writer is closed'));
    this.#state = 'finishing';
    const done = this.#finish();
    this.#finishing = done.catch(() => undefined);
    return done;
  }

  async #finish(): Promise<PackFinished> {
    await this.#queue;
    let output: FileHandle | null = null;
    let input: FileHandle | null = null;
    let created = false;
    try {
      if (this.#failure !== null) throw this.#failure;
      const hash = createHash('sha1');
      const header = Buffer.alloc(12);
      header.write('PACK', 0, 'latin1');
      header.writeUInt32BE(2, 4);
      header.writeUInt32BE(this.count, 8);
      hash.update(header);
      let checksum: Buffer;
      if (this.#tempBytes === 0) {
        // Nothing left the staging buffer (a small sync's pack): the pack is written from memory in one
        // write, while the empty temp file is closed and removed; a third of the file operations.
        const stream = this.#staging.subarray(0, this.#staged);
        this.#tempBytes = this.#staged;
        this.#staged = 0;
        const parts: Buffer[] = [header, ...this.#keptRanges().map(([from, to]) => stream.subarray(from, to))];
        for (const part of parts.slice(1)) hash.update(part);
        checksum = hash.digest();
        parts.push(checksum);
        created = true;
        // Both settle before a failure is handled: the cleanup below must not race either.
        const settled = await Promise.allSettled([writeDurably(this.#path, parts), this.#closeTemp().then(() => rm(this.#tempPath, { force: true }))]);
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
      } else {
        await this.#flush();
        await this.#closeTemp();
        output = await open(this.#path, 'w');
        created = true;
        await writeAll(output, header);
        input = await open(this.#tempPath, 'r');
        for (const [from, to] of this.#keptRanges()) await this.#copy(input, output, hash, from, to);
        checksum = hash.digest();
        await writeAll(output, checksum);
        await output.sync();
        await output.close();
        output = null;
        await input.close();
        input = null;
        await rm(this.#tempPath, { force: true });
      }
      this.#state = 'finished';
      const finished: PackFinished = { path: this.#path, count: this.count, checksum: checksum.toString('hex') };
      return this.#ids === null ? finished : { ...finished, index: packIndex(this.#indexColumns(), checksum) };
    } catch (err) {
      await output?.close().catch(() => undefined);
      await input?.close().catch(() => undefined);
      await this.#closeTemp().catch(() => undefined);
      await rm(this.#tempPath, { force: true }).catch(() => undefined);
      if (created) await rm(this.#path, { force: true }).catch(() => undefined);
      this.#state = 'aborted';
      throw err instanceof ObjectsError ? err : writeFailed(err);
    }
  }

  /** Id, CRC-32 and offset in the finished pack (after its 12-byte header) of each object not discarded. */
  #indexColumns(): PackIndexColumns {
    const n = this.#starts.length - this.#discarded.size;
    const columns = { ids: this.#discarded.size === 0 ? this.#ids!.subarray(0, n * 20) : Buffer.alloc(n * 20), crcs: new Uint32Array(n), offsets: new Float64Array(n) };
    let removed = 0;
    let k = 0;
    for (let o = 0; o < this.#starts.length; o++) {
      const start = this.#starts[o]!;
      if (this.#discarded.has(o)) {
        removed += (this.#starts[o + 1] ?? this.#tempBytes) - start;
        continue;
      }
      if (this.#discarded.size > 0) this.#ids!.copy(columns.ids, k * 20, o * 20, o * 20 + 20);
      columns.crcs[k] = this.#crcs[o]!;
      columns.offsets[k++] = 12 + start - removed;
    }
    return columns;
  }

  /** The byte ranges of the temp stream that hold objects not discarded, in order. */
  #keptRanges(): Array<[number, number]> {
    if (this.#discarded.size === 0) return [[0, this.#tempBytes]];
    const ranges: Array<[number, number]> = [];
    let from = 0;
    for (const o of [...this.#discarded].sort((a, b) => a - b)) {
      if (this.#starts[o]! > from) ranges.push([from, this.#starts[o]!]);
      from = this.#starts[o + 1] ?? this.#tempBytes;
    }
    if (this.#tempBytes > from) ranges.push([from, this.#tempBytes]);
    return ranges;
  }

  /** Copies `[from, to)` of the temp stream to the pack, hashing it. */
  async #copy(input: FileHandle, output: FileHandle, hash: ReturnType<typeof createHash>, from: number, to: number): Promise<void> {
    const chunk = this.#staging; // flushed and idle from here on
    for (let at = from; at < to;) {
      const { bytesRead } = await input.read(chunk, 0, Math.min(chunk.length, to - at), at);
      if (bytesRead === 0) throw new ObjectsError(codes.packWrite, 'the temp pack file ended early');
      const data = chunk.subarray(0, bytesRead);
      hash.update(data);
      await writeAll(output, data);
      at += bytesRead;
    }
  }

  async #closeTemp(): Promise<void> {
    const temp = this.#temp;
    this.#temp = null;
    await temp?.close();
  }

  /**
   * Discards the pack: waits for pending adds, then closes and removes the temp file. Safe to call
   * more than once and after a failure. Once `finish` has started it only waits for it to settle;
   * a finished pack belongs to the caller and is left in place.
   */
  async abort(): Promise<void> {
    if (this.#finishing !== null) {
      await this.#finishing;
      return;
    }
    if (this.#state === 'aborted') return;
    this.#state = 'aborted';
    await this.#queue;
    this.#staged = 0;
    await this.#closeTemp().catch(() => undefined);
    await rm(this.#tempPath, { force: true });
  }
}

/** A copy with its own memory: a small `Buffer.from` copy is a slice of a shared 8 KiB slab, which a kept base would keep whole. */
function ownCopy(content: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(content.length);
  content.copy(copy);
  return copy;
}
