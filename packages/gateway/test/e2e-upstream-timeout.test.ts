import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { randomChars } from '@gitgate/testkit';
import { startDemoGateway, git, gitOk, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';

/** An "upstream" that accepts every connection and never answers: git would wait for it forever. */
async function stallingUpstream(): Promise<{ server: Server; port: number; open: Set<Socket>; accepted: () => number }> {
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.on('error', () => {});
    // Read (and ignore) the request, so that the client's closing is seen.
    socket.resume();
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, open, accepted: () => accepted };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('e2e: a stalled upstream', function () {
  this.timeout(60_000);
  const TIMEOUT_MS = 3000;
  let demo: DemoGateway;
  let stall: Awaited<ReturnType<typeof stallingUpstream>>;
  let work: string;
  // A credential in the upstream URL: it must never reach the client, whatever the failure says.
  const password = randomChars(20);

  before(async () => {
    work = tempDir();
    stall = await stallingUpstream();
    const stalledUrl = `http://agent:${password}@127.0.0.1:${stall.port}/stall.git`;
    // The demo gateway serves acme/api from a local upstream; the stalled repository is added next to it.
    demo = await startDemoGateway({ upstreamTimeoutMs: TIMEOUT_MS });
    demo.gw.reload({ repos: [{ name: 'acme/api', upstream: { url: demo.upstream } }, { name: 'acme/stall', upstream: { url: stalledUrl } }] });
  });
  after(async () => {
    await demo?.stop();
    for (const s of stall.open) s.destroy();
    await new Promise((r) => stall.server.close(r));
    cleanup(work);
  });

  it('fails the sync after the configured timeout with a clear message, and serves another repository meanwhile', async () => {
    // acme/api is synced once, so the clone during the stall measures serving, not a first rewrite.
    await gitOk(['ls-remote', demo.url]);

    const started = Date.now();
    let stallDone = false;
    const stalled = fetch(`${demo.gw.url}/acme/stall.git/info/refs?service=git-upload-pack`).then(async (r) => {
      stallDone = true;
      return { status: r.status, body: await r.text(), ms: Date.now() - started };
    });
    await until(() => stall.accepted() > 0, 10_000);

    const dest = join(work, 'api');
    const clone = await git(['clone', '-q', '--bare', demo.url, dest]);
    expect(clone.code, clone.stderr).to.equal(0);
    expect(stallDone, 'the clone of acme/api finished while acme/stall was still waiting for its upstream').to.equal(false);
    expect(stall.open.size).to.be.greaterThan(0);
    expect(await gitOk(['--git-dir', dest, 'rev-parse', 'HEAD'])).to.match(/^[0-9a-f]{40}\n$/);

    const res = await stalled;
    expect(res.status).to.equal(502);
    expect(res.ms).to.be.at.least(TIMEOUT_MS - 100).and.below(TIMEOUT_MS + 15_000);
    expect(res.body).to.equal('gitgate: acme/stall: the upstream repository could not be reached (timed out); try again later\n');
    expect(res.body).to.not.include(password);
  });

  it('stops the git helper that held the upstream connection', async () => {
    // git-remote-http runs in git's process group; the timeout kills the group, which closes the socket.
    await until(() => stall.open.size === 0, 10_000);
    expect(stall.open.size).to.equal(0);
  });

  it('fails the mirror sync with GITGATE_UPSTREAM_FAILED that names the timeout and not the credential', async () => {
    const mirror = demo.gw.repos.get('acme/stall')!;
    const err = await mirror.sync({ force: true }).then(() => null, (e: unknown) => e as { code?: string; message: string; data?: Record<string, unknown> });
    expect(err?.code).to.equal('GITGATE_UPSTREAM_FAILED');
    expect(err?.data).to.deep.equal({ gitCode: 'GITGATE_GIT_TIMEOUT', timedOut: true, kind: 'timeout' });
    expect(err?.message).to.include('did not finish within 3 s');
    expect(err?.message).to.not.include(password);
  });
});
