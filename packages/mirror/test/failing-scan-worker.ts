// A scan thread (scan-worker.ts) that starts like the real one and then throws on its first job: what a
// thread that crashes mid-sync looks like to the pool (scan-workers.test.ts injects it).
import { parentPort, workerData } from 'node:worker_threads';
import { createScanner } from '@gitgate/scanner';

const port = parentPort!;
port.postMessage({ ready: createScanner((workerData as { scanner: object }).scanner).rulesetVersion });
port.on('message', (m: { kind: string }) => {
  if (m.kind === 'scan') throw new Error('scan thread failed on purpose');
});
