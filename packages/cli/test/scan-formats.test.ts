// `gitgate scan` output formats, baseline and exit codes.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScanReport } from '../src/scan-command.js';
import { runScan } from './scan-helpers.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let seed = 11;
const chars = (n: number): string => Array.from({ length: n }, () => ALNUM[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 62]).join('');
// Fake secrets from parts, so no secret-shaped literal sits in the source.
const githubToken = (): string => 'gh' + 'p_' + chars(36);

/** The SARIF 2.1.0 properties a code-scanning upload needs, checked as the schema states them. */
function expectSarif21(doc: any): void {
  expect(doc.version).to.equal('2.1.0');
  expect(doc.$schema).to.match(/sarif-2\.1\.0.*\.json$/);
  expect(doc.runs).to.be.an('array').with.length(1);
  const run = doc.runs[0];
  expect(run.tool.driver.name).to.be.a('string').and.not.equal('');
  expect(run.tool.driver.version).to.match(/^\d+\.\d+\.\d+/);
  const ruleIds = run.tool.driver.rules.map((r: any) => r.id);
  for (const r of run.tool.driver.rules) expect(r.shortDescription.text).to.be.a('string').and.not.equal('');
  for (const res of run.results) {
    expect(ruleIds).to.include(res.ruleId);
    expect(run.tool.driver.rules[res.ruleIndex].id).to.equal(res.ruleId);
    expect(['none', 'note', 'warning', 'error']).to.include(res.level);
    expect(res.message.text).to.be.a('string').and.not.equal('');
    const loc = res.locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).to.be.a('string').and.not.match(/^\/|^[a-z]+:/i);
    expect(loc.region.startLine).to.be.a('number').at.least(1);
    expect(loc.region.startColumn).to.be.a('number').at.least(1);
    expect(Object.values(res.partialFingerprints)).to.have.length.at.least(1);
  }
}

describe('gitgate scan formats and baseline', function () {
  this.timeout(30_000);
  let dir: string;
  let tokens: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-scan-formats-'));
    tokens = [githubToken(), githubToken()];
    fs.mkdirSync(path.join(dir, 'src', 'a b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'a b', 'ci.env'), `GITHUB_TOKEN=${tokens[0]}\n`);
    fs.writeFileSync(path.join(dir, 'db.yml'), `db:\n  token: "${tokens[1]}", x\n`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes SARIF 2.1.0 with the properties a code-scanning upload requires, and never the secret', async () => {
    const { code, text } = await runScan([dir, '--format', 'sarif']);
    expect(code).to.equal(1);
    const doc = JSON.parse(text);
    expectSarif21(doc);
    expect(doc.runs[0].results).to.have.length(2);
    const uris = doc.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri).sort();
    expect(uris).to.deep.equal(['db.yml', 'src/a%20b/ci.env']);
    expect(doc.runs[0].results[0]).to.deep.include({ ruleId: 'github-pat', level: 'error' });
    for (const t of tokens) expect(text).to.not.include(t.slice(4));
  });

  it('writes CSV with a header, quoting cells that hold commas or quotes', async () => {
    const { code, text } = await runScan([dir, '--format=csv']);
    expect(code).to.equal(1);
    const lines = text.split('\r\n');
    expect(lines[0]).to.equal('repo,path,commit,line,column,ruleId,type,confidence,length,fingerprint,preview');
    expect(lines).to.have.length(4); // header, two rows, the empty string after the last CRLF
    expect(lines.find((l) => l.includes('db.yml'))).to.match(/^,db\.yml,,2,11,github-pat,github-pat,high,40,[0-9a-f]{32},"  token: ""\[ghp_…\(40 bytes\)\]"", x"$/);
    for (const t of tokens) expect(text).to.not.include(t.slice(4));
  });

  it('keeps --json as --format json', async () => {
    const a = JSON.parse((await runScan([dir, '--json'])).text) as ScanReport;
    expect(a.findings.map((f) => f.path).sort()).to.deep.equal(['db.yml', 'src/a b/ci.env']);
    expect(a.fingerprintSalt).to.match(/^[0-9a-f]{32}$/);
    expect((await runScan([dir, '--json', '--format', 'csv'])).code).to.equal(2);
  });

  it('reports with --baseline only findings the baseline does not hold, and exits 0 when none are new', async () => {
    const first = await runScan([dir, '--format', 'json']);
    const baseline = path.join(dir, '..', `${path.basename(dir)}-baseline.json`);
    fs.writeFileSync(baseline, first.text);
    try {
      const again = await runScan([dir, '--baseline', baseline, '--format', 'json']);
      expect(again.code).to.equal(0);
      const report = JSON.parse(again.text) as ScanReport;
      expect(report.findings).to.deep.equal([]);
      expect(report.baselined).to.equal(2);
      expect(report.fingerprintSalt).to.equal((JSON.parse(first.text) as ScanReport).fingerprintSalt);
      // A moved line keeps its fingerprint; a new secret in the same file does not match.
      const fresh = githubToken();
      fs.writeFileSync(path.join(dir, 'db.yml'), `# moved\ndb:\n  token: "${tokens[1]}", x\n  other: "${fresh}"\n`);
      const after = await runScan([dir, '--baseline', baseline]);
      expect(after.code).to.equal(1);
      expect(after.text).to.match(/^db\.yml:4:11  github-pat  /);
      expect(after.text).to.include('1 finding in 1 place, 2 in the baseline');
    } finally {
      fs.rmSync(baseline, { force: true });
    }
  });

  it('exits 2 with a sentence for a baseline that is not a JSON report', async () => {
    fs.writeFileSync(path.join(dir, 'b.json'), '{"findings": []}');
    const { code, err } = await runScan([dir, '--baseline', path.join(dir, 'b.json')]);
    expect(code).to.equal(2);
    expect(err).to.include('is not a gitgate scan JSON report');
  });

  it('prints the usage and exits 0 with --help or -h', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, text, err } = await runScan([flag]);
      expect(code).to.equal(0);
      expect(text).to.match(/^usage: gitgate scan /);
      expect(text).to.include('--baseline FILE');
      expect(err).to.equal('');
    }
  });

  it('exits 2 for an unknown format', async () => {
    const { code, err } = await runScan([dir, '--format', 'xml']);
    expect(code).to.equal(2);
    expect(err).to.include('unknown format xml (text, json, sarif or csv)');
  });
});
