import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import * as isogit from 'isomorphic-git';
import isoHttp from 'isomorphic-git/http/node';
import { gitOk, allObjects, type DemoGateway, demoGatewayPerSuite } from './helpers/harness.js';

/** Debian's python, where python3-pygit2 (libgit2 1.5) is installed; a pyenv python3 on PATH lacks it. */
const PYTHON = '/usr/bin/python3';

/** Runs a python snippet with arguments; resolves with its exit code and output, never throws. */
function python(code: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, ['-c', code, ...args], { env: { PATH: process.env.PATH, HOME: '/nonexistent', LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: String(e) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The gateway's refs as `git ls-remote` prints them, without peeled lines: name → id. */
async function gatewayRefs(url: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const line of (await gitOk(['ls-remote', url])).trim().split('\n')) {
    const [id, name] = line.split('\t');
    if (name && !name.endsWith('^{}')) out.set(name, id!);
  }
  return out;
}

/** A clone's refs by name, as `git show-ref` prints them. */
async function cloneRefs(gitDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const line of (await gitOk(['--git-dir', gitDir, 'show-ref'])).trim().split('\n')) {
    const [id, name] = line.split(' ');
    out.set(name!, id!);
  }
  return out;
}

/** What a client with origin/* tracking refs should hold: heads under refs/remotes/origin/, tags as they are. */
function asTracking(refs: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, id] of refs) {
    if (name.startsWith('refs/heads/')) out.set(`refs/remotes/origin/${name.slice('refs/heads/'.length)}`, id);
    else if (name.startsWith('refs/tags/')) out.set(name, id);
  }
  return out;
}

function sorted(m: Map<string, string>): [string, string][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The clone holds no planted value in any object, and git fsck finds it whole. */
async function expectSecretFreeAndWhole(demo: DemoGateway, gitDir: string): Promise<void> {
  await gitOk(['--git-dir', gitDir, 'fsck', '--full', '--strict']);
  const all = await allObjects(gitDir);
  expect(all).to.include('[[TOKEN_');
  for (const s of demo.secrets) expect(all.includes(s.value.trim()), s.where).to.equal(false);
}

describe('e2e: clients besides git (isomorphic-git, libgit2 through pygit2)', function () {
  this.timeout(120_000);
  const suite = demoGatewayPerSuite();

  it('isomorphic-git clones every branch and tag with the ids the gateway advertises', async () => {
    const dir = join(suite.work, 'iso-full');
    await isogit.clone({ fs, http: isoHttp, dir, url: suite.demo.url, singleBranch: false, noTags: false, noCheckout: true });
    const mine = await cloneRefs(join(dir, '.git'));
    for (const [name, id] of asTracking(await gatewayRefs(suite.demo.url))) expect(mine.get(name), name).to.equal(id);
    await expectSecretFreeAndWhole(suite.demo, join(dir, '.git'));
  });

  it('isomorphic-git makes a shallow clone of depth 1 that holds exactly the tip commit', async () => {
    const dir = join(suite.work, 'iso-shallow');
    await isogit.clone({ fs, http: isoHttp, dir, url: suite.demo.url, depth: 1, singleBranch: true, noTags: true, noCheckout: true });
    const gitDir = join(dir, '.git');
    const head = (await gitOk(['--git-dir', gitDir, 'rev-parse', 'HEAD'])).trim();
    expect(head).to.equal((await gatewayRefs(suite.demo.url)).get('HEAD'));
    expect(fs.readFileSync(join(gitDir, 'shallow'), 'latin1').trim()).to.equal(head);
    expect((await gitOk(['--git-dir', gitDir, 'rev-list', '--count', 'HEAD'])).trim()).to.equal('1');
    await expectSecretFreeAndWhole(suite.demo, gitDir);
  });

  it('pygit2 (libgit2 1.5, whose first want line ends in a space) clones every branch and tag', async function () {
    const probe = await python('import pygit2', []);
    if (probe.code !== 0) throw new Error(`python3-pygit2 is missing (apt-get install python3-pygit2; .ci/run installs it): ${probe.stderr.trim()}`);
    const dir = join(suite.work, 'pygit2-full');
    const r = await python('import sys, pygit2; pygit2.clone_repository(sys.argv[1], sys.argv[2], bare=True)', [suite.demo.url, dir]);
    expect(r.code, r.stderr).to.equal(0);
    const served = await gatewayRefs(suite.demo.url);
    const mine = await cloneRefs(dir);
    // libgit2 adds the checked-out branch and origin/HEAD beside the tracking refs and tags.
    const expected = asTracking(served);
    expect(sorted(new Map([...mine].filter(([name]) => expected.has(name))))).to.deep.equal(sorted(expected));
    expect(mine.get('refs/remotes/origin/HEAD')).to.equal(served.get('HEAD'));
    await expectSecretFreeAndWhole(suite.demo, dir);
  });
});
