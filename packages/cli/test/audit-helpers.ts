/** Shared by the `gitgate audit` tests: the command run in-process, its output captured. */
import { Writable } from 'node:stream';
import { auditCommand } from '../src/audit-command.js';

/** `gitgate audit …` in-process: exit code, stdout and stderr. */
export async function auditInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const to = (add: (s: string) => void): Writable => new Writable({ write(c, _e, cb) { add(String(c)); cb(); } });
  const code = await auditCommand(args, to((t) => { stdout += t; }), to((t) => { stderr += t; }));
  return { code, stdout, stderr };
}
