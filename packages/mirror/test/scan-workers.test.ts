// Pass 1 in scan threads (scan-pool.ts): the same outcome as on the main thread, fail closed when a
// thread fails, and no thread left behind; and the same outcome with and without tree versions.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { matchableBare } from '@gitgate/scanner';
import { captureLogger, randomCharsWhere } from '@gitgate/testkit';
import type { SecretRecord } from '@gitgate/vault';
import { MirrorError, codes, type RepoMirrorOptions, type SecretSink, type SyncReport } from '../src/index.js';
import { allObjects, fakeGithubPat, git, makeMirror, refsOf, upstreamPerTest, type DataEnv } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAILING_WORKER = path.join(here, 'failing-scan-worker.js');

/** A random password the scanner matches bare once known (letters and digits, no word-like runs). */
const password = (): string => randomCharsWhere(20, (v) => /[0-9]/.test(v) && matchableBare(Buffer.from(v)));

/** One fast-import file change: path and content. */
type Files = [string, string][];

/**
 * A history of `commits` commits of `perCommit` changed files each (thousands of blobs in one git
 * process), with fake secrets in .env files, in names, in messages and in a tag; a known value first
 * seen in a `.env` and later only as a plain string, and one that a plain file holds before its `.env`.
 */
function plantedHistory(gitDir: string, commits: number, perCommit: number): void {
  const early = password();
  const late = password();
  const chunks: string[] = [];
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`;
  for (let c = 0; c < commits; c++) {
    const files: Files = [];
    for (let f = 0; f < perCommit; f++) files.push([`src/m${f}/file${c % 7}.txt`, `module ${f} version ${c}\n${'filler line\n'.repeat(f % 5)}`]);
    if (c % 9 === 0) files.push([`config/app${c}.env`, `API_TOKEN=${fakeGithubPat()}\n`]);
    if (c === 2) files.push(['.env', `DB_PASSWORD=${early}\n`]);
    if (c > 2 && c % 11 === 0) files.push([`tests/test_db${c}.py`, `def test_connect():\n    connect("db", "${early}")\n`]);
    if (c === commits - 3) files.push(['aa/test_late.py', `connect("${late}")\n`], ['zz/.env', `DB_PASSWORD=${late}\n`]);
    if (c === 5) files.push([`keys/${fakeGithubPat()}.txt`, 'a secret in a name\n']);
    const message = c % 13 === 0 ? `commit ${c}, was ${fakeGithubPat()}\n` : `commit ${c}\n`;
    chunks.push(`commit refs/heads/main\nmark :${c + 1}\ncommitter Bob Tester <bob@example.test> ${1_700_000_000 + c * 60} +0000\n${data(message)}`);
    if (c > 0) chunks.push(`from :${c}\n`);
    for (const [p, content] of files) chunks.push(`M 100644 inline ${p}\n${data(content)}`);
  }
  chunks.push(`tag v1\nfrom :${commits}\ntagger Ada Tester <ada@example.test> 1700000000 +0000\n${data(`release, token ${fakeGithubPat()}\n`)}`);
  git(gitDir, ['fast-import', '--quiet'], chunks.join(''));
}

/** A sink over the env's vault that also keeps every record put, in order. */
function recordingSink(env: DataEnv, records: SecretRecord[]): SecretSink {
  return {
    tokenFor: (type, secret) => env.vault.tokenFor(type, secret),
    knownSecrets: () => env.vault.knownSecrets(),
    async put(batch) {
      records.push(...batch);
      await env.vault.put(batch);
    },
  };
}

/** What a sync served and recorded, to compare two syncs by. */
interface Outcome {
  report: SyncReport;
  refs: Map<string, string>;
  objects: Buffer;
  ids: Map<string, string>;
  records: string[];
}

describe('scan threads', function () {
  this.timeout(120_000);
  const t = upstreamPerTest();

  async function syncWith(name: string, extra: Partial<RepoMirrorOptions>, keyFrom?: string): Promise<Outcome & { env: DataEnv }> {
    const env = await t.open(name, keyFrom);
    const records: SecretRecord[] = [];
    const m = makeMirror(env, t.up.gitDir, { vault: recordingSink(env, records), scanWorkersMinObjects: 0, ...extra });
    const report = await m.sync();
    await m.idle();
    const upstreamIds = git(t.up.gitDir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).toString('latin1').trim().split('\n');
    return {
      env, report, refs: refsOf(m.sanitized.gitDir), objects: allObjects(m.sanitized.gitDir),
      ids: await env.idMap.lookup('acme/api', upstreamIds),
      records: records.map((r) => `${r.token} ${r.ruleId} ${r.path ?? '-'} ${r.commitId ?? '-'}`),
    };
  }

  it('serves the same refs, ids, objects and vault records with 3 threads as on the main thread', async () => {
    // Over 5,000 blobs: more jobs than the 6 in flight, so later jobs are filled into recycled buffers
    // (a view kept into one would serve another blob's bytes).
    plantedHistory(t.up.gitDir, 130, 40);
    const one = await syncWith('one', { scanWorkers: 1 });
    const log = captureLogger();
    const three = await syncWith('three', { scanWorkers: 3, logger: log }, one.env.keyPath);
    expect(log.lines.some((l) => l.msg === 'scanning in threads' && (l.meta as { threads: number }).threads === 3)).to.equal(true);
    expect(one.report.objects).to.be.greaterThan(2000);
    expect(one.report.secretsByRule['known-secret']).to.be.greaterThan(0);
    expect(one.refs.get('refs/heads/main')).to.not.equal(refsOf(t.up.gitDir).get('refs/heads/main'));
    expect(three.refs).to.deep.equal(one.refs);
    expect(three.ids).to.deep.equal(one.ids);
    expect(three.records).to.deep.equal(one.records);
    expect(three.objects.equals(one.objects)).to.equal(true);
    expect({ ...three.report, ms: 0, finishedAt: 0 }).to.deep.equal({ ...one.report, ms: 0, finishedAt: 0 });
    // The values learned last in the walk (the oldest .env, the last commits' pair) were rechecked in the
    // blobs read before, in the order git stores them: none is served anywhere.
    for (const file of ['.env', 'zz/.env']) {
      const value = git(t.up.gitDir, ['show', `main:${file}`]).toString('latin1').split('=')[1]!.trim();
      expect(one.objects.includes(Buffer.from(value))).to.equal(false);
    }
  });

  it('serves the same refs, ids, objects and vault records (paths and commits) without tree versions, every entry mapped', async () => {
    plantedHistory(t.up.gitDir, 60, 40);
    const every = await syncWith('every', { scanWorkers: 1, rescanTreeNames: true });
    const versions = await syncWith('versions', { scanWorkers: 1 }, every.env.keyPath);
    expect(every.report.objects).to.be.greaterThan(2000);
    expect(every.records.some((r) => r.includes('/'))).to.equal(true);
    expect(versions.refs).to.deep.equal(every.refs);
    expect(versions.ids).to.deep.equal(every.ids);
    expect(versions.records).to.deep.equal(every.records);
    expect(versions.objects.equals(every.objects)).to.equal(true);
    expect({ ...versions.report, ms: 0, finishedAt: 0 }).to.deep.equal({ ...every.report, ms: 0, finishedAt: 0 });
  });

  it('serves no known value anywhere when threads scan the plain files that repeat it', async () => {
    plantedHistory(t.up.gitDir, 30, 10);
    const { objects } = await syncWith('three', { scanWorkers: 3 });
    // The values of the .env files are nowhere in the served store, not in the plain files either.
    const env = git(t.up.gitDir, ['show', 'main:.env']).toString('latin1');
    const late = git(t.up.gitDir, ['show', 'main:zz/.env']).toString('latin1');
    for (const file of [env, late]) expect(objects.includes(Buffer.from(file.split('=')[1]!.trim()))).to.equal(false);
  });

  it('fails the sync closed when a thread fails: an error naming the thread, no ref served', async () => {
    plantedHistory(t.up.gitDir, 10, 10);
    const env = await t.open('data');
    const m = makeMirror(env, t.up.gitDir, { scanWorkers: 2, scanWorkersMinObjects: 0, scanWorkerModule: new URL(`file://${FAILING_WORKER}`) });
    let failed: unknown;
    await m.sync().catch((e: unknown) => { failed = e; });
    expect(failed).to.be.instanceOf(MirrorError);
    expect((failed as MirrorError).code).to.equal(codes.scanWorkerFailed);
    expect((failed as Error).message).to.match(/scan thread/);
    expect(refsOf(m.sanitized.gitDir).size).to.equal(0);
    expect(m.lastSync).to.equal(null);
  });

  for (const [what, module] of [['after a sync', undefined], ['after a thread failed', FAILING_WORKER]] as const) {
    it(`leaves no thread that keeps the process alive ${what}`, async () => {
      plantedHistory(t.up.gitDir, 10, 10);
      const child = spawn(process.execPath, [path.join(here, 'scan-workers-child.js'), t.up.gitDir, path.join(t.dir, 'child-data'), ...(module ? [module] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      // A thread left running would keep the child alive: it is stopped, and the test fails, after 60 s.
      const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      clearTimeout(guard);
      expect(code).to.equal(0);
      const said = JSON.parse(out.trim()) as { ok: boolean; code?: string; objects?: number };
      if (module) expect(said).to.deep.equal({ ok: false, code: codes.scanWorkerFailed });
      else expect(said.ok && said.objects! > 100).to.equal(true);
    });
  }
});
