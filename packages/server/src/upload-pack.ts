/**
 * Runs `git upload-pack --stateless-rpc` on a sanitized store with a request the gateway has already
 * parsed and validated, streaming its output to the client. Messages of the gateway's own (sync summary,
 * notices) are put on side-band 2 where the protocol allows it: right after the v2 `packfile` section
 * header, or before the first side-band packet in v0. With a `beforePack` hook, nothing is written until
 * either git ends without a pack or the hook has resolved at the pack's start (gitprotocol-pack: the pack
 * follows the v2 `packfile` header, the v0 side-band stream, or the raw `PACK` signature without side-band).
 */
import type { ServerResponse } from 'node:http';
import type { SanitizedStore } from '@gitgate/mirror';
import { PktReader, progressMessage } from '@gitgate/protocol';

export interface UploadPackRun {
  /** The store served; it runs git (the server never sees its path or git's environment). */
  store: Pick<SanitizedStore, 'serveUploadPack'>;
  protocol: 0 | 2;
  request: Buffer;
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
    const child = run.store.serveUploadPack(run.request, { protocol: run.protocol, signal: run.signal });
    const stdout = child.stdout;

    const reader = new PktReader();
    let injecting = run.notices.length > 0;
    let afterPackfileHeader = false;
    let packObjects: number | null = null;
    /** The first bytes of the pack, until its header is read. */
    let packHead: Buffer = Buffer.alloc(0);
    let passThrough = false;
    let bytesSent = 0;
    /** Held back until the gate opens: 'closed' before the pack starts, 'opening' while beforePack runs. */
    let gate: 'closed' | 'opening' | 'open' | 'refused' = run.beforePack ? 'closed' : 'open';
    let held: Buffer[] = [];
    let gateSettled: Promise<void> = Promise.resolve();
    let refused: unknown;
    /** Unparsed bytes before the pack when there is no side-band. */
    let rawScan: Buffer = Buffer.alloc(0);
    let rawInPack = false;

    const write = (b: Buffer): void => {
      bytesSent += b.length;
      if (!run.res.write(b)) {
        stdout.pause();
        run.res.once('drain', () => stdout.resume());
      }
    };
    const emit = (b: Buffer): void => {
      if (b.length === 0 || gate === 'refused') return;
      if (gate === 'open') write(b);
      else held.push(b);
    };
    const release = (): void => {
      const out = Buffer.concat(held);
      held = [];
      if (out.length > 0) write(out);
    };
    const packStarts = (): void => {
      if (gate !== 'closed') return;
      gate = 'opening';
      stdout.pause();
      gateSettled = run.beforePack!().then(
        () => {
          gate = 'open';
          release();
          if (run.res.writableNeedDrain) return; // the drain handler resumes
          stdout.resume();
        },
        (err: unknown) => {
          gate = 'refused';
          refused = err;
          held = [];
          child.stop();
          // Read git's output to its end (discarded), so that the process can be reaped.
          stdout.resume();
        },
      );
    };
    const notices = (): Buffer => Buffer.concat(run.notices.map((n) => progressMessage(n)));
    const notePackBytes = (b: Buffer): void => {
      if (packObjects !== null) return;
      packHead = Buffer.concat([packHead, b]);
      if (packHead.length < PACK_HEADER_BYTES) return;
      if (packHead.subarray(0, 4).toString('latin1') === PACK_SIGNATURE) packObjects = packHead.readUInt32BE(8);
      else packObjects = 0;
      packHead = Buffer.alloc(0);
    };

    /** v0 without side-band: pkt-lines (shallow, ACK/NAK), then the pack raw. */
    const onRaw = (chunk: Buffer): void => {
      emit(chunk);
      if (rawInPack) {
        notePackBytes(chunk);
        if (packObjects !== null) passThrough = true;
        return;
      }
      let scan: Buffer = rawScan.length > 0 ? Buffer.concat([rawScan, chunk]) : chunk;
      rawScan = Buffer.alloc(0);
      for (;;) {
        if (scan.length < 4) {
          rawScan = scan;
          return;
        }
        const head = scan.subarray(0, 4).toString('latin1');
        if (head === PACK_SIGNATURE || !/^[0-9a-f]{4}$/.test(head)) break;
        const len = Math.max(4, parseInt(head, 16));
        if (scan.length < len) {
          rawScan = scan;
          return;
        }
        scan = scan.subarray(len);
      }
      // The pack starts here (bytes that are not a pkt-line count as pack too, to be safe).
      rawInPack = true;
      packStarts();
      notePackBytes(scan);
      if (packObjects !== null) passThrough = true;
    };

    stdout.on('data', (chunk: Buffer) => {
      if (passThrough) {
        emit(chunk);
        return;
      }
      if (!run.sideband) {
        onRaw(chunk);
        return;
      }
      // Packets are framed here so notices land on a packet boundary; framing costs one header per 64 KiB.
      const out: Buffer[] = [];
      for (const pkt of reader.push(chunk)) {
        if (pkt.kind === 'data') {
          const band = pkt.data[0];
          const sideband = run.protocol === 2 ? afterPackfileHeader : band === 1 || band === 2 || band === 3;
          if (sideband || (run.protocol === 2 && pkt.data.toString('latin1') === 'packfile\n')) {
            // Everything before is negotiation; from here on the pack (or its progress) goes out.
            emit(Buffer.concat(out));
            out.length = 0;
            packStarts();
          }
          if (injecting && sideband) {
            out.push(notices());
            injecting = false;
          }
          if (sideband && band === 1) notePackBytes(pkt.data.subarray(1));
          if (run.protocol === 2 && !afterPackfileHeader && pkt.data.toString('latin1') === 'packfile\n') afterPackfileHeader = true;
        }
        out.push(pkt.raw);
      }
      if (!injecting && packObjects !== null) {
        // Everything the gateway needed is seen; framing the rest of the pack would only cost CPU.
        out.push(reader.drain());
        passThrough = true;
      }
      emit(Buffer.concat(out));
    });
    void child.exit.then(({ exitCode: code, stderr }) => {
      void gateSettled.then(() => {
        // No pack came (a negotiation round, an error): what git said goes out unchanged.
        if (gate === 'closed') {
          gate = 'open';
          release();
        }
        resolve({ exitCode: code, bytesSent, packObjects, stderr, ...(refused !== undefined ? { refused } : {}) });
      });
    });
  });
}
