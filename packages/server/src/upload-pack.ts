/**
 * Runs `git upload-pack --stateless-rpc` on a sanitized store with a request the gateway has already
 * parsed and validated, streaming its output to the client. Messages of the gateway's own (sync summary,
 * notices) are put on side-band 2 where the protocol allows it: right after the v2 `packfile` section
 * header, or before the first side-band packet in v0.
 */
import type { ServerResponse } from 'node:http';
import { spawnGit, SERVING_ENV } from '@gitgate/mirror';
import { PktReader, progressMessage } from '@gitgate/protocol';

export interface UploadPackRun {
  gitDir: string;
  protocol: 0 | 2;
  request: Buffer;
  /** Whether the response is multiplexed (always in v2; in v0 only when side-band(-64k) was asked for). */
  sideband: boolean;
  /** Lines to show on side-band 2 (each ends in \n); empty for none. */
  notices: string[];
  res: ServerResponse;
  /** Called when the client went away, to stop git. */
  signal?: AbortSignal;
}

export interface UploadPackResult {
  exitCode: number | null;
  bytesSent: number;
  /** Object count from the pack header, when a pack was sent. */
  packObjects: number | null;
  stderr: string;
}

/** Spawns upload-pack, feeds the request, streams the response. Resolves when git exits. */
export function runUploadPack(run: UploadPackRun): Promise<UploadPackResult> {
  return new Promise((resolve) => {
    const child = spawnGit(['upload-pack', '--stateless-rpc', '--strict', run.gitDir], {
      env: run.protocol === 2 ? { ...SERVING_ENV, GIT_PROTOCOL: 'version=2' } : { ...SERVING_ENV },
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { if (stderr.length < 4096) stderr += c.toString('utf8'); });
    child.stdin!.on('error', () => {});
    child.stdin!.end(run.request);

    const reader = new PktReader();
    let injecting = run.notices.length > 0;
    let afterPackfileHeader = false;
    let packObjects: number | null = null;
    let passThrough = false;
    let bytesSent = 0;
    const write = (b: Buffer): void => {
      bytesSent += b.length;
      if (!run.res.write(b)) {
        child.stdout!.pause();
        run.res.once('drain', () => child.stdout!.resume());
      }
    };
    const notices = (): Buffer => Buffer.concat(run.notices.map((n) => progressMessage(n)));

    child.stdout!.on('data', (chunk: Buffer) => {
      if (!run.sideband || passThrough) {
        // v0 without side-band (the pack follows raw), or notices placed and pack header seen: copy bytes.
        write(chunk);
        return;
      }
      // Packets are framed here so notices land on a packet boundary; framing costs one header per 64 KiB.
      const out: Buffer[] = [];
      for (const pkt of reader.push(chunk)) {
        if (pkt.kind === 'data') {
          const band = pkt.data[0];
          const sideband = run.protocol === 2 ? afterPackfileHeader : band === 1 || band === 2 || band === 3;
          if (injecting && sideband) {
            out.push(notices());
            injecting = false;
          }
          if (sideband && band === 1 && packObjects === null && pkt.data.length >= 13 && pkt.data.subarray(1, 5).toString('latin1') === 'PACK') {
            packObjects = pkt.data.readUInt32BE(9);
          }
          if (run.protocol === 2 && !afterPackfileHeader && pkt.data.toString('latin1') === 'packfile\n') afterPackfileHeader = true;
        }
        out.push(pkt.raw);
      }
      if (!injecting && packObjects !== null) {
        // Everything the gateway needed is seen; framing the rest of the pack would only cost CPU.
        out.push(reader.drain());
        passThrough = true;
      }
      if (out.length > 0) write(Buffer.concat(out));
    });
    const onAbort = (): void => { child.kill('SIGTERM'); };
    run.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('close', (code) => {
      run.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode: code, bytesSent, packObjects, stderr });
    });
  });
}
