import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { startDemoGateway, gitOk, type DemoGateway } from './helpers/harness.js';

const pkt = (s: string): string => (s.length + 4).toString(16).padStart(4, '0') + s;

/** POSTs or GETs raw bytes at the gateway. */
function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** What git's own upload-pack answers on the sanitized store (the oracle). */
function upstreamAnswer(gitDir: string, args: string[], env: Record<string, string>, input = ''): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['upload-pack', '--stateless-rpc', ...args, gitDir], { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`upload-pack exit ${code}`))));
    // --advertise-refs reads nothing and may exit before the (empty) input is written.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input.length > 0 ? input : undefined);
  });
}

const ARG_SETS: string[][] = [
  [],
  ['peel', 'symrefs', 'unborn', 'ref-prefix HEAD', 'ref-prefix refs/heads/', 'ref-prefix refs/tags/'],
  ['symrefs', 'unborn'],
  ['unborn'],
  ['peel'],
  ['symrefs', 'ref-prefix refs/heads/'],
  ['peel', 'ref-prefix refs/tags/v', 'ref-prefix refs/tags/n'],
  ['peel', 'symrefs', 'ref-prefix HEAD'],
  ['ref-prefix refs/heads/nothing-here'],
  ['peel', 'symrefs', 'ref-prefix refs/', 'ref-prefix refs/heads/', 'ref-prefix HEAD'],
];

describe('ref listings answered by the gateway', function () {
  this.timeout(120_000);
  let demo: DemoGateway;
  let sanitized: string;

  before(async () => {
    demo = await startDemoGateway();
    // Tags of every kind the listing must peel: nested, on a tree, on a blob; and a non-ASCII branch name.
    const up = ['--git-dir', demo.upstream];
    const tree = (await gitOk([...up, 'rev-parse', 'HEAD^{tree}'])).trim();
    const blob = (await gitOk([...up, 'rev-parse', `${tree}:README.md`])).trim();
    const env = { GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_COMMITTER_DATE: '2024-06-01T00:00:00Z' };
    await gitOk([...up, '-c', 'advice.nestedTag=false', 'tag', '-a', '-m', 'nested', 'nested-tag', 'v1.0'], { env });
    await gitOk([...up, 'tag', '-a', '-m', 'a tree', 'tree-tag', tree], { env });
    await gitOk([...up, 'tag', '-a', '-m', 'a blob', 'blob-tag', blob], { env });
    await gitOk([...up, 'tag', 'light-tag', 'HEAD~1']);
    await gitOk([...up, 'branch', 'zweig-\u00fcber', 'HEAD~2']);
    await gitOk(['ls-remote', demo.url]);
    sanitized = demo.gw.repos.get('acme/api')!.sanitized.gitDir;
  });
  after(async () => {
    await demo.stop();
  });

  const lsRefs = (args: string[]): string => pkt('command=ls-refs\n') + pkt('object-format=sha1\n') + '0001' + args.map((a) => pkt(`${a}\n`)).join('') + '0000';
  const postLsRefs = (args: string[]): Promise<Buffer> => http(`${demo.url}/git-upload-pack`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Git-Protocol': 'version=2' }, body: lsRefs(args),
  });

  async function expectSameAsGit(label: string): Promise<void> {
    for (const args of ARG_SETS) {
      const ours = await postLsRefs(args);
      const theirs = await upstreamAnswer(sanitized, [], { GIT_PROTOCOL: 'version=2' }, lsRefs(args));
      expect(ours.toString('latin1'), `${label}: ls-refs ${args.join(', ')}`).to.equal(theirs.toString('latin1'));
    }
    const ours = (await http(`${demo.url}/info/refs?service=git-upload-pack`)).toString('latin1');
    const theirs = (await upstreamAnswer(sanitized, ['--advertise-refs'], {})).toString('latin1');
    // Same refs, same capabilities, in the same order; only the agent differs (and the service header http adds).
    const normalize = (s: string): string => s.replace(/agent=\S+/, 'agent=X').replace(/^[0-9a-f]{4}/gm, '');
    expect(ours.startsWith('001e# service=git-upload-pack\n0000')).to.equal(true);
    const body = ours.slice('001e# service=git-upload-pack\n0000'.length);
    if (theirs === '0000') {
      expect(body, `${label}: v0 advertisement of a repository without refs`).to.match(/^[0-9a-f]{4}0{40} capabilities\^\{\}\0/);
    } else {
      expect(normalize(body), `${label}: v0 advertisement`).to.equal(normalize(theirs));
    }
  }

  it('answers ls-refs and the v0 advertisement byte for byte as git upload-pack does', async () => {
    const refs = await gitOk(['--git-dir', sanitized, 'show-ref', '-d']);
    expect(refs).to.include('refs/tags/nested-tag^{}');
    expect(refs).to.include('refs/tags/tree-tag^{}');
    await expectSameAsGit('with HEAD on main');
  });

  it('answers the same as git with an unborn HEAD', async () => {
    // Upstream's ls-remote does not show an unborn HEAD, so the served store is pointed there directly.
    const store = demo.gw.repos.get('acme/api')!.sanitized;
    await store.setHead('refs/heads/not-yet');
    const withUnborn = (await postLsRefs(['symrefs', 'unborn', 'ref-prefix HEAD'])).toString('latin1');
    expect(withUnborn).to.include('unborn HEAD symref-target:refs/heads/not-yet');
    await expectSameAsGit('with an unborn HEAD');
    await store.setHead('refs/heads/main');
  });

  it('lists refs that moved upstream as soon as the sync has moved them', async () => {
    const before = (await postLsRefs(['ref-prefix refs/heads/'])).toString('latin1');
    await gitOk(['--git-dir', demo.upstream, 'branch', 'fresh', 'main~3']);
    await gitOk(['--git-dir', demo.upstream, 'branch', '-D', 'zweig-\u00fcber']);
    await gitOk(['ls-remote', demo.url]);
    const after = (await postLsRefs(['ref-prefix refs/heads/'])).toString('latin1');
    expect(before).to.include('refs/heads/zweig-');
    expect(after).to.not.include('refs/heads/zweig-');
    expect(after).to.include('refs/heads/fresh');
    await expectSameAsGit('after refs moved');
  });
});
