/**
 * Session locks by name (`Database.lock`): what one holder keeps until it releases, while others of the
 * same name wait in line. `NamedLocks` is the in-process form SQLite uses (one gateway per data
 * directory, so the process is the whole world); PostgreSQL's form is pg-session-lock.ts.
 */
import { DbError, codes } from './db-error.js';

/** A lock held by name; `release` lets the next waiter in and is harmless to call twice. */
export interface HeldLock {
  readonly name: string;
  release(): Promise<void>;
}

/** How long `lock` waits for a lock another holder has before giving up (GITGATE_DB_BUSY); default: no bound. */
export interface LockOptions {
  timeoutMs?: number;
}

/** A handle of lock `name` whose first `release` runs `free`; later ones do nothing. */
export function heldLock(name: string, free: () => Promise<void> | void): HeldLock {
  let released = false;
  return {
    name,
    release: async () => {
      if (released) return;
      released = true;
      await free();
    },
  };
}

/** Checks a lock name and wait bound; TypeError on misuse. */
export function checkLockArgs(name: unknown, opts: LockOptions | undefined): void {
  if (typeof name !== 'string' || name === '') throw new TypeError('lock name must be a non-empty string');
  const t = opts?.timeoutMs;
  if (t !== undefined && (!Number.isSafeInteger(t) || t < 1)) throw new TypeError('timeoutMs must be an integer ≥ 1');
}

/** A waiting-line lock per name, within this process. */
export class NamedLocks {
  /** The waiters of each held name, first in line first; a name is held while it is a key. */
  readonly #lines = new Map<string, Array<() => void>>();

  /** Takes `name` now, or undefined when it is held. */
  tryLock(name: string): HeldLock | undefined {
    if (this.#lines.has(name)) return undefined;
    this.#lines.set(name, []);
    return this.#held(name);
  }

  /** Waits for `name` (at most `timeoutMs`, then DbError GITGATE_DB_BUSY) and holds it. */
  async lock(name: string, opts?: LockOptions): Promise<HeldLock> {
    const now = this.tryLock(name);
    if (now) return now;
    const line = this.#lines.get(name)!;
    await new Promise<void>((resolve, reject) => {
      const timer = opts?.timeoutMs === undefined ? undefined : setTimeout(() => {
        line.splice(line.indexOf(granted), 1);
        reject(new DbError(codes.busy, `the lock "${name}" stayed held for ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      const granted = (): void => {
        clearTimeout(timer);
        resolve();
      };
      line.push(granted);
    });
    return this.#held(name);
  }

  /** A handle whose release hands `name` to the next in line, or frees it. */
  #held(name: string): HeldLock {
    return heldLock(name, () => {
      const next = this.#lines.get(name)?.shift();
      if (next) next();
      else this.#lines.delete(name);
    });
  }
}
