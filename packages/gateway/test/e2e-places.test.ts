// Every place of an object and a ref is scanned (architecture invariant 6): an upstream with a secret
// in each place an attack run leaked through, cloned over v2, v0 and with isomorphic-git.
import { expect } from 'chai';
import fs from 'node:fs';
import { join } from 'node:path';
import * as isogit from 'isomorphic-git';
import isoHttp from 'isomorphic-git/http/node';
import { randomChars } from '@gitgate/testkit';
import { canonicalToken } from '@gitgate/vault';
import { createScanner, type Scanner } from '@gitgate/scanner';
import { startGateway, type Gateway, type GatewayOptions } from '../src/index.js';
import { allObjects, cleanup, git, gitOk, tempDir } from './helpers/harness.js';

/** A classic GitHub PAT shape, assembled at run time so the repository never holds one. */
const fakePat = (): string => 'gh' + 'p_' + randomChars(36);

const PLACES = ['author name', 'committer email', 'tagger', 'extra header', 'encoding header', 'file name', 'directory name', 'branch name', 'tag name'] as const;
type Place = (typeof PLACES)[number];

/** Both token forms: `[[TOKEN_…]]` in text, `TOKEN_…` where `[` is not allowed (ref names, tag names). */
const ANY_TOKEN = /(?:\[\[)?TOKEN_[a-z0-9-]+_[A-Z2-7]{24}(?:\]\])?/g;

/** Builds the upstream with git plumbing, one planted value per place. */
async function makeUpstream(gitDir: string, planted: Record<Place, string>): Promise<void> {
  const g = (args: string[], input?: string, env: Record<string, string> = {}): Promise<string> =>
    gitOk(['--git-dir', gitDir, ...args], { input, env: { GIT_AUTHOR_DATE: '1700000000 +0000', GIT_COMMITTER_DATE: '1700000000 +0000', ...env } });
  await gitOk(['init', '--bare', '-q', gitDir]);
  const blob = (await g(['hash-object', '-w', '--stdin'], 'hello\n')).trim();
  const inner = (await g(['mktree'], `100644 blob ${blob}\tinner.txt\n`)).trim();
  const root = (await g(['mktree'], [
    `100644 blob ${blob}\tREADME.md`,
    `100644 blob ${blob}\tf-${planted['file name']}.txt`,
    `040000 tree ${inner}\td-${planted['directory name']}`,
  ].join('\n') + '\n')).trim();
  const c1 = (await g(['commit-tree', root, '-m', 'first'], undefined, {
    GIT_AUTHOR_NAME: `Jane ${planted['author name']}`, GIT_AUTHOR_EMAIL: 'jane@example.com',
    GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: planted['committer email'],
  })).trim();
  // Headers git's porcelain never writes, as an attacker with push rights upstream could.
  const c2 = (await g(['hash-object', '-t', 'commit', '--literally', '-w', '--stdin'], [
    `tree ${root}`, `parent ${c1}`,
    'author Jane <jane@example.com> 1700000100 +0000', 'committer Jane <jane@example.com> 1700000100 +0000',
    `encoding ${planted['encoding header']}`, `x-ci-token ${planted['extra header']}`, '', 'second', '',
  ].join('\n'))).trim();
  const tag = (await g(['hash-object', '-t', 'tag', '-w', '--stdin'], [
    `object ${c2}`, 'type commit', `tag v1-${planted['tag name']}`,
    `tagger Release ${planted.tagger} <rel@example.com> 1700000200 +0000`, '', 'release', '',
  ].join('\n'))).trim();
  await g(['update-ref', 'refs/heads/main', c2]);
  await g(['update-ref', `refs/heads/feature-${planted['branch name']}`, c2]);
  await g(['update-ref', `refs/tags/v1-${planted['tag name']}`, tag]);
  // HEAD's symbolic target is a place too (ls-remote --symref, the v0 symref capability).
  await g(['symbolic-ref', 'HEAD', `refs/heads/feature-${planted['branch name']}`]);
}

describe('e2e: every place of an object and a ref is scanned', function () {
  this.timeout(120_000);
  let dir: string;
  let gw: Gateway;
  let opts: GatewayOptions;
  let url: string;
  const planted = Object.fromEntries(PLACES.map((p) => [p, fakePat()])) as Record<Place, string>;

  before(async () => {
    dir = tempDir();
    const upstream = join(dir, 'upstream.git');
    await makeUpstream(upstream, planted);
    opts = { port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, repos: [{ name: 'acme/places', upstream: { url: upstream } }] };
    gw = await startGateway(opts);
    url = `${gw.url}/acme/places.git`;
  });
  after(async () => {
    await gw.close();
    cleanup(dir);
  });

  const expectNonePlanted = (text: string, what: string): void => {
    for (const p of PLACES) expect(text.includes(planted[p]), `the ${p} value leaked in ${what}`).to.equal(false);
  };
  /** Every token in `text` (either form) revealed through the vault: token as written → real value. */
  const reveal = async (text: string): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const m of text.matchAll(ANY_TOKEN)) {
      const token = canonicalToken(m[0]);
      expect(token, m[0]).to.be.a('string');
      out.set(m[0], (await gw.vault.reveal(token!)).toString('latin1'));
    }
    return out;
  };
  const clones: Record<string, string> = {};
  /** The bare clone over `label` a test above made, or a new one when run alone (--grep). */
  const bare = async (label: 'v2' | 'v0'): Promise<string> => {
    if (clones[label] === undefined) {
      const dest = join(dir, `clone-${label}-alone.git`);
      await gitOk([...(label === 'v0' ? ['-c', 'protocol.version=0'] : []), 'clone', '-q', '--bare', url, dest]);
      clones[label] = dest;
    }
    return clones[label]!;
  };

  for (const [label, config] of [['v2', []], ['v0', ['-c', 'protocol.version=0']]] as const) {
    it(`clones over ${label} into a repository that passes fsck --strict and holds no planted value, nor does the packet trace`, async () => {
      const dest = join(dir, `clone-${label}.git`);
      const trace = join(dir, `trace-${label}.txt`);
      const r = await git([...config, 'clone', '--bare', url, dest], { env: { GIT_TRACE_PACKET: trace } });
      expect(r.code, r.stderr).to.equal(0);
      await gitOk(['--git-dir', dest, 'fsck', '--full', '--strict']);
      expectNonePlanted(await allObjects(dest), `the ${label} clone's objects`);
      const packets = fs.readFileSync(trace, 'latin1');
      expect(packets, 'the trace holds the ref listing').to.include('refs/heads/main');
      expectNonePlanted(packets, `the ${label} packet trace`);
      expectNonePlanted(r.stderr, `the ${label} clone's output`);
      clones[label] = dest;
    });

    it(`lists refs and HEAD's branch over ${label} without a planted value, each a valid ref name`, async () => {
      const out = await gitOk([...config, 'ls-remote', '--symref', url]);
      expectNonePlanted(out, `ls-remote over ${label}`);
      const names = out.split('\n').filter(Boolean).map((l) => l.split('\t')[1]!).filter((n) => n.startsWith('refs/'));
      expect(names.some((n) => n.startsWith('refs/heads/feature-TOKEN_github-pat_'))).to.equal(true);
      for (const n of names) await gitOk(['check-ref-format', n.replace(/\^\{\}$/, '')]);
      expect(out).to.match(/^ref: refs\/heads\/feature-TOKEN_github-pat_[A-Z2-7]{24}\tHEAD$/m);
    });
  }

  it('puts every planted value behind a token the vault maps back to it', async () => {
    const text = (await allObjects(await bare('v2'))) + (await gitOk(['ls-remote', '--symref', url]));
    const values = [...(await reveal(text)).values()];
    for (const p of PLACES) expect(values, `no token stands for the ${p}`).to.include(planted[p]);
  });

  it('records where each token was seen by served names only', async () => {
    const text = (await allObjects(await bare('v2'))) + (await gitOk(['ls-remote', '--symref', url]));
    const tokens = new Set([...text.matchAll(ANY_TOKEN)].map((m) => canonicalToken(m[0])!));
    // One token per planted value: the tag name gives one token in its ref and its header.
    expect(tokens.size).to.equal(PLACES.length);
    for (const token of tokens) {
      const info = await gw.vault.info(token);
      expect(info?.occurrences.length, token).to.be.greaterThan(0);
      expectNonePlanted(JSON.stringify(info), `the vault's occurrences of ${token}`);
    }
  });

  it('writes each token in a form valid for its place', async () => {
    const store = await bare('v2');
    const show = (rev: string): Promise<string> => gitOk(['--git-dir', store, 'cat-file', '-p', rev]);
    const commit = await show('main');
    expect(commit).to.match(/^encoding \[\[TOKEN_github-pat_[A-Z2-7]{24}\]\]$/m);
    expect(commit).to.match(/^x-ci-token \[\[TOKEN_github-pat_[A-Z2-7]{24}\]\]$/m);
    const first = await show('main~1');
    expect(first).to.match(/^author Jane \[\[TOKEN_github-pat_[A-Z2-7]{24}\]\] <jane@example\.com> 1700000000 \+0000$/m);
    expect(first).to.match(/^committer CI <\[\[TOKEN_github-pat_[A-Z2-7]{24}\]\]> 1700000000 \+0000$/m);
    const tagRef = (await gitOk(['--git-dir', store, 'for-each-ref', '--format=%(refname)', 'refs/tags'])).trim();
    const tag = await show(tagRef);
    // The tag's own name is the ref's name: `git describe` and fetch see one tag.
    expect(`refs/tags/${/^tag (.*)$/m.exec(tag)![1]}`).to.equal(tagRef);
    expect(tag).to.match(/^tagger Release \[\[TOKEN_github-pat_[A-Z2-7]{24}\]\] <rel@example\.com> 1700000200 \+0000$/m);
    const names = (await gitOk(['--git-dir', store, 'ls-tree', '--name-only', 'main'])).split('\n').filter(Boolean);
    expect(names).to.have.length(3);
    expect(names).to.include('README.md');
    expect(names.filter((n) => /^f-\[\[TOKEN_github-pat_[A-Z2-7]{24}\]\]\.txt$/.test(n))).to.have.length(1);
    expect(names.filter((n) => /^d-\[\[TOKEN_github-pat_[A-Z2-7]{24}\]\]$/.test(n))).to.have.length(1);
  });

  it('clones with isomorphic-git, the same ids and no planted value', async () => {
    const work = join(dir, 'iso');
    await isogit.clone({ fs, http: isoHttp, dir: work, url, singleBranch: false, noTags: false, noCheckout: true });
    const all = await gitOk(['-C', work, 'cat-file', '--batch-all-objects', '--batch']);
    expectNonePlanted(all, 'the isomorphic-git clone');
    await gitOk(['-C', work, 'fsck', '--full', '--strict']);
    const main = await isogit.resolveRef({ fs, dir: work, ref: 'refs/remotes/origin/main' });
    expect(main).to.equal((await gitOk(['--git-dir', await bare('v2'), 'rev-parse', 'main'])).trim());
  });

  it('gives identical ids to a second clone after a restart', async () => {
    await gw.close();
    gw = await startGateway(opts);
    url = `${gw.url}/acme/places.git`;
    const again = join(dir, 'again.git');
    await gitOk(['clone', '-q', '--bare', url, again]);
    const refs = (d: string): Promise<string> => gitOk(['--git-dir', d, 'show-ref']);
    expect(await refs(again)).to.equal(await refs(await bare('v2')));
    expect(await refs(await bare('v0'))).to.equal(await refs(await bare('v2')));
  });
});

describe('e2e: allowUnscannable serves an unscannable blob under a matching name', function () {
  this.timeout(120_000);
  let dir: string;
  let gw: Gateway;

  after(async () => {
    await gw?.close();
    cleanup(dir);
  });

  it('clones the upstream blob under the allowed name and the withheld notice under any other', async () => {
    dir = tempDir();
    const upstream = join(dir, 'upstream.git');
    const mark = 'unscannable-' + randomChars(8);
    await gitOk(['init', '--bare', '-q', upstream]);
    const g = (args: string[], input?: string): Promise<string> =>
      gitOk(['--git-dir', upstream, ...args], { input, env: { GIT_AUTHOR_DATE: '1700000000 +0000', GIT_COMMITTER_DATE: '1700000000 +0000' } });
    const blob = (await g(['hash-object', '-w', '--stdin'], `payload ${mark}\n`)).trim();
    const tree = (await g(['mktree'], `100644 blob ${blob}\tcopy.bin\n100644 blob ${blob}\tlogo.gz\n`)).trim();
    await g(['update-ref', 'refs/heads/main', (await g(['commit-tree', tree, '-m', 'one'])).trim()]);
    const real = createScanner();
    // A scanner that refuses one content, as a decoder over its bounds would.
    const scanner: Scanner = { ...real, rulesetVersion: 'refuses-marked-01', scan: (content: Buffer) => {
      if (content.includes(mark)) throw new Error('over the decoder bounds');
      return real.scan(content);
    } } as Scanner;
    gw = await startGateway({
      port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, scanner,
      repos: [{ name: 'acme/assets', upstream: { url: upstream }, allowUnscannable: ['*.gz'] }],
    });
    const dest = join(dir, 'clone.git');
    await gitOk(['clone', '-q', '--bare', `${gw.url}/acme/assets.git`, dest]);
    await gitOk(['--git-dir', dest, 'fsck', '--full', '--strict']);
    expect((await gitOk(['--git-dir', dest, 'rev-parse', 'main:logo.gz'])).trim()).to.equal(blob);
    expect(await gitOk(['--git-dir', dest, 'cat-file', 'blob', 'main:copy.bin'])).to.match(/could not be scanned for secrets and was withheld/);
  });
});
