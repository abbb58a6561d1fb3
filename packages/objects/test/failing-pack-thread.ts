// A pack thread (see PackWriterThread's module option) that starts, then dies on its first batch: the
// writer must fail every later call with GITGATE_PACK_WRITE and leave no thread behind.
import { parentPort } from 'node:worker_threads';

const port = parentPort!;
port.on('message', () => {
  throw new Error('the pack thread broke');
});
port.postMessage({ kind: 'ready' });
