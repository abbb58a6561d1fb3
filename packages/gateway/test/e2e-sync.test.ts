import { expect } from 'chai';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startDemoGateway, git, gitOk, type DemoGateway } from './helpers/harness.js';

interface LogLine { level: string; msg: string; meta?: object }

function captureLogger(lines: LogLine[]) {
  const at = (level: string) => (msg: string, meta?: object): void => { lines.push({ level, msg, meta }); };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const pkt = (s: string): string => (s.length + 4).toString(16).padStart(4, '0') + s;

describe('e2e: sync coalescing and request bodies', function () {
  this.timeout(120_000);
  let demo: DemoGateway;
  const lines: LogLine[] = [];

  before(async () => {
    demo = await startDemoGateway({ coalesceMs: 5000, logger: captureLogger(lines) });
  });
  after(async () => {
    await demo.stop();
  });

  it('fetches upstream once for a burst of concurrent clones', async () => {
    await gitOk(['ls-remote', demo.url]);
    lines.length = 0;
    // Force the window to lapse is not needed: the first ls-remote synced; a burst within the window reuses it,
    // and a burst that starts a sync joins the one in flight.
    const results = await Promise.all(Array.from({ length: 6 }, () => git(['ls-remote', demo.url])));
    for (const r of results) expect(r.code, r.stderr).to.equal(0);
    expect(lines.filter((l) => l.msg === 'upstream fetched')).to.have.length(0);
    expect(new Set(results.map((r) => r.stdout)).size).to.equal(1);
  });

  it('joins a sync in flight instead of starting another', async () => {
    const mirror = demo.gw.repos.get('acme/api')!;
    lines.length = 0;
    const reports = await Promise.all([mirror.sync({ force: true }), mirror.sync(), mirror.sync(), mirror.sync()]);
    expect(lines.filter((l) => l.msg === 'upstream fetched')).to.have.length(1);
    expect(new Set(reports).size).to.equal(1);
  });

  it('accepts a gzip-encoded, chunked v0 request body', async () => {
    const head = (await gitOk(['ls-remote', demo.url, 'refs/heads/main'])).slice(0, 40);
    const body = gzipSync(Buffer.from(pkt(`want ${head} multi_ack_detailed side-band-64k ofs-delta\n`) + '0000' + pkt('done\n')));
    const res = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = request(`${demo.gw.url}/acme/api.git/git-upload-pack`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip', 'Transfer-Encoding': 'chunked' },
      }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      // Two writes: the body travels in more than one chunk.
      req.write(body.subarray(0, 10));
      req.end(body.subarray(10));
    });
    expect(res.status).to.equal(200);
    expect(res.body.subarray(0, 8).toString()).to.equal('0008NAK\n');
    expect(res.body.includes(Buffer.from('PACK'))).to.equal(true);
  });

  it('answers a corrupt gzip body with 400', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = request(`${demo.gw.url}/acme/api.git/git-upload-pack`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip' },
      }, (r) => { r.resume(); r.on('end', () => resolve(r.statusCode ?? 0)); });
      req.on('error', reject);
      req.end(Buffer.from('not gzip at all'));
    });
    expect(res).to.equal(400);
  });
});
