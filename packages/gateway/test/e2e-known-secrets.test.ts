import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchableBare } from '@gitgate/scanner';
import { randomCharsWhere } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { cleanup, git, gitOk, revealTokens, tempDir } from './helpers/harness.js';

/**
 * Known secrets through a real gateway and the real git client: a password revealed by a `.env` is
 * pasted, with no telling name, into a test of the same repository, a later commit message, and a
 * fixture of a second repository; no revision of either clone may hold it.
 */
describe('e2e: known secrets everywhere', function () {
  this.timeout(180_000);
  // A password the scanner matches bare, built at run time.
  const pw = randomCharsWhere(22, (v) => /[0-9]/.test(v) && matchableBare(Buffer.from(v)));
  let dir: string;
  let gw: Gateway;

  async function commitAll(work: string, message: string): Promise<void> {
    await gitOk(['-C', work, 'add', '-A']);
    await gitOk(['-C', work, 'commit', '-q', '-m', message]);
  }

  async function upstream(name: string, files: Record<string, string>[], messages: string[]): Promise<string> {
    const work = join(dir, 'work', name);
    mkdirSync(work, { recursive: true });
    await gitOk(['init', '-q', '-b', 'main', work]);
    for (let i = 0; i < files.length; i++) {
      for (const [path, text] of Object.entries(files[i]!)) {
        mkdirSync(join(work, path, '..'), { recursive: true });
        writeFileSync(join(work, path), text);
      }
      await commitAll(work, messages[i]!);
    }
    const bare = join(dir, 'upstream', `${name}.git`);
    await gitOk(['clone', '-q', '--bare', work, bare]);
    return bare;
  }

  before(async () => {
    dir = tempDir();
    const app = await upstream('app', [
      { 'app/tests/test_db.py': `def test_connect(db):\n    assert db.login("app", "${pw}")\n`, 'deploy/.env': `DB_PASSWORD=${pw}\nLOG_LEVEL=debug\n` },
      { 'README.md': '# app\n' },
    ], ['add the app', `docs: the staging login is ${pw}`]);
    const other = await upstream('other', [{ 'fixtures/conn.json': `{"host": "db", "secret_thing": "${pw}"}\n` }], ['fixtures']);
    gw = await startGateway({
      port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0,
      repos: [{ name: 'acme/app', upstream: { url: app } }, { name: 'acme/other', upstream: { url: other } }],
    });
  });
  after(async () => {
    await gw?.close();
    cleanup(dir);
  });

  /** Clones `repo` (every branch) and returns everything a reader of any revision can see. */
  async function cloneAndRead(repo: string): Promise<{ log: string; grep: GitGrep; clone: string }> {
    const clone = join(dir, `clone-${repo.replace('/', '-')}`);
    const r = await git(['clone', '-q', '--no-single-branch', `${gw.url}/${repo}.git`, clone]);
    expect(r.code, r.stderr).to.equal(0);
    const log = await gitOk(['-C', clone, 'log', '-p', '--all', '--format=%H%n%B']);
    const revs = (await gitOk(['-C', clone, 'rev-list', '--all'])).split('\n').filter(Boolean);
    const grep = await git(['-C', clone, 'grep', '-F', '-e', pw, ...revs]);
    return { log, grep, clone };
  }
  type GitGrep = Awaited<ReturnType<typeof git>>;

  it('serves no revision of the first repository holding the value, and one token for it', async () => {
    const { log, grep } = await cloneAndRead('acme/app');
    expect(log.includes(pw)).to.equal(false);
    expect(grep.code, 'git grep found the value').to.equal(1);
    const tokens = await revealTokens(gw, log);
    const forPw = [...tokens].filter(([, secret]) => secret === pw).map(([token]) => token);
    expect(forPw).to.have.length(1);
    // The .env, the test and the commit message all carry that one token.
    expect(log.split(forPw[0]!).length - 1).to.be.greaterThanOrEqual(3);
  });

  it('tokenizes the value in another repository synced later, where nothing names it', async () => {
    const { log, grep, clone } = await cloneAndRead('acme/other');
    expect(log.includes(pw)).to.equal(false);
    expect(grep.code, 'git grep found the value').to.equal(1);
    const fixture = await gitOk(['-C', clone, 'show', 'HEAD:fixtures/conn.json']);
    const tokens = await revealTokens(gw, fixture);
    expect([...tokens.values()]).to.deep.equal([pw]);
  });
});
