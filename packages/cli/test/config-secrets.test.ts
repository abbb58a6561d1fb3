// Secret references are resolved where they are used: serve needs every one, a command that reads the
// file for paths needs none it does not use (an analyst's shell holds no webhook secret).
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateConfig, ConfigError } from '../src/index.js';
import { gitgateAsync } from './bin-helpers.js';

const gitgate = gitgateAsync;

const WEBHOOK = { approvers: ['security'], webhook: { url: 'https://hooks.example.test/x', secret: 'env:HOOK' } };
const CREDENTIAL = { name: 'acme/api', upstream: 'https://git.example.test/api.git', credential: { token: 'env:UPSTREAM' } };

describe('config secret references resolved per use', () => {
  const raw = { auth: { mode: 'none' }, detokenize: WEBHOOK, repos: [CREDENTIAL] };

  it('reports unset secret references when every one is resolved, as serve does', () => {
    let problems: string[] = [];
    try {
      validateConfig(raw, '/srv/gitgate', 'config', {});
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(':')[0])).to.deep.equal(['detokenize.webhook.secret', 'repos[0].credential.token']);
  });

  it('leaves the webhook and the credential out, without a problem, when no secret is resolved', () => {
    const c = validateConfig(raw, '/srv/gitgate', 'config', {}, { resolveSecret: () => false });
    expect(c.detokenize.webhook).to.equal(undefined);
    expect(c.repos[0]!.source).to.deep.equal({ url: 'https://git.example.test/api.git' });
  });

  it('resolves the references the command names and no other', () => {
    const c = validateConfig(raw, '/srv/gitgate', 'config', { HOOK: 'signing-value' }, { resolveSecret: (p) => p === 'detokenize.webhook.secret' });
    expect(c.detokenize.webhook).to.deep.include({ url: 'https://hooks.example.test/x', secret: 'signing-value' });
  });
});

describe('commands and unset secrets, through the real binary', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (lines: string[]): string => {
    const file = path.join(dir, 'gitgate.yaml');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  const withWebhook = (): string => write([
    'listen: 127.0.0.1:0', 'auth: { mode: none }', 'repos:', '  - { name: acme/api, upstream: ./up.git, credential: { token: env:GITGATE_TEST_UNSET_TOKEN } }',
    'detokenize: { approvers: [security], webhook: { url: "http://127.0.0.1:9/hook", secret: env:GITGATE_TEST_UNSET_WEBHOOK } }',
  ]);

  it('validates with check-config and lists with repos and repo list while the secrets are unset', async () => {
    const file = withWebhook();
    const [check, repos, list] = await Promise.all([gitgate(['check-config', file], dir), gitgate(['repos', '--config', file, '--json'], dir), gitgate(['repo', 'list', '--config', file], dir)]);
    expect(check.code, check.stderr).to.equal(0);
    expect(check.stdout).to.match(/^ok: 1 repositories/);
    expect(repos.code, repos.stderr).to.equal(0);
    expect(JSON.parse(repos.stdout)).to.deep.equal([{ name: 'acme/api', from: path.join(dir, 'up.git'), readers: [] }]);
    expect(list.stdout).to.equal(`acme/api\t${path.join(dir, 'up.git')}\n`);
  });

  it('refuses to serve while a secret it uses is unset, naming each key', async () => {
    const r = await gitgate(['serve', '--config', withWebhook()], dir);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('detokenize.webhook.secret:');
    expect(r.stderr).to.include('repos[0].credential.token:');
  });

  it('still needs the GitHub credential to list an organisation with repos, which uses it', async () => {
    const file = write(['auth: { mode: none }', 'repos:', '  - { github: { org: acme, auth: { token: env:GITGATE_TEST_UNSET_TOKEN } } }']);
    const r = await gitgate(['repos', '--config', file], dir);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('repos[0].github.auth.token:');
  });

  it('says "no repositories" on stderr for a file that lists none, and prints [] with --json', async () => {
    const file = write(['auth: { mode: none }', 'repos: []']);
    const [table, json] = await Promise.all([gitgate(['repos', '--config', file], dir), gitgate(['repos', '--config', file, '--json'], dir)]);
    expect(table).to.deep.equal({ code: 0, stdout: '', stderr: 'no repositories\n' });
    expect(json).to.deep.equal({ code: 0, stdout: '[]\n', stderr: '' });
  });
});
