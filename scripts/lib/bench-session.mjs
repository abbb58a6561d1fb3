// What every benchmark script starts with: its options (with --help), and a temp directory with the
// things to undo at the end — on success, on failure and on Ctrl-C.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * parseArgs with the options every benchmark has added: `--keep`, `--json`, and `--help`/`-h`, which
 * prints `usage` and exits 0.
 */
export function benchArgs(usage, options, { allowPositionals = false } = {}) {
  const parsed = parseArgs({
    allowPositionals,
    options: {
      ...options,
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (parsed.values.help) {
    process.stdout.write(usage + '\n');
    process.exit(0);
  }
  return parsed;
}

/** The integer value of option `name`; throws TypeError when it is not one or is below `min`. */
export function integerOption(value, name, min) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new TypeError(`${name} must be an integer >= ${min}`);
  return n;
}

/**
 * A temp directory `$TMPDIR/<prefix>XXXXXX` and `cleanup()`, which runs what `atEnd(fn)` registered (last
 * first, failures ignored), then removes the directory unless `keep` (`say` then prints its path). SIGINT
 * and SIGTERM clean up and exit 130. `run(main)` awaits main, reports a failure through `say` with exit
 * code 1, and cleans up in any case. Returns { work, atEnd, cleanup, run }.
 */
export function benchSession({ prefix, keep, say }) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const undo = [];
  let cleaned = false;
  async function cleanup() {
    if (cleaned) return;
    cleaned = true;
    for (const fn of undo.reverse()) await Promise.resolve().then(fn).catch(() => {});
    if (keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => cleanup().finally(() => process.exit(130)));
  async function run(main) {
    try {
      await main();
    } catch (e) {
      say(`failed: ${e?.stack ?? e}`);
      process.exitCode = 1;
    } finally {
      await cleanup();
    }
  }
  return { work, atEnd: (fn) => undo.push(fn), cleanup, run };
}
