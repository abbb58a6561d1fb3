/** The trial (`npm start`, scripts/start-demo.mjs) run as a child process, for the tests that walk its story. */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@gitgate/testkit';
import { pathToFileURL } from 'node:url';
import { BIN } from './bin-helpers.js';

/** The repository root, from packages/cli/bin/gitgate.js. */
export const ROOT = path.resolve(path.dirname(BIN), '..', '..', '..');

/** A fake secret the demo fixture planted. */
export interface PlantedSecret { value: string; type: string }

/** Builds the demo upstream where start-demo.mjs looks for it (it keeps an existing one), so the planted values are known. */
export async function makeTrialUpstream(data: string): Promise<PlantedSecret[]> {
  const fixture = pathToFileURL(path.join(ROOT, 'fixtures', 'demo-repo.mjs')).href;
  const { makeDemoRepo } = await import(fixture) as { makeDemoRepo(d: string): Promise<{ secrets: PlantedSecret[] }> };
  return (await makeDemoRepo(path.join(data, 'demo-upstream', 'api.git'))).secrets;
}

/** Runs start-demo.mjs; `printed` resolves with its output once the walkthrough (up to the audit command) is printed. */
export function startDemo(data: string, listen: string): { proc: ChildProcess; printed: Promise<string> } {
  const proc = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start-demo.mjs')], {
    cwd: path.dirname(data), env: { PATH: process.env.PATH, GITGATE_DATA: data, GITGATE_LISTEN: listen }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const printed = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (/audit requests --config \S+\n/.test(out)) resolve(out);
    });
    proc.on('exit', (code) => reject(new Error(`start-demo exited early (${code}): ${out}`)));
  });
  return { proc, printed };
}

/** Stops the trial started by `startDemo` and waits for it to exit. */
export async function stopDemo(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

/** A bare JWT from the dev identity provider's token endpoint, as the printed walkthrough's curl gets it. */
export async function devToken(base: string, subject: string, groups: string[]): Promise<string> {
  const res = await fetch(`${base}/dev-idp/token`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/plain' }, body: JSON.stringify({ subject, groups }) });
  expect(res.status).to.equal(200);
  return (await res.text()).trim();
}

/** The id of the first pending request `jwt` may list (`mine`: its own), once there is one. */
export async function pendingRequestId(base: string, jwt: string, mine = false): Promise<string> {
  const headers = { Authorization: `Bearer ${jwt}` };
  for (let i = 0; i < 150; i++) {
    const list = await (await fetch(`${base}/api/v1/detokenize-requests?status=pending${mine ? '&mine=1' : ''}`, { headers })).json() as { items: Array<{ id: string }> };
    if (list.items[0]) return list.items[0].id;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no pending request appeared');
}

/** A trial started in `dir`: its data directory, the planted secrets, its URL, the process and its printed walkthrough. */
export interface Trial { data: string; secrets: PlantedSecret[]; base: string; proc: ChildProcess; printed: Promise<string> }

/** Builds the demo upstream under `dir`/data and starts the trial on a free loopback port. */
export async function startTrial(dir: string): Promise<Trial> {
  const data = path.join(dir, 'data');
  const secrets = await makeTrialUpstream(data);
  const base = `http://127.0.0.1:${await freePort()}`;
  const { proc, printed } = startDemo(data, base.slice('http://'.length));
  return { data, secrets, base, proc, printed };
}

/**
 * The agent's first steps of the walkthrough, in `dir`: a token from the dev issuer in agent.jwt, a
 * clone with the real git, the aws-access-key-id token of api/.env and the value planted behind it.
 */
export async function cloneAsAgent(dir: string, trial: Trial): Promise<{ agentJwt: string; token: string; planted: string }> {
  fs.writeFileSync(path.join(dir, 'agent.jwt'), `${await devToken(trial.base, 'agent-1', ['agents'])}\n`);
  const agentJwt = fs.readFileSync(path.join(dir, 'agent.jwt'), 'utf8').trim();
  const clone = spawnSync('git', ['-c', `http.extraHeader=Authorization: Bearer ${agentJwt}`, 'clone', '-q', `${trial.base}/acme/api.git`], { cwd: dir, encoding: 'utf8' });
  expect(clone.status, clone.stderr).to.equal(0);
  const envFile = fs.readFileSync(path.join(dir, 'api', '.env'), 'utf8');
  const token = /\[\[TOKEN_(aws-access-key-id)_[A-Z0-9]+\]\]/.exec(envFile);
  expect(token, envFile).to.not.equal(null);
  const planted = trial.secrets.filter((s) => s.type === token![1]).map((s) => s.value);
  expect(planted).to.have.length(1);
  expect(envFile).to.not.include(planted[0]);
  return { agentJwt, token: token![0], planted: planted[0]! };
}
