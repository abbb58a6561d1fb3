// `gitgate audit` as an analyst runs it: --json beside --format, ages in weeks, a line for no records,
// and a config whose other secrets (a webhook's) are not set where the analyst works.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '@gitgate/audit';
import { parseWhen } from '../src/audit-command.js';
import { auditInProcess as gitgate } from './audit-helpers.js';
import { gitgateAsync } from './bin-helpers.js';


describe('gitgate audit conventions', function () {
  this.timeout(60_000);
  let dir: string;
  let data: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    data = path.join(dir, 'data');
    fs.mkdirSync(data, { mode: 0o700 });
    const audit = await AuditLog.open({ path: path.join(data, 'audit.db') });
    audit.record({ kind: 'admin', actor: 'root', data: { action: 'a1' } });
    audit.record({ kind: 'admin', actor: 'root', data: { action: 'a2' } });
    await audit.close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the same JSON for --json as for --format json', async () => {
    const [alias, long] = await Promise.all([gitgate(['admin', '--data', data, '--json']), gitgate(['admin', '--data', data, '--format', 'json'])]);
    expect(alias.code, alias.stderr).to.equal(0);
    expect(JSON.parse(alias.stdout)).to.have.length(2);
    expect(alias.stdout).to.equal(long.stdout);
  });

  it('refuses --json with another --format', async () => {
    const r = await gitgate(['admin', '--data', data, '--json', '--format', 'csv']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('--json is --format json');
  });

  it('takes an age in weeks and an ISO time for --since', async () => {
    expect(JSON.parse((await gitgate(['admin', '--data', data, '--since', '2w', '--json'])).stdout)).to.have.length(2);
    expect(JSON.parse((await gitgate(['admin', '--data', data, '--since', '2000-01-01T00:00:00Z', '--json'])).stdout)).to.have.length(2);
  });

  it('refuses an age it does not know with a sentence naming the option, exit 2', async () => {
    const r = await gitgate(['admin', '--data', data, '--since', '1y']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal('gitgate audit: --since "1y" is neither an ISO 8601 time (2026-01-31T09:00:00Z) nor an age such as 30m, 12h, 7d or 2w\n');
  });

  it('refuses a purge before a time it cannot read, exit 2, before opening anything', async () => {
    const r = await gitgate(['purge', '--data', data, '--before', 'last week', '--export', path.join(dir, 'out.jsonl')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^gitgate audit: --before "last week" is neither/);
    expect(fs.existsSync(path.join(dir, 'out.jsonl'))).to.equal(false);
  });

  it('says "no records" on stderr for an empty table and prints [] for empty JSON', async () => {
    const table = await gitgate(['sessions', '--data', data]);
    expect(table).to.deep.equal({ code: 0, stdout: '', stderr: 'no records\n' });
    const json = await gitgate(['sessions', '--data', data, '--json']);
    expect(json).to.deep.equal({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('queries through the real binary with a config whose webhook secret is not set', async () => {
    const config = path.join(dir, 'gitgate.yaml');
    fs.writeFileSync(config, [
      'dataDir: ./data', 'auth: { mode: none }', 'repos: []',
      'detokenize: { approvers: [security], webhook: { url: "http://127.0.0.1:9/hook", secret: env:GITGATE_TEST_UNSET_WEBHOOK } }', '',
    ].join('\n'));
    const r = await gitgateAsync(['audit', 'admin', '--config', config, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.have.length(2);
  });
});

describe('parseWhen', () => {
  const now = new Date('2026-03-01T00:00:00Z');

  it('reads ages in seconds, minutes, hours, days and weeks back from now', () => {
    expect(['45s', '30m', '12h', '7d', '2w'].map((a) => (now.getTime() - parseWhen(a, now).getTime()) / 1000)).to.deep.equal([45, 1800, 43200, 604800, 1209600]);
  });

  it('reads an ISO 8601 date or time', () => {
    expect(parseWhen('2026-01-31', now).toISOString()).to.equal('2026-01-31T00:00:00.000Z');
    expect(parseWhen('2026-01-31T09:30:00+01:00', now).toISOString()).to.equal('2026-01-31T08:30:00.000Z');
  });

  for (const bad of ['1y', '7', 'yesterday', 'March 1', '']) {
    it(`refuses ${JSON.stringify(bad)} as neither a time nor an age`, () => {
      expect(() => parseWhen(bad, now, '--until')).to.throw(TypeError, /^--until .* is neither an ISO 8601 time/);
    });
  }
});
