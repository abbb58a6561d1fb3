/** A first-in-first-out async mutex: the one lock that keeps statements out of a running transaction. */

/**
 * Runs async critical sections one at a time in call order. A section that throws releases the lock
 * like one that returns, so one failure never wedges the queue.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every section queued before it has settled; resolves or rejects with its result. */
  runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
