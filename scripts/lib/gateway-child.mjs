// Parent-side handle of scripts/lib/bench-gateway.mjs: spawns it, sends commands, collects its JSON log.
import { spawn } from 'node:child_process';
import { GATEWAY_ENV, GATEWAY_NODE_FLAGS } from '../../packages/cli/dist/src/node-flags.js';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryOf } from './proc-sampler.mjs';

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'bench-gateway.mjs');

/**
 * Spawns a gateway host process (with the gateway's node flags and environment, as in production). `cpuProfDir` adds --cpu-prof (the profile is written when it exits);
 * `env` is added to its environment (the gateway hands PATH on to the git it spawns).
 * Returns { pid, logs, command(obj), start(opts), stop(), lastSync(name), hwmKb(), exit(), kill() }.
 */
export function spawnGatewayChild({ cpuProfDir, env } = {}) {
  // The gateway runs with the node flags `gitgate serve` gets in production.
  const args = [...GATEWAY_NODE_FLAGS];
  if (cpuProfDir) args.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
  const child = spawn(process.execPath, [...args, RUNNER], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...GATEWAY_ENV, ...env } });
  const logs = [];
  let stderrTail = '';
  createInterface({ input: child.stderr }).on('line', (text) => {
    try {
      logs.push(JSON.parse(text));
    } catch {
      stderrTail = (stderrTail + text + '\n').slice(-2000);
    }
  });
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const w = waiting.shift();
    if (!w) return;
    try {
      const r = JSON.parse(text);
      if (r.ok) w.resolve(r);
      else w.reject(new Error(`gateway child: ${r.error}`));
    } catch (e) {
      w.reject(e);
    }
  });
  let exited = false;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = true;
    for (const w of waiting.splice(0)) w.reject(new Error(`gateway child exited (${code ?? signal}): ${stderrTail.trim().slice(-500)}`));
    resolve();
  }));

  const command = (obj) => new Promise((resolve, reject) => {
    if (exited) return reject(new Error('gateway child has exited'));
    waiting.push({ resolve, reject });
    child.stdin.write(JSON.stringify(obj) + '\n');
  });

  return {
    pid: child.pid,
    logs,
    command,
    async start(opts) {
      return (await command({ cmd: 'start', opts })).url;
    },
    async stop() {
      await command({ cmd: 'stop' });
    },
    async lastSync(name) {
      return (await command({ cmd: 'lastSync', name })).report;
    },
    /** Peak resident set of the node process itself (KiB), exact (kernel high-water mark). */
    hwmKb() {
      return memoryOf(child.pid)?.hwmKb ?? null;
    },
    /**
     * Resets the child's VmHWM to its current RSS (Linux clear_refs "5"), so the next reading is the
     * peak of one phase. Returns false when the kernel does not allow it (readings are then cumulative).
     */
    resetHwm() {
      try {
        writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    /** Asks the child to close the gateway and exit; waits for it. */
    async exit() {
      if (exited) return;
      await command({ cmd: 'exit' }).catch(() => {});
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (!exited) child.kill('SIGKILL');
      await exitPromise;
    },
    /** Kills the child (cleanup on failure). */
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}
