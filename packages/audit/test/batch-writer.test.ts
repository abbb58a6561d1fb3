import { expect } from 'chai';
import { AuditError } from '../src/index.js';
import { BatchWriter } from '../src/batch-writer.js';
import { captureLogger, rejection } from './helpers.js';

/** A write function that fails on demand and remembers what it committed. */
class FakeStore {
  committed: string[] = [];
  batches: number[] = [];
  failNext = 0;
  write = async (items: string[]): Promise<void> => {
    await new Promise((r) => setImmediate(r));
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('disk on fire'), { code: 'GITGATE_DB_QUERY' });
    }
    this.batches.push(items.length);
    this.committed.push(...items);
  };
}

describe('BatchWriter', () => {
  let store: FakeStore;
  let writer: BatchWriter<string>;
  let logger: ReturnType<typeof captureLogger>;

  beforeEach(() => {
    store = new FakeStore();
    logger = captureLogger();
    writer = new BatchWriter<string>({ write: store.write, flushIntervalMs: 60_000, maxBatch: 3, maxBackoffMs: 20, logger });
  });
  afterEach(() => writer.stop());

  it('writes items in enqueue order in batches of at most maxBatch', async () => {
    for (const x of ['a', 'b', 'c', 'd', 'e']) writer.enqueue(x);
    await writer.flush();
    expect(store.committed).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    expect(store.batches.every((n) => n <= 3)).to.equal(true);
  });

  it('rejects flush with GITGATE_AUDIT_WRITE when a batch fails and keeps the items queued', async () => {
    writer.enqueue('a');
    store.failNext = 1;
    const err = await rejection(writer.flush());
    expect(err).to.be.instanceOf(AuditError).and.to.have.property('code', 'GITGATE_AUDIT_WRITE');
    expect(writer.pending).to.equal(1);
  });

  it('retries a failed batch on its own and keeps the order', async () => {
    writer.enqueue('a');
    writer.enqueue('b');
    store.failNext = 2;
    await rejection(writer.flush());
    writer.enqueue('c');
    for (let i = 0; i < 100 && writer.pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(store.committed).to.deep.equal(['a', 'b', 'c']);
  });

  it('logs a failed batch with counts and the error code, not the items', async () => {
    writer.enqueue('needle-item');
    store.failNext = 1;
    await rejection(writer.flush());
    const entry = logger.entries.find((e) => e.msg === 'audit batch write failed');
    expect(entry?.meta).to.deep.include({ rows: 1, retrying: 1, code: 'GITGATE_DB_QUERY' });
    expect(JSON.stringify(logger.entries)).not.to.contain('needle-item');
  });

  it('rejects a durable item whose batch fails and does not retry it', async () => {
    store.failNext = 1;
    const err = await rejection(writer.enqueueDurable('d'));
    expect(err).to.have.property('code', 'GITGATE_AUDIT_WRITE');
    await writer.flush();
    expect(store.committed).to.deep.equal([]);
  });

  it('resolves a durable item once its batch is committed, without waiting for the interval', async () => {
    writer.enqueue('a');
    await writer.enqueueDurable('b');
    expect(store.committed).to.deep.equal(['a', 'b']);
  });

  it('waits in flush for a batch that is already being written', async () => {
    const durable = writer.enqueueDurable('a');
    await new Promise((r) => setImmediate(r));
    await writer.flush();
    expect(store.committed).to.deep.equal(['a']);
    await durable;
  });

  it('drops and rejects what is left on abandon', async () => {
    writer.enqueue('a');
    const durable = writer.enqueueDurable('b');
    const reason = new Error('gave up');
    expect(writer.abandon(reason)).to.equal(2);
    expect(await rejection(durable)).to.equal(reason);
  });

  it('commits a durable group in one batch even when it is larger than maxBatch', async () => {
    writer.enqueue('a');
    await writer.enqueueDurableAll(['g1', 'g2', 'g3', 'g4', 'g5']);
    expect(store.committed).to.deep.equal(['a', 'g1', 'g2', 'g3', 'g4', 'g5']);
    expect(store.batches).to.deep.equal([6]);
  });

  it('writes none of a durable group whose batch fails, retries the plain items and reports failing until a write succeeds', async () => {
    writer.enqueue('a');
    store.failNext = 1;
    const err = await rejection(writer.enqueueDurableAll(['g1', 'g2']));
    expect(err).to.have.property('code', 'GITGATE_AUDIT_WRITE');
    expect(writer.failing).to.equal(true);
    await writer.flush();
    expect(store.committed).to.deep.equal(['a']);
    expect(writer.failing).to.equal(false);
  });
});
