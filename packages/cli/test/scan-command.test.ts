import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileCustomRules, createScanner } from '@gitgate/scanner';
import { startGateway } from '@gitgate/gateway';
import { GIT_ENV } from '@gitgate/testkit';
import type * as Corpus from '../../../fixtures/secrets-corpus.mjs';
import type { ScanReport } from '../src/scan-command.js';
import { runScan } from './scan-helpers.js';

const fixtures = new URL('../../../../fixtures/', import.meta.url); // from dist/test/
const { buildSecretsCorpus } = (await import(new URL('secrets-corpus.mjs', fixtures).href)) as typeof Corpus;


function git(args: string[], cwd: string): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8').trim();
}

const run = runScan;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let seed = 99;
const chars = (n: number): string => Array.from({ length: n }, () => ALNUM[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 62]).join('');
// Fake secrets from parts, so no secret-shaped literal sits in the source.
const githubToken = (): string => 'gh' + 'p_' + chars(36);
const password = (): string => chars(14) + '!7';

describe('gitgate scan', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('selects per file kind as the gateway does: a config-only rule reports in a .env, not in Python', async () => {
    const { rules } = compileCustomRules([{
      id: 'test-bare-auth', type: 'bare-auth', regex: '\\bauth\\s*=\\s*(?<secret>[A-Za-z0-9_]{8,64})', keywords: ['auth'], fileKinds: ['config'],
    }], 'scanner.rules');
    const scanner = createScanner({ rules: [...createScanner().rules.filter((r) => r.id !== 'generic-secret-assignment'), ...rules] });
    fs.writeFileSync(path.join(dir, 'client.py'), 'r = get(url, auth=wrong_auth)\n');
    fs.writeFileSync(path.join(dir, '.env'), `auth=${chars(16)}\n`);
    const { code, text } = await run([dir, '--json'], { scanner });
    expect(code).to.equal(1);
    const report = JSON.parse(text) as ScanReport;
    expect(report.findings.map((f) => `${f.path} ${f.ruleId}`)).to.deep.equal(['.env test-bare-auth']);
  });

  it('lists the secrets of a directory with path, line, rule and a masked preview', async () => {
    const t = githubToken();
    const pw = password();
    fs.mkdirSync(path.join(dir, 'config'));
    fs.writeFileSync(path.join(dir, 'config', 'app.env'), `LOG=info\nGITHUB_TOKEN=${t}\n`);
    fs.writeFileSync(path.join(dir, 'db.yml'), `db:\n  password: ${pw}\n`);
    const { code, text } = await run([dir]);
    expect(code).to.equal(1);
    expect(text).to.include('config/app.env:2:14  github-pat  GITHUB_TOKEN=[ghp_…(40 bytes)]');
    expect(text).to.include('db.yml:2:13  generic-secret-unquoted');
    expect(text).to.include('2 findings in 2 places');
    expect(text).to.not.include(t.slice(4));
    expect(text).to.not.include(pw);
  });

  it('prints a JSON report with --json and never the secret', async () => {
    const t = githubToken();
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ token: t }));
    const { code, text } = await run([dir, '--json']);
    const report = JSON.parse(text) as ScanReport;
    expect(code).to.equal(1);
    expect(report.mode).to.equal('directory');
    expect(report.findings).to.have.length(1);
    expect(report.findings[0]).to.include({ ruleId: 'github-pat', path: 'a.json', line: 1, column: 11, length: 40 });
    expect(report.rulesetVersion).to.match(/^[0-9a-f]{16}$/);
    expect(text).to.not.include(t.slice(4));
  });

  it('exits 0 and says so for clean content', async () => {
    fs.writeFileSync(path.join(dir, 'readme.md'), '# hello\n');
    const { code, text } = await run([dir]);
    expect(code).to.equal(0);
    expect(text).to.match(/^0 findings in 0 places \(directory: 1 objects/);
  });

  it('scans a single file and applies path rules (a key file is reported whole)', async () => {
    const file = path.join(dir, 'id_ed25519');
    fs.writeFileSync(file, chars(300) + '\n');
    const { code, text } = await run([file]);
    expect(code).to.equal(1);
    expect(text).to.include('id_ed25519:1:1  key-file-by-path');
  });

  it('scans the HEAD tree of a bare repository, and all of history with --history', async () => {
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    git(['init', '-q', '-b', 'main', '.'], work);
    const t = githubToken();
    fs.writeFileSync(path.join(work, 'ci.env'), `GITHUB_TOKEN=${t}\n`);
    git(['add', '.'], work);
    git(['commit', '-qm', 'add ci'], work);
    const introduced = git(['rev-parse', 'HEAD'], work);
    fs.rmSync(path.join(work, 'ci.env'));
    fs.writeFileSync(path.join(work, 'readme.md'), 'clean\n');
    git(['add', '-A'], work);
    const leak = githubToken();
    git(['commit', '-qm', `remove the token ${leak}`], work);
    const message = git(['rev-parse', 'HEAD'], work);
    const bare = path.join(dir, 'repo.git');
    git(['clone', '-q', '--bare', work, bare], dir);

    const head = await run([bare]);
    expect(head.code).to.equal(0);
    expect(head.text).to.include('(head: 1 objects');

    const all = JSON.parse((await run([bare, '--history', '--json'])).text) as ScanReport;
    expect(all.mode).to.equal('history');
    expect(all.findings.map((f) => [f.path, f.commit, f.ruleId])).to.deep.equal([
      ['ci.env', introduced, 'github-pat'],
      ['(commit message)', message, 'github-pat'],
    ]);
  });

  it('reports with --history a secret in an author name, a tag name and a file name, as the rewrite tokenizes them', async () => {
    git(['init', '-q', '-b', 'main', '.'], dir);
    const inName = githubToken();
    const inAuthor = githubToken();
    const inTag = githubToken();
    fs.writeFileSync(path.join(dir, `key-${inName}.txt`), 'clean\n');
    git(['add', '.'], dir);
    spawnSync('git', ['commit', '-qm', 'clean message'], { cwd: dir, env: { ...GIT_ENV, GIT_AUTHOR_NAME: `Ada ${inAuthor}` } });
    git(['tag', '-a', `rel-${inTag}`, '-m', 'release'], dir);
    const commit = git(['rev-parse', 'HEAD'], dir);
    const tree = git(['rev-parse', 'HEAD^{tree}'], dir);
    const { code, text } = await run([dir, '--history', '--json']);
    expect(code).to.equal(1);
    const report = JSON.parse(text) as ScanReport;
    const tag = git(['rev-parse', `rel-${inTag}`], dir);
    expect(report.findings.map((f) => [f.path, f.commit, f.ruleId]).sort()).to.deep.equal([
      ['(commit header)', commit, 'github-pat'],
      ['(tag header)', tag, 'github-pat'],
      ['(tree entry name)', tree, 'github-pat'],
    ].sort());
    for (const s of [inName, inAuthor, inTag]) expect(text).to.not.include(s);
  });

  it('works on a non-bare repository with --history', async () => {
    git(['init', '-q', '-b', 'main', '.'], dir);
    fs.writeFileSync(path.join(dir, 'x.env'), `TOKEN=${githubToken()}\n`);
    git(['add', '.'], dir);
    git(['commit', '-qm', 'x'], dir);
    const { code, text } = await run([dir, '--history']);
    expect(code).to.equal(1);
    expect(text).to.include('x.env:1:7');
  });

  it('reports content over the scan limit as withheld (the rewrite fails closed on it)', async () => {
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(2048, 0x41));
    const { code, text } = await run([dir], { scanner: createScanner({ maxBytes: 1024 }) });
    expect(code).to.equal(1);
    expect(text).to.include('big.bin  WITHHELD');
  });

  it('skips the .git directory of a work tree', async () => {
    git(['init', '-q', '.'], dir);
    fs.writeFileSync(path.join(dir, '.git', 'leak'), `TOKEN=${githubToken()}\n`);
    expect((await run([dir])).code).to.equal(0);
  });

  const usageCases: Array<[string, string[]]> = [
    ['no path', []],
    ['two paths', ['a', 'b']],
    ['an unknown option', ['.', '--all']],
  ];
  for (const [name, args] of usageCases) {
    it(`exits 2 with usage for ${name}`, async () => {
      const { code, text, err } = await run(args, { cwd: dir });
      expect(code).to.equal(2);
      expect(err).to.include('usage: gitgate scan');
      expect(text).to.equal('');
    });
  }

  it('exits 2 for --history on a directory that is not a repository', async () => {
    expect((await run([dir, '--history'])).code).to.equal(2);
  });

  it('exits 2 for a path that does not exist', async () => {
    const { code, err } = await run(['missing'], { cwd: dir });
    expect(code).to.equal(2);
    expect(err).to.equal('gitgate scan: cannot read missing: ENOENT\n');
  });

  // The end-to-end check: a repository holding one example of every rule (one file per
  // rule, plus one in a commit message) is secret-free when cloned through the gateway, and the
  // dry run agrees with the rewrite (it lists them upstream, and finds nothing in the clone).
  it('lists one example of every rule upstream, and a clone through the gateway holds none of them', async function () {
    this.timeout(120_000);
    const { positives } = buildSecretsCorpus();
    const firstOfRule = new Map<string, (typeof positives)[number]>();
    for (const p of positives) if (!firstOfRule.has(p.ruleId!)) firstOfRule.set(p.ruleId!, p);
    const work = path.join(dir, 'work');
    fs.mkdirSync(path.join(work, 'samples'), { recursive: true });
    git(['init', '-q', '-b', 'main', '.'], work);
    for (const [ruleId, p] of firstOfRule) fs.writeFileSync(path.join(work, 'samples', `${ruleId.replace(':', '-')}.${p.syntax}`), p.content);
    git(['add', '.'], work);
    const inMessage = githubToken();
    git(['commit', '-qm', `samples; old token ${inMessage}`], work);
    const upstream = path.join(dir, 'upstream.git');
    git(['clone', '-q', '--bare', work, upstream], dir);
    const secrets = [...firstOfRule.values()].flatMap((p) => p.secrets.map((sec) => p.content.subarray(sec.start, sec.end)));
    secrets.push(Buffer.from(inMessage));

    const before = JSON.parse((await run([upstream, '--history', '--json'])).text) as ScanReport;
    expect(new Set(before.findings.map((f) => f.path)).size).to.equal(firstOfRule.size + 1); // every file and the message

    const gw = await startGateway({ dataDir: path.join(dir, 'data'), auth: { mode: 'none' }, repos: [{ name: 'acme/all', upstream: { url: upstream } }], port: 0 });
    try {
      const clone = path.join(dir, 'clone');
      // Asynchronously: the gateway serves from this process, so a blocking spawn would deadlock it.
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const p = spawn('git', ['clone', '-q', '--mirror', `${gw.url}/acme/all.git`, clone], { env: GIT_ENV });
        let stderr = '';
        p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        p.on('close', (code) => resolve({ code, stderr }));
      });
      expect(r.code, r.stderr).to.equal(0);
      const everything = spawnSync('git', ['--git-dir', clone, 'cat-file', '--batch-all-objects', '--batch'], { env: GIT_ENV, maxBuffer: 1 << 28 }).stdout;
      const leaked = secrets.filter((sec) => everything.includes(sec)).length;
      expect(leaked, 'secrets found in the clone').to.equal(0);
      const after = await run([clone, '--history']);
      expect(after.code, after.text).to.equal(0);
    } finally {
      await gw.close();
    }
  });
});
