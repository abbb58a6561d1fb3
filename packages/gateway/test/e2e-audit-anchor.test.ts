// The gateway's audit key and periodic anchors: a real gateway, a real audit.db, and a local HTTP
// listener standing in for the external sink.
import { expect } from 'chai';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AuditLog, verifyAuditFile, type Logger } from '@gitgate/audit';
import { AnchorPublisher, startGateway, type AnchorEvent } from '../src/index.js';
import { tempDir, cleanup } from './helpers/harness.js';

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback sink that records every POST and answers with `status(n)` for the n-th request (1-based). */
async function startSink(status: (n: number) => number | 'hang' = () => 204): Promise<{ url: string; deliveries: Delivery[]; next: () => Promise<Delivery>; close: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  const waiting: ((d: Delivery) => void)[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      const d = { headers: req.headers, body };
      deliveries.push(d);
      waiting.shift()?.(d);
      const s = status(deliveries.length);
      if (s !== 'hang') res.writeHead(s).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // The path stands for a credential some sinks put in their URL: it must never reach a log.
    url: `http://127.0.0.1:${port}/hooks/sink-credential-path`,
    deliveries,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function capture(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, meta?: object): void => { lines.push(`${level} ${msg} ${JSON.stringify(meta ?? {})}`); };
  return { logger: { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') }, text: () => lines.join('\n') };
}

const sign = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('e2e: audit key and anchors', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => { cleanup(dir); });

  it('posts the audit chain head to the anchor webhook, signed with its secret', async () => {
    const sink = await startSink();
    const secret = randomBytes(16).toString('hex');
    const key = randomBytes(32);
    const dataDir = join(dir, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    const before = await AuditLog.open({ path: join(dataDir, 'audit.db'), key });
    for (let i = 0; i < 2; i++) before.record({ kind: 'admin', actor: 'root', data: { action: `a${i}` } });
    await before.close();
    const first = sink.next();
    const gw = await startGateway({ port: 0, dataDir, auth: { mode: 'none' }, repos: [], auditKey: key, auditAnchorWebhook: { url: sink.url, secret, intervalMs: 3_600_000 } });
    try {
      const d = await first;
      expect(d.headers['x-gitgate-signature']).to.equal(sign(secret, d.body));
      expect(d.headers['x-gitgate-event']).to.equal('audit-anchor');
      const event = JSON.parse(d.body) as AnchorEvent;
      expect(event).to.include({ type: 'audit-anchor', seq: 2 });
      expect(event).to.include(await gw.audit.head());
      expect(d.body).to.not.include(secret);
      // What the sink received is what verify --anchor takes.
      expect(await gw.audit.verify({ anchors: [{ seq: event.seq, hash: event.hash }] })).to.include({ ok: true, anchorsChecked: 1 });
    } finally {
      await gw.close();
      await sink.close();
    }
  });

  it('creates DATA/audit.key 0600 without a configured key, warns that it sits beside the database, and keys every row with it', async () => {
    const dataDir = join(dir, 'data');
    const logs = capture();
    const gw = await startGateway({ port: 0, dataDir, auth: { mode: 'none' }, repos: [], logger: logs.logger });
    gw.audit.record({ kind: 'admin', actor: 'root', data: { action: 'x' } });
    await gw.close();
    const keyFile = join(dataDir, 'audit.key');
    expect(fs.statSync(keyFile).mode & 0o777).to.equal(0o600);
    const keyHex = fs.readFileSync(keyFile, 'utf8').trim();
    expect(logs.text()).to.match(/warn audit key kept next to the audit database it protects/);
    expect(logs.text()).to.not.include(keyHex);
    expect(await verifyAuditFile({ path: join(dataDir, 'audit.db'), key: Buffer.from(keyHex, 'hex') })).to.include({ ok: true, checked: 1, keyed: 1 });
  });

  it('keys the chain with the configured key and creates no key file', async () => {
    const dataDir = join(dir, 'data');
    const key = randomBytes(32);
    const logs = capture();
    const gw = await startGateway({ port: 0, dataDir, auth: { mode: 'none' }, repos: [], logger: logs.logger, auditKey: key });
    gw.audit.record({ kind: 'admin', actor: 'root', data: { action: 'x' } });
    await gw.close();
    expect(fs.existsSync(join(dataDir, 'audit.key'))).to.equal(false);
    expect(logs.text()).to.not.include('audit key kept next to');
    expect(await verifyAuditFile({ path: join(dataDir, 'audit.db'), key })).to.include({ ok: true, keyed: 1 });
  });

  it('keys an older unkeyed audit from its next start on, and the whole chain still verifies', async () => {
    const dataDir = join(dir, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    const old = await AuditLog.open({ path: join(dataDir, 'audit.db') });
    for (let i = 0; i < 3; i++) old.record({ kind: 'admin', actor: 'test', data: { action: `old-${i}` } });
    await old.close();
    const key = randomBytes(32);
    const gw = await startGateway({ port: 0, dataDir, auth: { mode: 'none' }, repos: [], auditKey: key });
    gw.audit.record({ kind: 'admin', actor: 'root', data: { action: 'new' } });
    await gw.close();
    expect(await verifyAuditFile({ path: join(dataDir, 'audit.db'), key })).to.include({ ok: true, checked: 5, keyed: 2 });
  });
});

describe('AnchorPublisher', function () {
  this.timeout(30_000);
  const head = async (): Promise<{ seq: number; hash: string; at: string }> => ({ seq: 42, hash: 'ab'.repeat(32), at: '2025-03-01T12:00:00.000Z' });

  it('retries a failed delivery and sends the same delivery id and a valid signature again', async () => {
    const sink = await startSink((n) => (n === 1 ? 503 : 204));
    const logs = capture();
    const p = new AnchorPublisher({ url: sink.url, secret: 'shh', intervalMs: 3_600_000, head, baseDelayMs: 10, logger: logs.logger });
    try {
      expect(await p.publish()).to.equal(true);
      expect(sink.deliveries).to.have.length(2);
      const [a, b] = sink.deliveries as [Delivery, Delivery];
      expect(b.headers['x-gitgate-delivery']).to.equal(a.headers['x-gitgate-delivery']);
      expect(b.headers['x-gitgate-signature']).to.equal(sign('shh', b.body));
      expect(JSON.parse(b.body)).to.include({ seq: 42, hash: 'ab'.repeat(32) });
      expect(logs.text()).to.match(/warn audit anchor attempt failed .*"error":"HTTP 503"/);
    } finally {
      await p.stop();
      await sink.close();
    }
  });

  it('logs a delivery that keeps failing with the origin only, and resolves false', async () => {
    const sink = await startSink(() => 500);
    const logs = capture();
    const p = new AnchorPublisher({ url: sink.url, secret: 'shh', intervalMs: 3_600_000, head, baseDelayMs: 1, maxAttempts: 3, logger: logs.logger });
    try {
      expect(await p.publish()).to.equal(false);
      expect(sink.deliveries).to.have.length(3);
      expect(logs.text()).to.match(/error audit anchor delivery failed .*"origin":"http:\/\/127\.0\.0\.1:\d+"/);
      expect(logs.text()).to.not.include('sink-credential-path').and.not.include('shh');
    } finally {
      await p.stop();
      await sink.close();
    }
  });

  it('never holds up the audit writer while the sink does not answer', async () => {
    const sink = await startSink(() => 'hang');
    const dir = tempDir();
    const audit = await AuditLog.open({ path: join(dir, 'audit.db'), key: randomBytes(32) });
    const p = new AnchorPublisher({ url: sink.url, secret: 'shh', intervalMs: 3_600_000, head: () => audit.head(), timeoutMs: 60_000 });
    try {
      const arrived = sink.next();
      p.start();
      await arrived;
      const started = Date.now();
      await audit.recordDurable({ kind: 'admin', actor: 'root', data: { action: 'while-the-sink-hangs' } });
      expect(Date.now() - started).to.be.below(2_000);
      expect((await audit.head()).seq).to.equal(1);
    } finally {
      await p.stop();
      await audit.close();
      await sink.close();
      cleanup(dir);
    }
  });
});
