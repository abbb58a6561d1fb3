// A process that syncs once with scan threads and then just returns: it exits on its own only when no
// thread outlives the sync (scan-workers.test.ts). Argv: upstream dir, data dir, [failing worker module].
import { pathToFileURL } from 'node:url';
import { makeMirror, openDataEnv } from './helpers.js';

const [upstream, dataDir, module] = process.argv.slice(2);
const env = await openDataEnv(dataDir!);
const mirror = makeMirror(env, upstream!, { scanWorkers: 3, scanWorkersMinObjects: 0, scanWorkerModule: module ? pathToFileURL(module) : undefined });
try {
  const r = await mirror.sync();
  process.stdout.write(JSON.stringify({ ok: true, objects: r.objects }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, code: (e as { code?: string }).code }) + '\n');
}
await mirror.idle();
await env.close();
