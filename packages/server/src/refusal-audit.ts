/**
 * Records refused requests (failed authentication, refused API calls) into the audit without letting
 * a flood of them grow memory: the first refusal of a key (actor, action, code) in each window is
 * recorded at once, its repeats in that window are folded into one record with `count`, and at most
 * `maxKeys` keys are tracked per window; refusals beyond that are counted into a single record.
 */
import type { AuditEvent, AuditSink } from './audit-sink.js';

export interface RefusalAuditOptions {
  audit: AuditSink;
  /** Length of a folding window (default 1000 ms). */
  windowMs?: number;
  /** Distinct keys tracked per window (default 1000). */
  maxKeys?: number;
}

interface Folded {
  event: AuditEvent;
  repeats: number;
}

/** A bounded, folding recorder of refusals; see the file comment. */
export class RefusalAudit {
  readonly #audit: AuditSink;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  #window = new Map<string, Folded>();
  #overflow = 0;
  #timer: NodeJS.Timeout | undefined;

  /** Throws TypeError on a non-positive window or key limit. */
  constructor(opts: RefusalAuditOptions) {
    this.#audit = opts.audit;
    this.#windowMs = opts.windowMs ?? 1000;
    this.#maxKeys = opts.maxKeys ?? 1000;
    if (!(this.#windowMs > 0) || !Number.isSafeInteger(this.#maxKeys) || this.#maxKeys < 1) throw new TypeError('windowMs and maxKeys must be positive');
  }

  /** Keys tracked in the current window (memory in use is proportional to it). */
  get tracked(): number {
    return this.#window.size;
  }

  /** Records `e`, or folds it into the record of an earlier refusal with the same `key` in this window. */
  record(key: string, e: AuditEvent): void {
    const seen = this.#window.get(key);
    if (seen) {
      seen.repeats++;
    } else if (this.#window.size >= this.#maxKeys) {
      this.#overflow++;
    } else {
      this.#window.set(key, { event: e, repeats: 0 });
      this.#audit.record(e);
    }
    this.#arm();
  }

  /** Writes the folded counts of the current window and starts a new one. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const { event, repeats } of this.#window.values()) {
      if (repeats > 0) this.#audit.record({ ...event, data: { ...event.data, count: repeats } });
    }
    if (this.#overflow > 0) {
      this.#audit.record({ kind: 'api-refusal', actor: 'system', data: { action: 'refusals-over-limit', status: 0, code: 'GITGATE_TOO_MANY_REFUSALS', count: this.#overflow } });
    }
    this.#window = new Map();
    this.#overflow = 0;
  }

  /** Writes what is folded and stops the timer (at close). */
  close(): void {
    this.flush();
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => this.flush(), this.#windowMs);
    this.#timer.unref();
  }
}
