import { createHmac, timingSafeEqual } from 'node:crypto';
import { expect } from 'chai';
import { captureLogger, startWebhookReceiver, type ReceivedHook } from '@gitgate/testkit';
import { AccessError, WebhookNotifier, type DetokenizeEvent } from '../src/index.js';
import { randomChars, rejection } from './helpers.js';

type Received = ReceivedHook;

/** A receiver on 127.0.0.1:0 that answers the queued statuses in turn, then 204. */
function receiver(statuses: number[]): ReturnType<typeof startWebhookReceiver> {
  return startWebhookReceiver({ statuses, path: `/hooks/${randomChars(16)}` });
}

const event: DetokenizeEvent = {
  type: 'detokenize-approve', requestId: '6f1c2d9e-1111-4222-8333-944445555666', token: '[[TOKEN_github-pat_ABCDEFGHIJKLMNOPQRSTUVWX]]',
  actor: 'bob', at: '2030-01-01T00:00:00.000Z', status: 'approved', approvals: 1, requiredApprovals: 1,
};

function verify(secret: string, r: Received): boolean {
  const got = String(r.headers['x-gitgate-signature'] ?? '');
  const want = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
  return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want));
}

describe('WebhookNotifier', () => {
  let secret: string;
  let sleeps: number[];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
  };

  beforeEach(() => {
    secret = randomChars(32);
    sleeps = [];
  });

  it('retries a failing receiver with exponential backoff until it accepts', async () => {
    const hook = await receiver([500, 503]);
    try {
      await new WebhookNotifier({ url: hook.url, secret, sleep }).notify(event);
      expect(hook.received).to.have.length(3);
      expect(sleeps).to.deep.equal([500, 1000]);
    } finally {
      await hook.close();
    }
  });

  it('posts the event as JSON signed with HMAC-SHA256 of the body', async () => {
    const hook = await receiver([]);
    try {
      await new WebhookNotifier({ url: hook.url, secret, sleep }).notify(event);
      const r = hook.received[0]!;
      expect(r.headers['content-type']).to.equal('application/json');
      expect(JSON.parse(r.body)).to.deep.equal(event);
      expect(verify(secret, r)).to.equal(true);
      expect(r.headers['x-gitgate-event']).to.equal('detokenize-approve');
    } finally {
      await hook.close();
    }
  });

  it('signs every retry the same way and keeps one delivery id', async () => {
    const hook = await receiver([502, 500]);
    try {
      await new WebhookNotifier({ url: hook.url, secret, sleep }).notify(event);
      expect(hook.received.every((r) => verify(secret, r))).to.equal(true);
      expect(new Set(hook.received.map((r) => r.headers['x-gitgate-delivery'])).size).to.equal(1);
    } finally {
      await hook.close();
    }
  });

  it('never sends the signing secret', async () => {
    const hook = await receiver([500]);
    try {
      await new WebhookNotifier({ url: hook.url, secret, sleep }).notify(event);
      for (const r of hook.received) {
        expect(r.body).not.to.include(secret);
        expect(JSON.stringify(r.headers)).not.to.include(secret);
      }
    } finally {
      await hook.close();
    }
  });

  it('does not retry a 4xx answer and reports the failure', async () => {
    const hook = await receiver([400]);
    try {
      const err = await rejection(new WebhookNotifier({ url: hook.url, secret, sleep }).notify(event)) as AccessError;
      expect(err).to.be.instanceOf(AccessError);
      expect(err.code).to.equal('GITGATE_WEBHOOK_FAILED');
      expect(err.data).to.include({ status: 400, attempts: 1 });
      expect(hook.received).to.have.length(1);
      expect(sleeps).to.deep.equal([]);
    } finally {
      await hook.close();
    }
  });

  it('gives up after maxAttempts server errors', async () => {
    const hook = await receiver([500, 500, 500, 500]);
    try {
      const err = await rejection(new WebhookNotifier({ url: hook.url, secret, sleep, maxAttempts: 3, baseDelayMs: 10 }).notify(event)) as AccessError;
      expect(err.data).to.include({ status: 500, attempts: 3 });
      expect(hook.received).to.have.length(3);
      expect(sleeps).to.deep.equal([10, 20]);
    } finally {
      await hook.close();
    }
  });

  it('retries network errors and names only the origin when it gives up', async () => {
    const hook = await receiver([]);
    const url = hook.url;
    await hook.close();
    const err = await rejection(new WebhookNotifier({ url, secret, sleep, maxAttempts: 2 }).notify(event)) as AccessError;
    expect(err.code).to.equal('GITGATE_WEBHOOK_FAILED');
    expect(err.data).to.include({ status: null, attempts: 2 });
    expect(sleeps).to.deep.equal([500]);
    const path = new URL(url).pathname;
    expect(err.message).not.to.include(path);
    expect(JSON.stringify(err.data)).not.to.include(path);
  });

  it('names ECONNREFUSED in the log when the receiver is down, not the TypeError of fetch', async () => {
    const hook = await receiver([]);
    const url = hook.url;
    await hook.close();
    const logger = captureLogger();
    await rejection(new WebhookNotifier({ url, secret, sleep, maxAttempts: 2, logger }).notify(event));
    expect(logger.lines).to.have.length(3);
    for (const l of logger.lines) expect(l.meta).to.include({ error: 'ECONNREFUSED' });
    expect(logger.text()).not.to.include(secret);
  });

  it('names the HTTP status in the log of an answer that is not 2xx', async () => {
    const hook = await receiver([500, 500]);
    const logger = captureLogger();
    try {
      await rejection(new WebhookNotifier({ url: hook.url, secret, sleep, maxAttempts: 2, logger }).notify(event));
      expect(logger.lines.at(-1)?.meta).to.include({ error: 'HTTP 500' });
    } finally {
      await hook.close();
    }
  });

  it('refuses a URL that is not http(s) and an empty secret', () => {
    expect(() => new WebhookNotifier({ url: 'file:///tmp/x', secret })).to.throw(TypeError);
    expect(() => new WebhookNotifier({ url: 'https://hooks.example', secret: '' })).to.throw(TypeError);
  });
});
