#!/usr/bin/env node
// Child process of the benchmark that hosts the gateway, so that its memory is this process's alone.
// Reads one JSON command per line on stdin and answers one JSON line on stdout:
//   {"cmd":"start","opts":{...GatewayOptions without logger}}  -> {"ok":true,"url":"http://127.0.0.1:N"}
//   {"cmd":"lastSync","name":"bench/repo"}                      -> {"ok":true,"report":{...}|null}
//   {"cmd":"stop"}                                              -> {"ok":true}
//   {"cmd":"exit"}                                              -> {"ok":true}, then the process exits
// The gateway's log goes to stderr as JSON lines {t, level, msg, meta} (debug included), which is how
// the parent sees 'sync finished' and the phase timings.
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const { startGateway } = await import(pathToFileURL(join(root, 'packages', 'gateway', 'dist', 'src', 'index.js')).href);

const line = (level) => (msg, meta) => {
  // mono: CLOCK_MONOTONIC in µs, the clock of a --cpu-prof profile's samples (to cut it by stage).
  process.stderr.write(JSON.stringify({ t: Date.now(), mono: Number(process.hrtime.bigint() / 1000n), level, msg, meta }) + '\n');
};
const logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };

let gw = null;

/** JSON carries no bytes: the deployment and audit keys come as hex (masterKeyHex, auditKeyHex). */
function withKeys({ masterKeyHex, auditKeyHex, ...opts }) {
  if (masterKeyHex) opts.masterKey = Buffer.from(masterKeyHex, 'hex');
  if (auditKeyHex) opts.auditKey = Buffer.from(auditKeyHex, 'hex');
  return opts;
}
const reply = (o) => process.stdout.write(JSON.stringify(o) + '\n');

async function run(command) {
  switch (command.cmd) {
    case 'start':
      if (gw) throw new Error('a gateway is already running in this process');
      gw = await startGateway({ ...withKeys(command.opts), logger });
      return { url: gw.url };
    case 'lastSync':
      return { report: gw?.repos.get(command.name)?.lastSync ?? null };
    case 'stop':
      if (gw) await gw.close();
      gw = null;
      return {};
    case 'exit':
      if (gw) await gw.close();
      gw = null;
      // Exiting through the event loop (not process.exit at once) lets --cpu-prof write its profile.
      setImmediate(() => process.exit(0));
      return {};
    default:
      throw new Error(`unknown command ${JSON.stringify(command.cmd)}`);
  }
}

// Commands run one at a time, in order.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (text) => {
  if (!text.trim()) return;
  queue = queue.then(async () => {
    try {
      reply({ ok: true, ...(await run(JSON.parse(text))) });
    } catch (e) {
      reply({ ok: false, error: e?.message ?? String(e) });
    }
  });
});
// The parent went away: do not outlive it.
process.stdin.on('end', () => {
  queue.then(async () => {
    if (gw) await gw.close().catch(() => {});
    process.exit(0);
  });
});
