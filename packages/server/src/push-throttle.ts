/**
 * Holds off an identity whose pushes are refused too often. A refused push answers a question (was that a
 * new secret? is this value one the vault knows?), so an agent probing guesses one push at a time is
 * limited to `max` refused ref updates per `windowMs` (docs/architecture.md, "Known limits"). Memory is
 * bounded: only identities with refusals inside the window are kept.
 */
export interface PushThrottleOptions {
  /** Refused ref updates allowed per identity in the window (default 20). */
  max?: number;
  /** The window (ms, default 10 minutes). */
  windowMs?: number;
  now?: () => number;
}

export class PushThrottle {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #refusals = new Map<string, number[]>();

  constructor(opts: PushThrottleOptions = {}) {
    this.#max = opts.max ?? 20;
    this.#windowMs = opts.windowMs ?? 10 * 60_000;
    this.#now = opts.now ?? Date.now;
    if (!Number.isInteger(this.#max) || this.#max < 1) throw new TypeError('max must be a positive integer');
    if (!Number.isFinite(this.#windowMs) || this.#windowMs <= 0) throw new TypeError('windowMs must be positive');
  }

  /** Whether `subject` may push now (fewer than `max` refusals inside the window). */
  allows(subject: string): boolean {
    return this.#recent(subject).length < this.#max;
  }

  /** Notes `count` refused ref updates of `subject`. */
  refused(subject: string, count: number): void {
    if (count <= 0) return;
    const list = this.#recent(subject);
    for (let i = 0; i < count; i++) list.push(this.#now());
    this.#refusals.set(subject, list);
    if (this.#refusals.size > 10_000) this.#prune();
  }

  /** Seconds until `subject` may push again (0: now). */
  retryAfterSeconds(subject: string): number {
    const list = this.#recent(subject);
    if (list.length < this.#max) return 0;
    return Math.ceil((list[list.length - this.#max]! + this.#windowMs - this.#now()) / 1000);
  }

  #recent(subject: string): number[] {
    const since = this.#now() - this.#windowMs;
    const list = (this.#refusals.get(subject) ?? []).filter((t) => t > since);
    if (list.length === 0) this.#refusals.delete(subject);
    return list;
  }

  #prune(): void {
    for (const subject of [...this.#refusals.keys()]) this.#recent(subject);
  }
}
