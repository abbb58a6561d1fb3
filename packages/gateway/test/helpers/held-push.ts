/** What the held-push e2e suites share: the policy, and an agent's push that the gateway holds. */
import { expect } from 'chai';
import fs from 'node:fs';
import { join } from 'node:path';
import type { PolicyConfig } from '@gitgate/access';
import { git, gitOk } from './harness.js';

const AGENT = ['-c', 'user.name=Agent Smith', '-c', 'user.email=agent@example.test'];
const HELD = /held for approval: push request ([0-9a-f-]{36}); it goes upstream once an approver allows it/;

/** acme/api readable and writable by 'agents'; the detokenize approvers ('security') decide held pushes. */
export const HELD_PUSH_POLICY: PolicyConfig = {
  repos: [{ name: 'acme/api', readers: ['agents'], writers: ['agents'] }],
  detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
  admins: [],
};

/**
 * Clones `repoUrl` into `clone` as `jwt`, commits a region change to .env (keeping its tokens) and pushes
 * it to refs/heads/agent/<branch>; git must fail and print the held sentence. Resolves with the pushed
 * commit id, the push request id and git's stderr.
 */
export async function pushHeld(repoUrl: string, jwt: string, clone: string, branch: string): Promise<{ pushed: string; requestId: string; stderr: string }> {
  await gitOk(['clone', '-q', repoUrl.replace('http://', `http://agent:${jwt}@`), clone]);
  const env = fs.readFileSync(join(clone, '.env'), 'utf8');
  fs.writeFileSync(join(clone, '.env'), env.replace('AWS_REGION=eu-west-1', 'AWS_REGION=us-east-1'));
  await gitOk([...AGENT, '-C', clone, 'commit', '-q', '-am', 'move region\n']);
  const pushed = (await gitOk(['-C', clone, 'rev-parse', 'HEAD'])).trim();
  const r = await git(['-C', clone, 'push', 'origin', `HEAD:refs/heads/agent/${branch}`]);
  expect(r.code, r.stderr).to.not.equal(0);
  const m = HELD.exec(r.stderr);
  expect(m, r.stderr).to.not.equal(null);
  return { pushed, requestId: m![1]!, stderr: r.stderr };
}
