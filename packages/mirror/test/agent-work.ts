// An agent's side of a push in mirror tests: a clone of the sanitized store, commits, the pack git would send.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GIT_ENV } from '@gitgate/testkit';
import type { RepoMirror } from '../src/index.js';

/** Runs git in a work tree. */
export function wt(dir: string, args: string[], input?: string): string {
  const r = spawnSync('git', ['-C', dir, ...args], { env: GIT_ENV, input });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8').trim();
}

/** A clone of the sanitized store, as an agent has it. */
export function agentClone(m: RepoMirror, dir: string): string {
  const work = path.join(dir, `agent-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('git', ['clone', '-q', m.sanitized.gitDir, work], { env: GIT_ENV });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return work;
}

export function commitAll(work: string, files: Record<string, string>, message: string): string {
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(work, p)), { recursive: true });
    fs.writeFileSync(path.join(work, p), content);
  }
  wt(work, ['add', '-A']);
  wt(work, ['commit', '-q', '-m', message]);
  return wt(work, ['rev-parse', 'HEAD']);
}

/** The pack `git push` would send for `newId` over what the gateway serves at `base` (a thin pack). */
export function packOf(work: string, newId: string, base: string | null): Buffer {
  const input = `${newId}\n${base ? `^${base}\n` : ''}`;
  const r = spawnSync('git', ['-C', work, 'pack-objects', '--stdout', '--revs', '--thin', '-q'], { env: GIT_ENV, input, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}
