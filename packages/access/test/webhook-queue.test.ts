import { expect } from 'chai';
import { captureLogger, freePort, removeDirs, startWebhookReceiver, storeBackends, type WebhookReceiver } from '@gitgate/testkit';
import { WebhookNotifier, WebhookQueue, defaultWebhookBackoffMs, detokenizeNotification, type DroppedDelivery, type WebhookNotification, type WebhookQueueOptions } from '../src/index.js';
import { randomChars, tempDir } from './helpers.js';

function note(requestId: string | null, type: 'detokenize-request' | 'detokenize-approve' = 'detokenize-request'): WebhookNotification {
  return detokenizeNotification({ type, requestId, token: '[[TOKEN_github-pat_ABCDEFGHIJKLMNOPQRSTUVWX]]', actor: 'agent-7', at: '2030-01-01T00:00:00.000Z', status: 'pending', requester: 'agent-7' },
    { repo: 'acme/api', path: 'config/prod.env' });
}

for (const backend of storeBackends()) describe(`WebhookQueue (${backend.name})`, () => {
  let dir: string;
  let location: string;
  let queues: WebhookQueue[];
  let hooks: WebhookReceiver[];
  const secret = randomChars(32);

  beforeEach(async () => {
    dir = tempDir();
    location = await backend.location(dir, 'webhooks.db');
    queues = [];
    hooks = [];
  });
  afterEach(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await Promise.all(hooks.map((h) => h.close()));
    removeDirs(dir);
  });

  async function open(url: string, opts: Partial<WebhookQueueOptions> = {}): Promise<WebhookQueue> {
    const q = await WebhookQueue.open({ dbPath: location, backoffMs: () => 50, ...opts });
    queues.push(q);
    const notifier = new WebhookNotifier({ url, secret });
    q.start((n, id, signal) => notifier.attempt(n, id, signal));
    return q;
  }
  async function receiver(port?: number, statuses?: number[]): Promise<WebhookReceiver> {
    const h = await startWebhookReceiver({ port, statuses });
    hooks.push(h);
    return h;
  }
  async function until(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('delivers a queued notification and then holds nothing', async () => {
    const hook = await receiver();
    const q = await open(hook.url);
    await q.enqueue(note('r1'));
    await hook.waitFor(1);
    await until(async () => (await q.pending()) === 0);
    expect(JSON.parse(hook.received[0]!.body)).to.include({ type: 'detokenize-request', requestId: 'r1' });
  });

  it('retries a receiver that is down and delivers once it comes up, with one delivery id', async () => {
    const port = await freePort();
    const logger = captureLogger();
    const q = await open(`http://127.0.0.1:${port}/hook`, { logger });
    const id = await q.enqueue(note('r1'));
    await until(() => logger.lines.filter((l) => l.msg === 'webhook delivery failed').length >= 2);
    const hook = await receiver(port);
    await hook.waitFor(1);
    await until(async () => (await q.pending()) === 0);
    expect(hook.received).to.have.length(1);
    expect(hook.received[0]!.headers['x-gitgate-delivery']).to.equal(id);
  });

  it('logs the real failure, the attempt and the wait, never the secret or the signature', async () => {
    const port = await freePort();
    const logger = captureLogger();
    const q = await open(`http://127.0.0.1:${port}/hook`, { logger });
    const id = await q.enqueue(note('r1'));
    await until(() => logger.lines.some((l) => l.msg === 'webhook delivery failed'));
    const line = logger.lines.find((l) => l.msg === 'webhook delivery failed')!;
    expect(line.level).to.equal('warn');
    expect(line.meta).to.deep.include({ id, attempt: 1, error: 'ECONNREFUSED', nextInSeconds: 0 });
    expect(logger.text()).not.to.include(secret);
    expect(logger.text()).not.to.include('sha256=');
  });

  it('names the HTTP status of a failing answer in the log', async () => {
    const logger = captureLogger();
    const hook = await receiver(undefined, [503]);
    const q = await open(hook.url, { logger });
    await q.enqueue(note('r1'));
    await hook.waitFor(2);
    expect(logger.lines.find((l) => l.msg === 'webhook delivery failed')!.meta).to.include({ error: 'HTTP 503' });
  });

  it('keeps pending deliveries across a close and delivers them after reopening', async () => {
    const port = await freePort();
    const first = await open(`http://127.0.0.1:${port}/hook`);
    await first.enqueue(note('r1'));
    await first.close();
    const hook = await receiver(port);
    const second = await open(hook.url);
    await hook.waitFor(1);
    await until(async () => (await second.pending()) === 0);
    expect(hook.received).to.have.length(1);
  });

  it('sends the deliveries of one request in order, without holding back other requests', async () => {
    const hook = await receiver(undefined, [500]);
    // A backoff long enough that the other request goes out while the failed one waits.
    const q = await open(hook.url, { backoffMs: () => 300 });
    await q.enqueue(note('a'));
    await q.enqueue(note('a', 'detokenize-approve'));
    await q.enqueue(note('b'));
    await hook.waitFor(4);
    const sent = hook.received.map((r) => JSON.parse(r.body) as { type: string; requestId: string }).map((e) => `${e.requestId}:${e.type}`);
    // Heads of different requests go out side by side, so either request's first delivery may be the one answered 500.
    const failed = sent[0]!;
    const failedRequest = failed.split(':')[0]!;
    const aSent = sent.filter((s) => s.startsWith('a:'));
    expect(aSent).to.deep.equal(failedRequest === 'a'
      ? ['a:detokenize-request', 'a:detokenize-request', 'a:detokenize-approve']
      : ['a:detokenize-request', 'a:detokenize-approve']);
    // The other request was not held back: it went out before the failed delivery's retry.
    const retry = sent.indexOf(failed, 1);
    expect(retry).to.be.greaterThan(0);
    expect(sent.findIndex((s) => !s.startsWith(`${failedRequest}:`))).to.be.lessThan(retry);
  });

  it('drops a delivery still failing at its expiry, with a warning and the reason', async () => {
    const port = await freePort();
    const logger = captureLogger();
    const dropped: DroppedDelivery[] = [];
    const q = await open(`http://127.0.0.1:${port}/hook`, { logger, retryForMs: 300, onDropped: (d) => dropped.push(d) });
    const id = await q.enqueue(note('r1'));
    await until(() => dropped.length === 1);
    expect(dropped[0]).to.include({ id, reason: 'expired', requestId: 'r1', kind: 'detokenize-request', error: 'ECONNREFUSED' });
    expect(dropped[0]!.attempts).to.be.greaterThan(1);
    const line = logger.lines.find((l) => l.msg === 'webhook delivery expired')!;
    expect(line.level).to.equal('warn');
    expect(line.meta).to.include({ id, error: 'ECONNREFUSED' });
    expect(await q.pending()).to.equal(0);
  });

  it('gives up at once on a 4xx answer other than 429', async () => {
    const dropped: DroppedDelivery[] = [];
    const hook = await receiver(undefined, [404]);
    const q = await open(hook.url, { onDropped: (d) => dropped.push(d) });
    await q.enqueue(note('r1'));
    await until(() => dropped.length === 1);
    expect(dropped[0]).to.include({ reason: 'refused', error: 'HTTP 404', attempts: 1 });
    expect(hook.received).to.have.length(1);
  });

  it('keeps going after a sender that throws', async () => {
    const hook = await receiver();
    const logger = captureLogger();
    const q = await WebhookQueue.open({ dbPath: location, backoffMs: () => 50, logger });
    queues.push(q);
    const notifier = new WebhookNotifier({ url: hook.url, secret });
    let calls = 0;
    q.start((n, id, signal) => (++calls === 1 ? Promise.reject(new Error('boom')) : notifier.attempt(n, id, signal)));
    await q.enqueue(note('r1'));
    await hook.waitFor(1);
    expect(logger.lines.some((l) => l.msg === 'webhook queue failed')).to.equal(true);
  });

  it('sends each delivery once when two replicas drain one queue at the same time', async () => {
    const hook = await receiver();
    const [a, b] = await Promise.all([0, 1].map(() => WebhookQueue.open({ dbPath: location, backoffMs: () => 50, pollMs: 20 })));
    queues.push(a!, b!);
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => a!.enqueue(note(`r${i}`))));
    const notifier = new WebhookNotifier({ url: hook.url, secret });
    const sentBy = new Map<WebhookQueue, number>([[a!, 0], [b!, 0]]);
    for (const q of [a!, b!]) q.start((n, id, signal) => { sentBy.set(q, sentBy.get(q)! + 1); return notifier.attempt(n, id, signal); });
    await hook.waitFor(20);
    await until(async () => (await a!.pending()) === 0);
    expect(hook.received.map((r) => r.headers['x-gitgate-delivery']).sort()).to.deep.equal([...ids].sort());
    expect(sentBy.get(a!)! + sentBy.get(b!)!).to.equal(20);
  });

  it('waits 5 s, 15 s, 1 min, 5 min, 15 min, 30 min, then hourly by default', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(defaultWebhookBackoffMs)).to.deep.equal([5e3, 15e3, 60e3, 300e3, 900e3, 1800e3, 3600e3, 3600e3]);
  });
});
