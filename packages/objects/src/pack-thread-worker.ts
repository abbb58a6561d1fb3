/**
 * The thread of a PackWriterThread: one PackWriter, fed the batches in the order they come. A failure
 * is sticky, as in PackWriter: later batches are answered 'failed' and 'finish' fails, the writer
 * having removed its files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PACK_TYPES } from './object-id.js';
import { ObjectsError, codes } from './objects-error.js';
import { PackWriter } from './pack-writer.js';
import type { PackThreadData, PackThreadReply, PackThreadRequest } from './pack-thread-protocol.js';

const port = parentPort;
if (port === null) throw new TypeError('pack-thread-worker runs only as a worker thread');
const data = workerData as PackThreadData;
const reply = (m: PackThreadReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

function failure(err: unknown, batch: boolean): PackThreadReply {
  const code = err instanceof ObjectsError ? err.code : err instanceof TypeError ? 'TypeError' : codes.packWrite;
  return { kind: 'failed', batch, code, message: err instanceof Error ? err.message : String(err) };
}

async function writeBatch(pack: PackWriter, b: Extract<PackThreadRequest, { kind: 'batch' }>): Promise<void> {
  const bytes = Buffer.from(b.bytes, 0, b.used);
  const ids = Buffer.from(b.ids);
  let from = 0;
  for (let i = 0; i < b.ends.length; i++) {
    const to = b.ends[i]!;
    const id = b.hasId[i] === 1 ? ids.toString('hex', i * 20, i * 20 + 20) : undefined;
    // A queued object may point into the batch until drained: it goes back only after the drain below.
    if (!pack.write(PACK_TYPES[b.types[i]!]!, bytes.subarray(from, to), id)) await pack.drain();
    from = to;
  }
  await pack.drain();
}

async function handle(pack: PackWriter, m: PackThreadRequest): Promise<void> {
  if (m.kind === 'batch') {
    try {
      await writeBatch(pack, m);
      // Drained: the writer keeps no view of the batch (bases are copies), so its buffers go back.
      reply({ kind: 'written', bytes: m.bytes, ids: m.ids }, [m.bytes, m.ids]);
    } catch (err) {
      reply(failure(err, true));
    }
  } else if (m.kind === 'finish') {
    try {
      const fin = await pack.finish();
      const index = fin.index === undefined ? undefined : new Uint8Array(fin.index);
      reply({ kind: 'finished', path: fin.path, count: fin.count, checksum: fin.checksum, index }, index === undefined ? [] : [index.buffer as ArrayBuffer]);
    } catch (err) {
      reply(failure(err, false));
    }
  } else {
    await pack.abort().catch(() => undefined);
    reply({ kind: 'aborted' });
  }
}

let pack: PackWriter;
try {
  pack = await PackWriter.create(data.path, data.options);
} catch (err) {
  reply(failure(err, false));
  process.exit(0);
}
let queue = Promise.resolve();
port.on('message', (m: PackThreadRequest) => {
  queue = queue.then(() => handle(pack, m));
});
reply({ kind: 'ready' });
