// `gitgate audit pushes`: push records written through the real audit log, read back by the command.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '@gitgate/audit';
import { auditInProcess } from './audit-helpers.js';

/** packages/cli/bin/gitgate.js, from packages/cli/dist/test. */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'gitgate.js');
const TOKEN = '[[TOKEN_github-pat_EEEEEEEEEEEEEEEEEEEEEEEE]]';
const ZERO = '0'.repeat(40);

describe('gitgate audit pushes', function () {
  this.timeout(60_000);
  let dir: string;

  const gitgate = auditInProcess;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    fs.mkdirSync(path.join(dir, 'data'), { mode: 0o700 });
    const audit = await AuditLog.open({ path: path.join(dir, 'data', 'audit.db') });
    const base = { id: 's1', outcome: 'ok', oldId: ZERO, newId: 'a'.repeat(40), commits: 1, clientAddress: '127.0.0.1', userAgent: 'git/2.39.2' };
    audit.record({ kind: 'push', actor: 'agent-1', repo: 'acme/api', data: { ...base, ref: 'refs/heads/agent/x', upstreamOldId: ZERO, upstreamNewId: 'b'.repeat(40), tokensRestored: [TOKEN] } });
    audit.record({ kind: 'push', actor: 'agent-1', repo: 'acme/api', data: { ...base, ref: 'refs/heads/main', outcome: 'refused', reason: 'refs/heads/main is outside the branches this gateway accepts pushes to (agent/*)', tokensRestored: [], commits: 0 } });
    audit.record({ kind: 'push', actor: 'agent-2', repo: 'acme/web', data: { ...base, id: 's2', ref: 'refs/heads/agent/y', tokensRestored: [] } });
    audit.record({ kind: 'admin', actor: 'root', data: { action: 'not-a-push' } });
    await audit.close();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the push records of a repository as JSON, newest first, with every field', async () => {
    const r = await gitgate(['pushes', '--data', path.join(dir, 'data'), '--repo', 'acme/api', '--format', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.map((x) => [x.ref, x.outcome])).to.deep.equal([['refs/heads/main', 'refused'], ['refs/heads/agent/x', 'ok']]);
    expect(rows[1]).to.include({ actor: 'agent-1', id: 's1', oldId: ZERO, upstreamNewId: 'b'.repeat(40), commits: 1 });
    expect(rows[1]!.tokensRestored).to.deep.equal([TOKEN]);
    expect(rows[0]!.reason).to.equal('refs/heads/main is outside the branches this gateway accepts pushes to (agent/*)');
  });

  it('keeps the pushes that restored a token with --token', async () => {
    const r = await gitgate(['pushes', '--data', path.join(dir, 'data'), '--token', TOKEN, '--format', 'json']);
    expect((JSON.parse(r.stdout) as { ref: string }[]).map((x) => x.ref)).to.deep.equal(['refs/heads/agent/x']);
  });

  it('prints a table through the real binary, one row per pushed ref', () => {
    const r = spawnSync(process.execPath, [BIN, 'audit', 'pushes', '--data', path.join(dir, 'data'), '--since', '1h'], { cwd: dir, env: { PATH: process.env.PATH }, timeout: 30_000 });
    expect(r.status, r.stderr.toString()).to.equal(0);
    const lines = r.stdout.toString().trimEnd().split('\n');
    expect(lines).to.have.length(5);
    expect(lines[0]).to.match(/^seq\s+at\s+actor\s+repo\s+id\s+ref\s+outcome\s+reason/);
    expect(lines.slice(2).map((l) => /refs\/heads\/\S+/.exec(l)?.[0])).to.deep.equal(['refs/heads/agent/y', 'refs/heads/main', 'refs/heads/agent/x']);
  });
});
