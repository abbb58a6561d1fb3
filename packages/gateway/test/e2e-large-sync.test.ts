// A large first sync (issue 14): the clones that waited for it are served from the packs the sync left,
// through a multi-pack index with a bitmap, before any full repack; git and isomorphic-git get the whole
// sanitized history from it, and no planted value.
import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import * as isogit from 'isomorphic-git';
import isoHttp from 'isomorphic-git/http/node';
import { manyFilesHistory } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { allObjects, cleanup, gitOk, tempDir } from './helpers/harness.js';

/** A classic GitHub PAT shape built at run time, from letters that make no word-like runs (no literal secret in the source). */
const PAT_BODY = 'BCDFGHJKLMNPQRSTVWZbcdfghjkmnpqrstvwz234568';
const fakePat = (): string => 'gh' + 'p_' + Array.from({ length: 36 }, () => PAT_BODY[randomInt(PAT_BODY.length)]).join('');

/**
 * `commits` commits of `files` changed files each (far past the 1000 objects after which a sync
 * indexes its packs), with a fake token in an .env every tenth commit; the tokens planted.
 */
async function largeUpstream(gitDir: string, commits: number, files: number): Promise<string[]> {
  await gitOk(['init', '--quiet', '--bare', '--initial-branch=main', gitDir]);
  const planted: string[] = [];
  const stream = manyFilesHistory(commits, files, (c): Record<string, string> => {
    if (c % 10 !== 0) return {};
    planted.push(fakePat());
    return { 'config/app.env': `API_TOKEN=${planted.at(-1)!}\n` };
  });
  const chunks = [stream, `reset refs/tags/v1\nfrom :${commits}\n`];
  await gitOk(['--git-dir', gitDir, 'fast-import', '--quiet'], { input: chunks.join('') });
  return planted;
}

describe('e2e: the first clones of a large sync, served before the full repack', function () {
  this.timeout(120_000);
  let dir: string;
  let gw: Gateway;
  let planted: string[];
  let url: string;

  before(async () => {
    dir = tempDir();
    const upstream = join(dir, 'upstream.git');
    planted = await largeUpstream(upstream, 60, 20);
    gw = await startGateway({ port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, repos: [{ name: 'acme/big', upstream: { url: upstream } }] });
    url = `${gw.url}/acme/big.git`;
  });
  after(async () => {
    // A full repack still waiting for a quiet store does not hold the shutdown up.
    const started = Date.now();
    await gw?.close();
    expect(Date.now() - started).to.be.lessThan(10_000);
    if (dir) cleanup(dir);
  });

  it('serves git and isomorphic-git the whole sanitized history from the multi-pack index', async () => {
    const viaGit = join(dir, 'git.git');
    await gitOk(['clone', '--quiet', '--bare', url, viaGit]);
    // The clone came from the packs as the sync left them: the full repack waits for a quiet store.
    const packDir = join(dir, 'data', 'repos', 'acme%2Fbig', 'sanitized.git', 'objects', 'pack');
    const packFiles = fs.readdirSync(packDir);
    expect(packFiles).to.include('multi-pack-index');
    expect(packFiles.filter((f) => f.endsWith('.pack')).length).to.be.greaterThan(1);
    const viaIso = join(dir, 'iso');
    await isogit.clone({ fs, http: isoHttp, dir: viaIso, url, singleBranch: false, noTags: false, noCheckout: true });
    const advertised = (await gitOk(['ls-remote', url])).trim().split('\n').map((l) => l.split('\t'));
    const main = advertised.find(([, name]) => name === 'refs/heads/main')![0]!;
    expect(await gitOk(['--git-dir', viaGit, 'rev-parse', 'refs/heads/main'])).to.equal(`${main}\n`);
    expect(await gitOk(['--git-dir', join(viaIso, '.git'), 'rev-parse', 'refs/remotes/origin/main'])).to.equal(`${main}\n`);
    for (const gitDir of [viaGit, join(viaIso, '.git')]) {
      await gitOk(['--git-dir', gitDir, 'fsck', '--full', '--strict']);
      expect(Number(await gitOk(['--git-dir', gitDir, 'rev-list', '--count', 'refs/tags/v1']))).to.equal(60);
      const all = await allObjects(gitDir);
      expect(all).to.include('[[TOKEN_');
      for (const value of planted) expect(all.includes(value)).to.equal(false);
    }
  });

  it('serves a --depth 1 clone of the tip from it', async () => {
    const shallow = join(dir, 'shallow.git');
    await gitOk(['clone', '--quiet', '--bare', '--depth', '1', url, shallow]);
    expect(Number(await gitOk(['--git-dir', shallow, 'rev-list', '--count', 'HEAD']))).to.equal(1);
    await gitOk(['--git-dir', shallow, 'fsck', '--strict']);
  });
});
