// Ruleset versioning through a real gateway: a changed masking policy (or allowlist) re-syncs the
// repository under the new rules; objects whose content is unchanged keep their ids, and a client's
// next fetch gets the new history as a forced update of the refs whose history changed.
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScanner, defaultRules, type Scanner } from '@gitgate/scanner';
import { startGateway, type Gateway, type GatewayRepo } from '../src/index.js';
import { cleanup, git, gitOk, tempDir } from './helpers/harness.js';
import { query } from './helpers/sqlite-rows.js';

interface LogLine { msg: string; meta?: Record<string, unknown> }

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let seed = 23;
const chars = (n: number): string => Array.from({ length: n }, () => ALNUM[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 62]).join('');
const dashes = '-'.repeat(5);
// A fake PEM key built from parts: no key-shaped literal sits in the source.
const pemKey = (): string => {
  const label = ['RSA', 'PRIVATE', 'KEY'].join(' ');
  return `${dashes}BEGIN ${label}${dashes}\n${chars(64)}\n${chars(64)}\n${dashes}END ${label}${dashes}\n`;
};

/** refs → ids as the gateway advertises them. */
async function refsOf(url: string): Promise<Map<string, string>> {
  const out = await gitOk(['ls-remote', url]);
  return new Map(out.split('\n').filter(Boolean).map((l) => { const [id, ref] = l.split('\t'); return [ref!, id!]; }));
}

describe('e2e: a ruleset or policy change re-syncs with the new rules and keeps unchanged ids', function () {
  this.timeout(120_000);
  let dir: string;
  let upstream: string;
  let key: string;
  const lines: LogLine[] = [];
  const logger = { debug: () => {}, warn: () => {}, error: () => {}, info: (msg: string, meta?: object) => { lines.push({ msg, meta: meta as Record<string, unknown> }); } };
  // Leaving the private-key rules, as `repos[].mask.leave: [private-key]` builds it.
  const leaveKeys: Scanner = createScanner({ rules: defaultRules.filter((r) => r.type !== 'private-key') });
  const repo = (scanner?: Scanner): GatewayRepo => ({ name: 'acme/app', upstream: { url: upstream }, ...(scanner ? { scanner, mask: { leave: ['private-key'] } } : {}) });
  const start = (r: GatewayRepo): Promise<Gateway> => startGateway({ dataDir: join(dir, 'data'), auth: { mode: 'none' }, port: 0, repos: [r], logger });

  before(async () => {
    dir = tempDir();
    const work = join(dir, 'work');
    mkdirSync(join(work, 'keys'), { recursive: true });
    await gitOk(['init', '-q', '-b', 'main', work]);
    writeFileSync(join(work, 'readme.md'), 'hello\n');
    await gitOk(['-C', work, 'add', '.']);
    await gitOk(['-C', work, 'commit', '-qm', 'A']);
    await gitOk(['-C', work, 'tag', '-a', 'v0', '-m', 'first']);
    await gitOk(['-C', work, 'checkout', '-qb', 'docs']);
    writeFileSync(join(work, 'docs.md'), 'docs\n');
    await gitOk(['-C', work, 'add', '.']);
    await gitOk(['-C', work, 'commit', '-qm', 'D']);
    await gitOk(['-C', work, 'checkout', '-q', 'main']);
    key = pemKey();
    writeFileSync(join(work, 'keys', 'fixture.pem'), key);
    await gitOk(['-C', work, 'add', '.']);
    await gitOk(['-C', work, 'commit', '-qm', 'B: a test key']);
    writeFileSync(join(work, 'readme.md'), 'hello again\n');
    await gitOk(['-C', work, 'commit', '-qam', 'C']);
    upstream = join(dir, 'upstream.git');
    await gitOk(['clone', '-q', '--bare', work, upstream]);
  });
  after(() => cleanup(dir));

  it('re-syncs on reload: the changed history is a forced update, the rest keeps its ids', async () => {
    const gw = await start(repo());
    const url = `${gw.url}/acme/app.git`;
    const clone = join(dir, 'clone.git');
    try {
      await gitOk(['clone', '-q', '--mirror', url, clone]);
      const before = await refsOf(url);
      const a = await gitOk(['--git-dir', clone, 'rev-parse', 'main~2']);
      expect(await gitOk(['--git-dir', clone, 'show', 'main:keys/fixture.pem'])).to.not.include(key.split('\n')[1]!);

      const changes = gw.reload({ repos: [repo(leaveKeys)] });
      expect(changes).to.deep.equal({ added: [], changed: ['acme/app'], removed: [] });
      const fetch = await git(['--git-dir', clone, 'fetch', '--prune', 'origin']);
      expect(fetch.code, fetch.stderr).to.equal(0);
      const after = await refsOf(url);
      // main holds the key: B and C are new objects, the client sees a forced update of main.
      expect(after.get('refs/heads/main')).to.not.equal(before.get('refs/heads/main'));
      expect(fetch.stderr).to.match(/\+ [0-9a-f]+\.\.\.[0-9a-f]+ +main +-> main +\(forced update\)/);
      // A, the docs branch and the tag hold nothing the policy touches: same ids, no update shown.
      for (const ref of ['refs/heads/docs', 'refs/tags/v0', 'refs/tags/v0^{}']) expect(after.get(ref), ref).to.equal(before.get(ref));
      expect(fetch.stderr).to.not.match(/docs|v0/);
      expect(await gitOk(['--git-dir', clone, 'rev-parse', 'main~2'])).to.equal(a);
      expect(await gitOk(['--git-dir', clone, 'show', 'main:keys/fixture.pem'])).to.equal(key);
      expect(await gitOk(['--git-dir', clone, 'rev-parse', 'main:readme.md'])).to.equal(await gitOk(['--git-dir', upstream, 'rev-parse', 'main:readme.md']));
    } finally {
      await gw.close();
    }
    const reload = await query<{ data: string }>(join(dir, 'data', 'audit.db'), "SELECT data FROM records WHERE kind = 'admin' AND json_extract(data, '$.action') = 'config-reload'");
    expect(JSON.parse(reload[0]!.data).masking).to.deep.equal({ 'acme/app': { leave: ['private-key'], rulesetVersion: leaveKeys.rulesetVersion } });
    expect(lines.filter((l) => l.msg === 'repository policy').map((l) => l.meta)).to.deep.equal([
      { repo: 'acme/app', leave: [], rulesetVersion: createScanner().rulesetVersion },
      { repo: 'acme/app', leave: ['private-key'], rulesetVersion: leaveKeys.rulesetVersion },
    ]);
  });

  it('gives the same ids after a restart under either policy (the sync key follows the rules)', async () => {
    const idsUnder = async (r: GatewayRepo): Promise<Map<string, string>> => {
      const gw = await start(r);
      try {
        return await refsOf(`${gw.url}/acme/app.git`);
      } finally {
        await gw.close();
      }
    };
    const left = await idsUnder(repo(leaveKeys));
    const masked = await idsUnder(repo());
    const leftAgain = await idsUnder(repo(leaveKeys));
    expect(leftAgain).to.deep.equal(left);
    expect(masked.get('refs/heads/main')).to.not.equal(left.get('refs/heads/main'));
    expect(masked.get('refs/heads/docs')).to.equal(left.get('refs/heads/docs'));
  });

  it('re-syncs when an allowlist entry is added, keeping the ids of what it does not touch', async () => {
    const allowKey: Scanner = createScanner({ allowlist: [{ description: 'the fixture key', regex: new RegExp(key.split('\n')[1]!), ruleIds: ['private-key-pem'] }] });
    const gw = await start(repo());
    try {
      const url = `${gw.url}/acme/app.git`;
      const before = await refsOf(url);
      gw.reload({ repos: [{ ...repo(), scanner: allowKey }] });
      const after = await refsOf(url);
      expect(allowKey.rulesetVersion).to.not.equal(createScanner().rulesetVersion);
      expect(after.get('refs/heads/main')).to.not.equal(before.get('refs/heads/main'));
      expect(after.get('refs/heads/docs')).to.equal(before.get('refs/heads/docs'));
    } finally {
      await gw.close();
    }
  });
});
