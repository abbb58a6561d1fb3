// The real git client (2.39) against the push messages this package writes: a scripted HTTP server
// answers info/refs with receivePackAdvertisement and the POST with reportStatus, so these tests show
// git accepts both and prints each ref's outcome, and that parseReceivePackRequest reads a live push.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import {
  FLUSH_PKT, type RefStatus, parseReceivePackRequest, receivePackAdvertisement, reportStatus, sidebandPkts,
} from '../src/index.js';
import {
  type ScriptedGitRequest, type ScriptedGitResponse, type ScriptedGitServer, gitAsync, removeDirs, startScriptedGitServer, tempDir,
} from '@gitgate/testkit';

const CAPS = ['report-status', 'delete-refs', 'side-band-64k', 'quiet', 'ofs-delta', 'object-format=sha1', 'agent=gitgate/test'];

/** Answers the two requests of a push: the advertisement of an empty repository, then `report(request)`. */
function pushServer(caps: string[], report: (req: ScriptedGitRequest) => Buffer): (req: ScriptedGitRequest) => ScriptedGitResponse {
  return (req) => {
    if (req.method === 'GET' && req.query.get('service') === 'git-receive-pack') {
      return { contentType: 'application/x-git-receive-pack-advertisement', body: receivePackAdvertisement([], caps) };
    }
    if (req.method === 'POST' && req.path.endsWith('/git-receive-pack')) {
      return { contentType: 'application/x-git-receive-pack-result', body: report(req) };
    }
    throw new Error(`unexpected ${req.method} ${req.path}`);
  };
}

/** report-status inside side-band 1 and the flush-pkt after it, as receive-pack frames it with side-band-64k. */
function sideband(statuses: RefStatus[], unpackError?: string): Buffer {
  return Buffer.concat([sidebandPkts(1, reportStatus(statuses, unpackError)), FLUSH_PKT]);
}

describe('the git client against receive-pack messages', function () {
  this.timeout(30_000);
  let dir: string;
  let work: string;
  let server: ScriptedGitServer | undefined;

  beforeEach(async () => {
    dir = tempDir();
    work = path.join(dir, 'work');
    fs.mkdirSync(work);
    await gitAsync(['init', '-q', '-b', 'main'], { cwd: work });
    fs.writeFileSync(path.join(work, 'README.md'), '# push test\n');
    await gitAsync(['add', 'README.md'], { cwd: work });
    await gitAsync(['commit', '-q', '-m', 'first'], { cwd: work });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    removeDirs(dir);
  });

  it('shows an ok ref as a new branch and an ng ref as remote rejected with its reason', async () => {
    server = await startScriptedGitServer(pushServer(CAPS, (req) => {
      const { commands } = parseReceivePackRequest(req.body);
      return sideband(commands.map((c) => (c.ref === 'refs/heads/main' ? { ref: c.ref, ok: true } : { ref: c.ref, ok: false, reason: 'secret found' })));
    }));
    const run = await gitAsync(['push', `${server.url}/repo.git`, 'main', 'main:refs/heads/blocked'], { cwd: work });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^ \* \[new branch\] +main -> main$/m);
    expect(run.stderr).to.match(/^ ! \[remote rejected\] main -> blocked \(secret found\)$/m);
  });

  it('sends a body the parser reads: both commands, the capabilities it was offered, and a pack', async () => {
    const caps = [...CAPS, 'atomic'];
    server = await startScriptedGitServer(pushServer(caps, () => sideband([{ ref: 'refs/heads/main', ok: true }, { ref: 'refs/heads/b', ok: true }])));
    const run = await gitAsync(['push', '--atomic', `${server.url}/repo.git`, 'main', 'main:refs/heads/b'], { cwd: work });
    expect(run.code).to.equal(0);
    const post = server.requests.find((r) => r.method === 'POST')!;
    const parsed = parseReceivePackRequest(post.body);
    expect(parsed.commands.map((c) => c.ref)).to.deep.equal(['refs/heads/main', 'refs/heads/b']);
    // git asks only for what was advertised: report-status (v2 was not offered), side-band-64k, atomic.
    expect(parsed.capabilities).to.include.members(['report-status', 'side-band-64k', 'atomic']);
    expect(parsed.capabilities).not.to.include('report-status-v2');
    expect(parsed.pack.subarray(0, 4).toString('latin1')).to.equal('PACK');
  });

  it('reports an unpack error as "remote unpack failed"', async () => {
    server = await startScriptedGitServer(pushServer(CAPS, () => sideband([{ ref: 'refs/heads/main', ok: false, reason: 'unpacker error' }], 'index-pack failed')));
    const run = await gitAsync(['push', `${server.url}/repo.git`, 'main'], { cwd: work });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('error: remote unpack failed: index-pack failed');
  });

  it('reads report-status without side-band when side-band-64k is not advertised', async () => {
    const caps = CAPS.filter((c) => c !== 'side-band-64k');
    server = await startScriptedGitServer(pushServer(caps, (req) => {
      expect(parseReceivePackRequest(req.body).capabilities).not.to.include('side-band-64k');
      return reportStatus([{ ref: 'refs/heads/main', ok: false, reason: 'policy says no' }]);
    }));
    const run = await gitAsync(['push', `${server.url}/repo.git`, 'main'], { cwd: work });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^ ! \[remote rejected\] main -> main \(policy says no\)$/m);
  });
});
