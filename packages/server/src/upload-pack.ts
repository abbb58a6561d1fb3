/**
 * Runs `git upload-pack --stateless-rpc` on a sanitized store with a request the gateway has already
 * parsed and validated, streaming its output to the client. Messages of the gateway's own (sync summary,
 * notices) are put on side-band 2 where the protocol allows it: right after the v2 `packfile` section
 * header, or before the first side-band packet in v0. With a `beforePack` hook, nothing is written until
 * either git ends without a pack or the hook has resolved at the pack's start (gitprotocol-pack: the pack
 * follows the v2 `packfile` header, the v0 side-band stream, or the raw `PACK` signature without side-band).
 */
import type { ServerResponse } from 'node:http';
import type { SanitizedStore, UploadPackProcess } from '@gitgate/mirror';
import { PktReader, progressMessage } from '@gitgate/protocol';

export interface UploadPackRun {
  /** The store served; it runs git (the server never sees its path or git's environment). */
  store: Pick<SanitizedStore, 'serveUploadPack'>;
  protocol: 0 | 2;
  request: Buffer;
  /** The fetch is known to be small (git then walks without bitmaps). */
  small?: boolean;
  /** Whether the response is multiplexed (always in v2; in v0 only when side-band(-64k) was asked for). */
  sideband: boolean;
  /** Lines to show on side-band 2 (each ends in \n); empty for none. */
  notices: string[];
  res: ServerResponse;
  /** Called when the client went away, to stop git. */
  signal?: AbortSignal;
  /**
   * Awaited once, when git starts the pack; until it resolves no byte of the response is written. If it
   * rejects, git is stopped, nothing is written and the result carries the reason in `refused`.
   */
  beforePack?: () => Promise<void>;
}

export interface UploadPackResult {
  exitCode: number | null;
  bytesSent: number;
  /** Object count from the pack header, when a pack was sent. */
  packObjects: number | null;
  stderr: string;
  /** Why `beforePack` refused the pack; nothing of the response was written. */
  refused?: unknown;
}

const PACK_SIGNATURE = 'PACK';
/** `PACK`, a 4-byte version and a 4-byte object count (gitformat-pack). */
const PACK_HEADER_BYTES = 12;

/** Spawns upload-pack, feeds the request, streams the response. Resolves when git exits. */
export function runUploadPack(run: UploadPackRun): Promise<UploadPackResult> {
  return new Promise((resolve) => {
    const child = run.store.serveUploadPack(run.request, { protocol: run.protocol, small: run.small, signal: run.signal });
    const stream = new UploadPackStream(run, child);
    child.stdout.on('data', (chunk: Buffer) => stream.onData(chunk));
    void child.exit.then(({ exitCode, stderr }) => stream.finished().then(() => resolve(stream.result(exitCode, stderr))));
  });
}

/** One response being streamed: git's output framed only as far as notices and the pack gate need. */
class UploadPackStream {
  readonly #run: UploadPackRun;
  readonly #child: UploadPackProcess;
  readonly #stdout: UploadPackProcess['stdout'];
  readonly #reader = new PktReader();
  #injecting: boolean;
  #afterPackfileHeader = false;
  #packObjects: number | null = null;
  /** The first bytes of the pack, until its header is read. */
  #packHead: Buffer = Buffer.alloc(0);
  #passThrough = false;
  #bytesSent = 0;
  /** Held back until the gate opens: 'closed' before the pack starts, 'opening' while beforePack runs. */
  #gate: 'closed' | 'opening' | 'open' | 'refused';
  #held: Buffer[] = [];
  #gateSettled: Promise<void> = Promise.resolve();
  #refused: unknown;
  /** Unparsed bytes before the pack when there is no side-band. */
  #rawScan: Buffer = Buffer.alloc(0);
  #rawInPack = false;

  constructor(run: UploadPackRun, child: UploadPackProcess) {
    this.#run = run;
    this.#child = child;
    this.#stdout = child.stdout;
    this.#injecting = run.notices.length > 0;
    this.#gate = run.beforePack ? 'closed' : 'open';
  }

  onData(chunk: Buffer): void {
    if (this.#passThrough) this.#emit(chunk);
    else if (!this.#run.sideband) this.#onRaw(chunk);
    else this.#onSideband(chunk);
  }

  /** Resolves once the pack gate has settled (at once when it never started to open). */
  finished(): Promise<void> {
    return this.#gateSettled;
  }

  /** The run's result once git exited; releases what git said when no pack came. */
  result(exitCode: number | null, stderr: string): UploadPackResult {
    // No pack came (a negotiation round, an error): what git said goes out unchanged.
    if (this.#gate === 'closed') {
      this.#gate = 'open';
      this.#release();
    }
    const refused = this.#refused;
    return { exitCode, bytesSent: this.#bytesSent, packObjects: this.#packObjects, stderr, ...(refused !== undefined ? { refused } : {}) };
  }

  #write(b: Buffer): void {
    this.#bytesSent += b.length;
    if (!this.#run.res.write(b)) {
      this.#stdout.pause();
      this.#run.res.once('drain', () => this.#stdout.resume());
    }
  }

  #emit(b: Buffer): void {
    if (b.length === 0 || this.#gate === 'refused') return;
    if (this.#gate === 'open') this.#write(b);
    else this.#held.push(b);
  }

  #release(): void {
    const out = Buffer.concat(this.#held);
    this.#held = [];
    if (out.length > 0) this.#write(out);
  }

  #packStarts(): void {
    if (this.#gate !== 'closed') return;
    this.#gate = 'opening';
    this.#stdout.pause();
    this.#gateSettled = this.#run.beforePack!().then(
      () => {
        this.#gate = 'open';
        this.#release();
        if (this.#run.res.writableNeedDrain) return; // the drain handler resumes
        this.#stdout.resume();
      },
      (err: unknown) => {
        this.#gate = 'refused';
        this.#refused = err;
        this.#held = [];
        this.#child.stop();
        // Read git's output to its end (discarded), so that the process can be reaped.
        this.#stdout.resume();
      },
    );
  }

  #notices(): Buffer {
    return Buffer.concat(this.#run.notices.map((n) => progressMessage(n)));
  }

  #notePackBytes(b: Buffer): void {
    if (this.#packObjects !== null) return;
    this.#packHead = Buffer.concat([this.#packHead, b]);
    if (this.#packHead.length < PACK_HEADER_BYTES) return;
    if (this.#packHead.subarray(0, 4).toString('latin1') === PACK_SIGNATURE) this.#packObjects = this.#packHead.readUInt32BE(8);
    else this.#packObjects = 0;
    this.#packHead = Buffer.alloc(0);
  }

  /** v0 without side-band: pkt-lines (shallow, ACK/NAK), then the pack raw. */
  #onRaw(chunk: Buffer): void {
    this.#emit(chunk);
    if (this.#rawInPack) {
      this.#notePackBytes(chunk);
      if (this.#packObjects !== null) this.#passThrough = true;
      return;
    }
    let scan: Buffer = this.#rawScan.length > 0 ? Buffer.concat([this.#rawScan, chunk]) : chunk;
    this.#rawScan = Buffer.alloc(0);
    for (;;) {
      if (scan.length < 4) {
        this.#rawScan = scan;
        return;
      }
      const head = scan.subarray(0, 4).toString('latin1');
      if (head === PACK_SIGNATURE || !/^[0-9a-f]{4}$/.test(head)) break;
      const len = Math.max(4, parseInt(head, 16));
      // A side-band packet where none was asked for (git read the request otherwise than the plan): negotiation
      // lines are text (ACK, NAK, shallow, ERR), so this is the pack, and it waits for its record like one.
      if (len > 4 && scan.length > 4 && scan[4]! <= 3) break;
      if (scan.length < len) {
        this.#rawScan = scan;
        return;
      }
      scan = scan.subarray(len);
    }
    // The pack starts here (bytes that are not a pkt-line count as pack too, to be safe).
    this.#rawInPack = true;
    this.#packStarts();
    this.#notePackBytes(scan);
    if (this.#packObjects !== null) this.#passThrough = true;
  }

  /** Packets are framed here so notices land on a packet boundary; framing costs one header per 64 KiB. */
  #onSideband(chunk: Buffer): void {
    const { protocol } = this.#run;
    const out: Buffer[] = [];
    for (const pkt of this.#reader.push(chunk)) {
      if (pkt.kind === 'data') {
        const band = pkt.data[0];
        const sideband = protocol === 2 ? this.#afterPackfileHeader : band === 1 || band === 2 || band === 3;
        if (sideband || (protocol === 2 && pkt.data.toString('latin1') === 'packfile\n')) {
          // Everything before is negotiation; from here on the pack (or its progress) goes out.
          this.#emit(Buffer.concat(out));
          out.length = 0;
          this.#packStarts();
        }
        if (this.#injecting && sideband) {
          out.push(this.#notices());
          this.#injecting = false;
        }
        if (sideband && band === 1) this.#notePackBytes(pkt.data.subarray(1));
        if (protocol === 2 && !this.#afterPackfileHeader && pkt.data.toString('latin1') === 'packfile\n') this.#afterPackfileHeader = true;
      }
      out.push(pkt.raw);
    }
    if (!this.#injecting && this.#packObjects !== null) {
      // Everything the gateway needed is seen; framing the rest of the pack would only cost CPU.
      out.push(this.#reader.drain());
      this.#passThrough = true;
    }
    this.#emit(Buffer.concat(out));
  }
}
