/** Shared by the `gitgate scan` tests: run the command in-process and collect what it writes. */
import { Writable } from 'node:stream';
import { scanCommand, type ScanCommandOptions } from '../src/scan-command.js';

/** Runs the command and collects stdout and stderr. */
export async function runScan(args: string[], options: ScanCommandOptions = {}): Promise<{ code: number; text: string; err: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]): Writable => new Writable({
    write(chunk: Buffer, _enc, cb) {
      into.push(Buffer.from(chunk));
      cb();
    },
  });
  const code = await scanCommand(args, sink(out), { err: sink(err), ...options });
  return { code, text: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') };
}
