import { expect } from 'chai';
import { join } from 'node:path';
import { request } from 'node:http';
import { startDemoGateway, git, gitOk, tempDir, cleanup, type DemoGateway } from './helpers/harness.js';

/** A raw HTTP request to the gateway; returns status, content type and body. */
function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
const pkt = (s: string): string => (s.length + 4).toString(16).padStart(4, '0') + s;

describe('e2e: what the gateway refuses', function () {
  this.timeout(120_000);
  let demo: DemoGateway;
  let work: string;
  let clone: string;

  before(async () => {
    demo = await startDemoGateway();
    work = tempDir();
    clone = join(work, 'clone');
    await gitOk(['clone', '-q', demo.url, clone]);
  });
  after(async () => {
    await demo.stop();
    cleanup(work);
  });

  it('refuses to fetch the upstream id of a rewritten commit', async () => {
    const upstreamHead = (await gitOk(['--git-dir', demo.upstream, 'rev-parse', 'HEAD'])).trim();
    const sanitizedHead = (await gitOk(['-C', clone, 'rev-parse', 'HEAD'])).trim();
    expect(upstreamHead).to.not.equal(sanitizedHead);
    for (const v of ['2', '0']) {
      const r = await git(['-c', `protocol.version=${v}`, '-C', clone, 'fetch', 'origin', upstreamHead]);
      expect(r.code, `v${v}`).to.not.equal(0);
    }
    const r2 = await git(['-C', clone, 'fetch', 'origin', upstreamHead]);
    expect(r2.stderr).to.include('is not an object of the sanitized repository');
  });

  it('advertises none of object-info, bundle-uri, packfile-uris', async () => {
    const r = await git(['ls-remote', demo.url], { env: { GIT_TRACE_PACKET: '1' } });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include('version 2');
    for (const cap of ['object-info', 'bundle-uri', 'packfile-uris', 'allow-any-sha1-in-want']) expect(r.stderr).to.not.include(cap);
    const v0 = await git(['-c', 'protocol.version=0', 'ls-remote', demo.url], { env: { GIT_TRACE_PACKET: '1' } });
    expect(v0.code).to.equal(0);
    expect(v0.stderr).to.include('multi_ack_detailed');
    for (const cap of ['allow-any-sha1-in-want', 'allow-tip-sha1-in-want', 'packfile-uris']) expect(v0.stderr).to.not.include(cap);
  });

  it('refuses git push with a read-only message', async () => {
    await gitOk(['-C', clone, 'commit', '-q', '--allow-empty', '-m', 'try to push']);
    const r = await git(['-C', clone, 'push', 'origin', 'HEAD:refs/heads/main']);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include('read-only');
  });

  it('refuses the dumb HTTP protocol', async () => {
    const r = await git(['clone', demo.url, join(work, 'dumb')], { env: { GIT_SMART_HTTP: '0' } });
    expect(r.code).to.not.equal(0);
    const direct = await http(`${demo.gw.url}/acme/api.git/HEAD`);
    expect(direct.status).to.equal(403);
    expect(direct.body.toString()).to.include('smart HTTP protocol only');
  });

  it('refuses the object-info command with a clear error', async () => {
    const body = pkt('command=object-info\n') + pkt('object-format=sha1\n') + '0001' + pkt('size\n') + '0000';
    const r = await http(`${demo.gw.url}/acme/api.git/git-upload-pack`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Git-Protocol': 'version=2' }, body,
    });
    expect(r.body.toString()).to.include('ERR gitgate: the object-info command is not offered');
  });

  it('refuses a v0 capability with a value git would take as the capability (side-band-64k=1), sending no pack', async () => {
    const tip = (await gitOk(['ls-remote', demo.url, 'refs/heads/main'])).split('\t')[0]!;
    for (const cap of ['side-band-64k=1', 'include-tag=1']) {
      const body = pkt(`want ${tip} ofs-delta ${cap}\n`) + '0000' + pkt('done\n');
      const r = await http(`${demo.gw.url}/acme/api.git/git-upload-pack`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-git-upload-pack-request' }, body,
      });
      expect(r.body.toString('latin1'), cap).to.include(`capability "${cap}" is not offered`);
      expect(r.body.includes(Buffer.from('PACK')), cap).to.equal(false);
    }
  });

  it('refuses an unknown v2 command', async () => {
    const body = pkt('command=bundle-uri\n') + '0000';
    const r = await http(`${demo.gw.url}/acme/api.git/git-upload-pack`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Git-Protocol': 'version=2' }, body,
    });
    expect(r.body.toString()).to.include('ERR gitgate: unknown command');
  });

  it('answers a malformed pkt-line with 400 and stays up', async () => {
    for (const body of ['zzzz', '0003', 'ffff' + 'x'.repeat(10), pkt('command=fetch\n').slice(0, 8)]) {
      const r = await http(`${demo.gw.url}/acme/api.git/git-upload-pack`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Git-Protocol': 'version=2' }, body,
      });
      expect(r.status, body).to.equal(400);
    }
    const r = await git(['ls-remote', demo.url]);
    expect(r.code).to.equal(0);
  });

  it('refuses a request body over the size limit with 413', async () => {
    const body = Buffer.alloc(17 * 1024 * 1024, 0x30);
    const r = await http(`${demo.gw.url}/acme/api.git/git-upload-pack`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-git-upload-pack-request' }, body,
    });
    expect(r.status).to.equal(413);
  });

  it('answers an unknown repository with 404', async () => {
    const r = await git(['ls-remote', `${demo.gw.url}/acme/nope.git`]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include('not served by this gateway');
  });
});
