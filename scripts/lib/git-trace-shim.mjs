// Profiling aid (--trace-git): a `git` first on the gateway's PATH that runs the real git under
// /usr/bin/time, which appends "<elapsed s> <max RSS KiB> <command line>" to a log when it exits. Exact
// per-process figures for every git the gateway spawns, at the cost of two extra execs per spawn.
// (git's own helpers, e.g. pack-objects under upload-pack, run from git's exec path, not PATH: their
// peak is folded into the parent's max RSS by getrusage, their time into its elapsed time.)
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Whether /usr/bin/time (GNU time) exists. */
export function canTraceGit() {
  return existsSync('/usr/bin/time');
}

/**
 * Writes the shim into `dir`; returns { env, read(fromLine) } where `env` puts it first on PATH and
 * `read` parses the log lines from `fromLine` on: [{ seconds, maxRssKb, cmd }]. `lines()` counts them.
 */
export function gitTraceShim(dir) {
  mkdirSync(dir, { recursive: true });
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = join(dir, 'git-trace.log');
  writeFileSync(log, '');
  const shim = join(dir, 'git');
  writeFileSync(shim, `#!/bin/sh\nexec /usr/bin/time -a -o '${log}' -f '%e %M %C' '${realGit}' "$@"\n`);
  chmodSync(shim, 0o755);
  const all = () => readFileSync(log, 'utf8').split('\n').filter((l) => /^\d/.test(l));
  return {
    env: { PATH: `${dir}:${process.env.PATH}` },
    lines: () => all().length,
    read(fromLine = 0, toLine = Infinity) {
      return all().slice(fromLine, toLine).map((l) => {
        const [seconds, kb, ...cmd] = l.split(' ');
        return { seconds: Number(seconds), maxRssKb: Number(kb), cmd: cmd.join(' ') };
      });
    },
  };
}
