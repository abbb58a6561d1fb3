/** Starts gateway-process.ts as a child process and waits until it listens: for tests that SIGKILL it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./gateway-process.js', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Resolves when the process has exited (killed or crashed). */
  exited: Promise<void>;
}

/** Spawns a gateway with these options (GatewayOptions as plain JSON); rejects if it exits before listening. */
export async function spawnGateway(options: object, env: NodeJS.ProcessEnv = { PATH: process.env.PATH }): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(options)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /^listening (http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    void exited.then(() => reject(new Error(`gateway exited before listening: ${out.slice(-2000)}`)));
  });
  return { child, url, exited };
}
