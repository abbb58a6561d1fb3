/** End-to-end harness: temp dirs, the real git binary, the demo upstream, and a gateway on 127.0.0.1:0. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tempDir as testkitTempDir, removeDirs, repoRoot, GIT_CLEAN_ENV } from '@gitgate/testkit';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/index.js';

export interface PlantedSecret {
  value: string;
  type: string;
  where: string;
}

interface DemoModule {
  makeDemoRepo(dir: string, opts?: { seed?: string }): Promise<{ path: string; secrets: PlantedSecret[] }>;
  advanceDemoRepo(dir: string, opts?: { seed?: string }): Promise<{ secrets: PlantedSecret[] }>;
}

/** Loads fixtures/demo-repo.mjs (shared fixture generator of the monorepo). */
export async function demoFixtures(): Promise<DemoModule> {
  return (await import(pathToFileURL(join(repoRoot(), 'fixtures', 'demo-repo.mjs')).href)) as DemoModule;
}

/** A temp directory removed by `cleanup`. */
export function tempDir(prefix = 'gitgate-e2e-'): string {
  return testkitTempDir(prefix);
}

export { removeDirs as cleanup };

export interface GitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real git client with a clean config; never throws on a non-zero exit. */
export function git(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<GitResult> {
  return new Promise((resolvePromise) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: {
        ...GIT_CLEAN_ENV,
        GIT_AUTHOR_NAME: 'tester', GIT_AUTHOR_EMAIL: 'tester@example.com',
        GIT_COMMITTER_NAME: 'tester', GIT_COMMITTER_EMAIL: 'tester@example.com',
        ...opts.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('latin1'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('latin1'); });
    child.stdin.on('error', () => { /* git may exit before reading its input */ });
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** Runs git and throws with its stderr on failure. */
export async function gitOk(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<string> {
  const r = await git(args, opts);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Every object of a repository, headers and contents, as one latin1 string. */
export async function allObjects(gitDir: string): Promise<string> {
  return gitOk(['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch']);
}

/** Ids of every object a client repository holds (none when it does not exist). */
export async function objectIds(repoDir: string): Promise<Set<string>> {
  if (!existsSync(repoDir)) return new Set();
  const out = await gitOk(['-C', repoDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)']);
  return new Set(out.split('\n').filter((l) => l.length > 0));
}

/**
 * Every gateway token found in `text`, revealed through the vault: token → real value. The vault is the
 * oracle for "each planted value appears as a token" without the test knowing the scanner's type names.
 */
export async function revealTokens(gw: Gateway, text: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]+\]\]/g)) {
    if (!out.has(m[0])) out.set(m[0], (await gw.vault.reveal(m[0])).toString('latin1'));
  }
  return out;
}

/** A demo upstream plus a gateway serving it as acme/api. */
export interface DemoGateway {
  gw: Gateway;
  dir: string;
  upstream: string;
  secrets: PlantedSecret[];
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDemoGateway(extra: Partial<GatewayOptions> = {}, seed = '5eed'): Promise<DemoGateway> {
  const dir = tempDir();
  const upstream = join(dir, 'upstream', 'api.git');
  const { secrets } = await (await demoFixtures()).makeDemoRepo(upstream, { seed });
  const opts: GatewayOptions = {
    port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0,
    repos: [{ name: 'acme/api', upstream: { url: upstream } }], ...extra,
  };
  const state: DemoGateway = {
    gw: await startGateway(opts), dir, upstream, secrets, url: '',
    async restart() {
      await state.gw.close();
      state.gw = await startGateway(opts);
      state.url = `${state.gw.url}/acme/api.git`;
    },
    async stop() {
      await state.gw.close();
      removeDirs(dir);
    },
  };
  state.url = `${state.gw.url}/acme/api.git`;
  return state;
}

export { resolve, repoRoot };

/**
 * Starts the demo gateway and a work directory before the suite and stops them after it; tests read
 * `suite.demo` and `suite.work`.
 */
export function demoGatewayPerSuite(): { readonly demo: DemoGateway; readonly work: string } {
  const suite = {} as { demo: DemoGateway; work: string };
  before(async () => {
    suite.demo = await startDemoGateway();
    suite.work = tempDir();
  });
  after(async () => {
    await suite.demo?.stop();
    if (suite.work) removeDirs(suite.work);
  });
  return suite;
}
