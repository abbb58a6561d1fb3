/** The outcome of each repository's last sync, for /readyz and the sync metrics. Never an upstream URL or credential. */

/** One repository's sync health. Times are ISO 8601 UTC. */
export interface RepoSyncHealth {
  lastOutcome: 'ok' | 'error';
  lastSyncAt: string;
  lastSuccessAt: string | null;
  /** The error code of the last sync when it failed (e.g. GITGATE_UPSTREAM_FAILED), else null. */
  errorCode: string | null;
}

/** Remembers the last sync outcome per repository. */
export class SyncHealth {
  readonly #repos = new Map<string, RepoSyncHealth>();
  readonly #clock: () => Date;

  constructor(clock: () => Date = () => new Date()) {
    this.#clock = clock;
  }

  /** Records a successful sync of `repo` now; returns its time. */
  succeeded(repo: string): Date {
    const now = this.#clock();
    this.#repos.set(repo, { lastOutcome: 'ok', lastSyncAt: now.toISOString(), lastSuccessAt: now.toISOString(), errorCode: null });
    return now;
  }

  /** Records a failed sync of `repo` now, keeping the time of its last success. */
  failed(repo: string, errorCode: string): void {
    const now = this.#clock().toISOString();
    this.#repos.set(repo, { lastOutcome: 'error', lastSyncAt: now, lastSuccessAt: this.#repos.get(repo)?.lastSuccessAt ?? null, errorCode });
  }

  /** Forgets a repository that is no longer served. */
  forget(repo: string): void {
    this.#repos.delete(repo);
  }

  /** The health of each repository in `names` (default: every one seen); a repository never synced is absent. */
  snapshot(names?: Iterable<string>): Record<string, RepoSyncHealth> {
    const out: Record<string, RepoSyncHealth> = {};
    for (const name of names ?? this.#repos.keys()) {
      const h = this.#repos.get(name);
      if (h) out[name] = { ...h };
    }
    return out;
  }
}
