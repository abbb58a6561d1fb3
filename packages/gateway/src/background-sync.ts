/**
 * Syncs that run ahead of clones, so that the first clone after a start (or after upstream moved) does
 * not wait for the whole rewrite. One repository at a time, in one queue: a burst of triggers (start,
 * timer, reload) never runs two syncs of the gateway's own side by side; clones that arrive meanwhile
 * join the running sync through RepoMirror's single flight.
 */
import type { RepoMirror } from '@gitgate/mirror';
import type { SyncRunner } from '@gitgate/server';
import type { Logger } from '@gitgate/log';

export class BackgroundSync {
  readonly #run: SyncRunner;
  readonly #log: Logger;
  #queue: RepoMirror[] = [];
  #loop: Promise<void> | null = null;
  #stopped = false;

  constructor(run: SyncRunner, log: Logger) {
    this.#run = run;
    this.#log = log;
  }

  /** Queues these repositories (each once) and starts working through the queue if idle. */
  run(mirrors: readonly RepoMirror[]): void {
    if (this.#stopped) return;
    for (const m of mirrors) if (!this.#queue.includes(m)) this.#queue.push(m);
    this.#loop ??= this.#drain().finally(() => {
      this.#loop = null;
    });
  }

  async #drain(): Promise<void> {
    for (let m = this.#queue.shift(); m !== undefined && !this.#stopped; m = this.#queue.shift()) {
      const started = Date.now();
      try {
        const report = await this.#run(m);
        this.#log.info('background sync finished', { repo: m.name, upToDate: report.upToDate, objects: report.objects, ms: Date.now() - started });
      } catch {
        // The runner has logged and audited the failure; the next trigger tries again.
      }
    }
  }

  /** Drops what is queued and waits for the sync in progress, if any. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#queue = [];
    await this.#loop;
  }
}
