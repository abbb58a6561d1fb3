// `gitgate scan --config`: the dry run is the gateway's own sync, under the repository's policy.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { startGateway } from '@gitgate/gateway';
import { noopLogger } from '@gitgate/log';
import { GIT_ENV } from '@gitgate/testkit';
import { loadConfig } from '../src/config.js';
import { servedBy } from '../src/exposed-repos.js';
import type { ScanReport } from '../src/scan-command.js';
import { runScan } from './scan-helpers.js';

function git(args: string[], cwd: string, input?: string): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, input });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8').trim();
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let seed = 7;
const chars = (n: number, alphabet = ALNUM): string => Array.from({ length: n }, () => alphabet[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % alphabet.length]).join('');
// Fake secrets from parts, so no secret-shaped literal sits in the source.
const githubToken = (): string => 'gh' + 'p_' + chars(36);
const dashes = '-'.repeat(5);
const pem = (label: string, body: string): string => `${dashes}BEGIN ${label}${dashes}\n${body}\n${dashes}END ${label}${dashes}\n`;

/** Rows of `sql` from a gateway's SQLite file, opened read-only. */
function query<T>(file: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => {
      if (e) return reject(e);
      db.all<T>(sql, [], (err, rows) => db.close(() => (err ? reject(err) : resolve(rows))));
    });
  });
}

/** Clones through the gateway without blocking this process (the gateway serves from it). */
function cloneMirror(url: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('git', ['clone', '-q', '--mirror', url, into], { env: GIT_ENV });
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(stderr))));
  });
}

interface Fixture {
  upstream: string;
  config: string;
  secrets: { inEnv: string; acme: string; allowed: string; inLock: string; inMessage: string; inTag: string; inSignature: string; key: string };
}

/**
 * An upstream with a custom rule's secret, an allowlisted token, a lock file, a private key the
 * repository leaves, a secret in a commit message, and a signed tag (a secret in its message and in
 * its signature block), plus the config that serves it.
 */
function makeFixture(dir: string): Fixture {
  const work = path.join(dir, 'work');
  fs.mkdirSync(path.join(work, 'keys'), { recursive: true });
  git(['init', '-q', '-b', 'main', '.'], work);
  const s = {
    inEnv: githubToken(), acme: chars(32, '0123456789abcdef'), allowed: githubToken(), inLock: chars(18) + '%9',
    inMessage: githubToken(), inTag: githubToken(), inSignature: githubToken(), key: pem(['RSA', 'PRIVATE', 'KEY'].join(' '), chars(64) + '\n' + chars(64)),
  };
  fs.writeFileSync(path.join(work, 'app.env'), `GITHUB_TOKEN=${s.inEnv}\nacme_key=${s.acme}\nFIXTURE_TOKEN=${s.allowed}\n`);
  fs.writeFileSync(path.join(work, 'package-lock.json'), JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { password: s.inLock } } }, null, 2) + '\n');
  fs.writeFileSync(path.join(work, 'keys', 'fixture.pem'), s.key);
  git(['add', '.'], work);
  git(['commit', '-qm', `initial; rotated ${s.inMessage}`], work);
  const head = git(['rev-parse', 'HEAD'], work);
  const signature = pem(['PGP', 'SIGNATURE'].join(' '), `\n${s.inSignature}`);
  const tag = git(['mktag'], work, `object ${head}\ntype commit\ntag v1\ntagger T <t@example.com> 1700000000 +0000\n\nrelease ${s.inTag}\n${signature}`);
  git(['update-ref', 'refs/tags/v1', tag], work);
  const upstream = path.join(dir, 'upstream.git');
  git(['clone', '-q', '--bare', work, upstream], dir);
  const config = path.join(dir, 'gitgate.yaml');
  fs.writeFileSync(config, [
    'listen: 127.0.0.1:0', 'dataDir: ./data', 'auth: { mode: none }',
    'scanner:', '  rules:',
    "    - { id: acme-api-key, type: acme-api-key, regex: '(?i)acme_key[ :=]+(?<secret>[0-9a-f]{32})', keywords: [acme_key] }",
    '  allowlist:', `    - { description: a known fixture token, regex: '^${s.allowed}$' }`,
    'repos:', `  - { name: acme/app, upstream: ${upstream}, mask: { leave: [private-key] } }`, '',
  ].join('\n'));
  return { upstream, config, secrets: s };
}

describe('gitgate scan --config', function () {
  this.timeout(60_000);
  let dir: string;
  let fx: Fixture;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-scan-config-'));
    fx = makeFixture(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports exactly what a real gateway sync of the repository tokenizes', async () => {
    const { code, text } = await runScan(['--config', fx.config, '--format', 'json']);
    expect(code).to.equal(1);
    const report = JSON.parse(text) as ScanReport;
    const config = loadConfig(fx.config);
    const gw = await startGateway({ dataDir: config.dataDir, auth: { mode: 'none' }, port: 0, ...(await servedBy(config, noopLogger)) });
    try {
      await cloneMirror(`${gw.url}/acme/app.git`, path.join(dir, 'clone.git'));
    } finally {
      await gw.close();
    }
    const rows = await query<{ path: string; commit_id: string; rule_id: string }>(path.join(config.dataDir, 'vault.db'), "SELECT path, commit_id, rule_id FROM occurrences WHERE repo = 'acme/app'");
    const gateway = rows.map((r) => `${r.rule_id} ${r.path} ${r.commit_id}`).sort();
    // A place such as `(tag message)` is where the vault records no path.
    const scanned = [...new Set(report.findings.map((f) => `${f.ruleId} ${f.path.startsWith('(') ? '' : f.path} ${f.commit}`))].sort();
    expect(scanned).to.deep.equal(gateway);
    const places = report.findings.map((f) => `${f.ruleId} ${f.path}:${f.line}:${f.column}`);
    expect(places).to.include.members(['github-pat app.env:1:14', 'acme-api-key app.env:2:10', 'github-pat (commit message):1:18', 'github-pat (tag message):1:9']);
    // The lock file goes the way the gateway takes it; the allowlisted token, the left key and the dropped signature are not reported.
    expect(report.findings.some((f) => f.path === 'package-lock.json')).to.equal(rows.some((r) => r.path === 'package-lock.json'));
    expect(report.findings.filter((f) => f.path === 'app.env')).to.have.length(2);
    expect(report.findings.some((f) => f.type === 'private-key')).to.equal(false);
    expect(report.findings.filter((f) => f.path === '(tag message)')).to.have.length(1);
    expect(report.repos).to.deep.equal([{ name: 'acme/app', rulesetVersion: report.repos![0]!.rulesetVersion, leave: ['private-key'], objects: 7, rewritten: report.repos![0]!.rewritten }]);
    expect(report.repos![0]!.rulesetVersion).to.not.equal(report.rulesetVersion);
    for (const secret of Object.values(fx.secrets)) expect(text).to.not.include(secret.trim());
    // The clone agrees: the left key is served as it is, the tokenized ones are not.
    const everything = spawnSync('git', ['--git-dir', path.join(dir, 'clone.git'), 'cat-file', '--batch-all-objects', '--batch'], { env: GIT_ENV, maxBuffer: 1 << 26 }).stdout.toString('latin1');
    expect(everything).to.include(fx.secrets.key);
    for (const s of [fx.secrets.inEnv, fx.secrets.acme, fx.secrets.inMessage, fx.secrets.inTag, fx.secrets.inSignature]) expect(everything).to.not.include(s);
  });

  it('places a secret in a file name and in a branch name as the rewrite tokenizes them', async () => {
    const work = path.join(dir, 'names');
    fs.mkdirSync(work);
    git(['init', '-q', '-b', 'main', '.'], work);
    const inName = githubToken();
    const inBranch = githubToken();
    fs.writeFileSync(path.join(work, `key-${inName}.txt`), 'clean\n');
    git(['add', '.'], work);
    git(['commit', '-qm', 'clean'], work);
    git(['branch', `leak-${inBranch}`], work);
    fs.writeFileSync(fx.config, fs.readFileSync(fx.config, 'utf8').replace(fx.upstream, work));
    const { code, text } = await runScan(['--config', fx.config, '--format', 'json']);
    expect(code).to.equal(1);
    const report = JSON.parse(text) as ScanReport;
    expect(report.findings.map((f) => [f.path, f.ruleId, f.commit]).sort()).to.deep.equal([
      ['(ref name)', 'github-pat', undefined],
      ['(tree entry name)', 'github-pat', git(['rev-parse', 'HEAD'], work)],
    ]);
    expect(report.findings.find((f) => f.path === '(ref name)')!.preview).to.match(/^refs\/heads\/leak-TOKEN_github-pat_[A-Z2-7]+$/);
    for (const s of [inName, inBranch]) expect(text).to.not.include(s);
  });

  it('writes SARIF whose file locations are relative to the repository root', async () => {
    const { code, text } = await runScan(['--config', fx.config, 'acme/app', '--format', 'sarif']);
    expect(code).to.equal(1);
    const results = JSON.parse(text).runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    const uris = results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).to.include('app.env');
    expect(uris.some((u) => /^gitgate\/tag-message\/[0-9a-f]{40}$/.test(u))).to.equal(true);
  });

  it('scans only the repositories named, and refuses an unknown one with exit 2', async () => {
    expect((await runScan(['--config', fx.config, 'acme/app'])).code).to.equal(1);
    const bad = await runScan(['--config', fx.config, 'acme/nope']);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.match(/^gitgate scan: acme\/nope: not a repository of /);
  });

  it('exits 2 with the configuration problems for a bad masking policy', async () => {
    fs.writeFileSync(fx.config, fs.readFileSync(fx.config, 'utf8').replace('leave: [private-key]', 'leave: [privat-key]'));
    const { code, text, err } = await runScan(['--config', fx.config]);
    expect(code).to.equal(2);
    expect(text).to.equal('');
    expect(err).to.include('repos[0].mask.leave: "privat-key" is not a rule id, token type or rule family');
  });

  it('exits 2 with a sentence when the upstream cannot be fetched', async () => {
    fs.rmSync(fx.upstream, { recursive: true, force: true });
    const { code, err } = await runScan(['--config', fx.config]);
    expect(code).to.equal(2);
    expect(err).to.match(/^gitgate scan: fetching upstream .* failed/);
  });
});
