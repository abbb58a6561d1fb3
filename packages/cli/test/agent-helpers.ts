// A real gateway in OIDC mode over the demo repository, for the agent-side commands' tests, and the
// real binaries run without blocking the event loop the gateway answers on.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startGateway, type Gateway } from '@gitgate/gateway';
import { GIT_ENV, gitAsync, repoRoot, runAsync, startIssuer, tempDir, removeDirs, type ProcessRun, type TestIssuer } from '@gitgate/testkit';

/** packages/cli/bin, from packages/cli/dist/test. */
export const BIN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin');
const TOKEN = /\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]+\]\]/g;

/** What a binary printed and how it ended. */
export type BinRun = ProcessRun;

/** Runs `bin` (a file of packages/cli/bin) with `args`, `env` (PATH added) and `input` on stdin. */
export function runBin(bin: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<BinRun> {
  return runAsync(process.execPath, [path.join(BIN_DIR, bin), ...args], { env: { PATH: process.env.PATH, ...env }, input });
}

/** The gateway, its issuer, JWT files per identity and the demo repository's planted secrets. */
export interface AgentGateway {
  gw: Gateway;
  issuer: TestIssuer;
  dir: string;
  /** A file holding a fresh JWT of each identity: agent (requester), other (requester), sec (approver), admin. */
  jwtFile: Record<'agent' | 'other' | 'sec' | 'admin', string>;
  jwt: Record<'agent' | 'other' | 'sec' | 'admin', string>;
  /** The planted secret values. */
  secrets: string[];
  /** The tokens in the objects of the clone at `clone`. */
  tokensIn(clone: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts the issuer and a gateway serving the demo repository as acme/api to group agents. */
export async function startAgentGateway(): Promise<AgentGateway> {
  const issuer = await startIssuer('gitgate');
  const dir = tempDir('gitgate-agent-');
  const upstream = path.join(dir, 'upstream', 'api.git');
  const demo = await import(pathToFileURL(path.join(repoRoot(), 'fixtures', 'demo-repo.mjs')).href) as { makeDemoRepo(d: string): Promise<{ secrets: { value: string }[] }> };
  const { secrets } = await demo.makeDemoRepo(upstream);
  const gw = await startGateway({
    port: 0, dataDir: path.join(dir, 'data'), coalesceMs: 0,
    auth: { mode: 'oidc', issuer: issuer.issuer, audience: 'gitgate' },
    repos: [{ name: 'acme/api', upstream: { url: upstream } }],
    policy: {
      repos: [{ name: 'acme/api', readers: ['agents'] }],
      detokenize: { requesters: ['agents'], approvers: ['security'], minApprovals: 1, requireReason: true, requestTtlMs: 3600e3, grantTtlMs: 900e3, oneTimeReveal: true },
      admins: ['admins'],
    },
  });
  const jwt = {
    agent: await issuer.mint('agent-7', ['agents']), other: await issuer.mint('agent-8', ['agents']),
    sec: await issuer.mint('alice', ['security']), admin: await issuer.mint('root', ['admins']),
  };
  const jwtFile = {} as AgentGateway['jwtFile'];
  for (const [who, value] of Object.entries(jwt) as [keyof typeof jwt, string][]) {
    jwtFile[who] = path.join(dir, `${who}.jwt`);
    fs.writeFileSync(jwtFile[who], value + '\n', { mode: 0o600 });
  }
  return {
    gw, issuer, dir, jwt, jwtFile, secrets: secrets.map((s) => s.value.trim()),
    async tokensIn(clone) {
      const objects = await gitAsync(['cat-file', '--batch-all-objects', '--batch'], { cwd: clone, env: GIT_ENV });
      return [...new Set(objects.stdout.match(TOKEN))];
    },
    async stop() {
      await gw.close();
      await issuer.close();
      removeDirs(dir);
    },
  };
}
