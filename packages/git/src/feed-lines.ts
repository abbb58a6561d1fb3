/** Feeding a child's stdin with a long list of lines (object ids) under back-pressure. */
import type { Writable } from 'node:stream';

/** Lines per write: small, so a batch waiting for the pipe is not kept alive across scavenges. */
const DEFAULT_BATCH = 128;

/**
 * Writes `lines` (each followed by \n) to `stdin` in batches, waiting for 'drain' whenever the stream
 * asks to, then ends it. The iterable is consumed only as fast as the reader takes the lines, so it may
 * be lazy and large. Stops early (resolving) if the stream closes: the child went away, and its exit
 * status tells why.
 */
export async function feedLines(stdin: Writable, lines: Iterable<string>, opts: { batch?: number } = {}): Promise<void> {
  const size = opts.batch ?? DEFAULT_BATCH;
  const batch: string[] = [];
  for (const line of lines) {
    batch.push(line);
    if (batch.length < size) continue;
    if (stdin.destroyed) return;
    if (!stdin.write(batch.join('\n') + '\n')) await drained(stdin);
    batch.length = 0;
  }
  if (stdin.destroyed) return;
  stdin.end(batch.length > 0 ? batch.join('\n') + '\n' : '');
}

/** Resolves when a stream that refused a write wants more, or has closed. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}
