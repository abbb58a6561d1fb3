/**
 * The repositories served, as the git routes read them: one RepoMirror per configured repository, in a
 * map that a reload edits in place (clones in flight keep the mirror they started with), and each
 * repository's push settings, which a reload replaces without a new mirror.
 */
import { createHash } from 'node:crypto';
import { PushRules, type PushSettings, type RepoMirror, type UpstreamSource } from '@gitgate/mirror';
import type { Scanner } from '@gitgate/scanner';

/** A configured repository: its name, where its upstream is, its unscannable allowance and its rules. */
export interface GatewayRepo {
  name: string;
  upstream: UpstreamSource;
  /** Base-name globs whose unscannable blobs are served as they are (RepoMirrorOptions.allowUnscannable). */
  allowUnscannable?: readonly string[];
  /**
   * This repository's scanner (its masking policy applied); default the gateway's `scanner`. Its
   * rule-set version is part of the sync key: a changed one re-derives every sanitized id.
   */
  scanner?: Scanner;
  /** The masking policy the scanner was built with, for the start and reload records only. */
  mask?: { leave: readonly string[] };
  /** Which refs may be pushed (PushRules); absent: read-only. Not part of the sync key. */
  push?: PushSettings;
}

/** What a reload did to the repository list. */
export interface RepoChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * What makes two configurations of a repository the same mirror: upstream URL, CA file, the
 * credential headers, the unscannable allowance and the scanner's rule-set version (rules, allowlist,
 * masking policy). The credential enters only as a hash, so the map of fingerprints holds no
 * credential (a rotated one still changes it).
 */
export function sourceFingerprint(r: GatewayRepo): string {
  const credential = r.upstream.extraHeaders
    ? createHash('sha256').update(JSON.stringify(r.upstream.extraHeaders)).digest('hex')
    : undefined;
  return JSON.stringify({ url: r.upstream.url, caFile: r.upstream.caFile, credential, allow: r.allowUnscannable, ruleset: r.scanner?.rulesetVersion });
}

export class RepoSet {
  /** The map the git routes read. */
  readonly mirrors = new Map<string, RepoMirror>();
  readonly #fingerprints = new Map<string, string>();
  readonly #push = new Map<string, Readonly<PushSettings>>();
  readonly #mirrorFor: (r: GatewayRepo) => RepoMirror;

  /** Throws TypeError when a repository's push settings are malformed (PushRules). */
  constructor(repos: readonly GatewayRepo[], mirrorFor: (r: GatewayRepo) => RepoMirror) {
    checkPushSettings(repos);
    this.#mirrorFor = mirrorFor;
    for (const r of repos) this.#set(r);
    this.#setPush(repos);
    // At start, before anything is served: a push killed with the last process left its quarantine, with
    // restored values inside (a reload makes mirrors through #set only, so in-flight pushes keep theirs).
    for (const mirror of this.mirrors.values()) mirror.removeStalePushes();
  }

  /** The push settings in force for `repo` (a frozen copy), or undefined when it is read-only or not served. */
  pushSettingsOf(repo: string): PushSettings | undefined {
    return this.#push.get(repo);
  }

  /** Every repository's push settings in force (a copy of the map; read-only repositories absent). */
  pushSettings(): ReadonlyMap<string, PushSettings> {
    return new Map(this.#push);
  }

  /**
   * Applies a new list: removed repositories leave the map, new ones and those whose source changed
   * (see sourceFingerprint; one with a headers callback always counts as changed) get a new mirror.
   * Every repository's push settings are replaced, its mirror kept. Throws TypeError, changing
   * nothing, when push settings are malformed.
   */
  apply(next: readonly GatewayRepo[]): RepoChanges {
    checkPushSettings(next);
    const changes: RepoChanges = { added: [], changed: [], removed: [] };
    const wanted = new Set(next.map((r) => r.name));
    for (const name of [...this.mirrors.keys()]) {
      if (!wanted.has(name)) {
        this.mirrors.delete(name);
        this.#fingerprints.delete(name);
        changes.removed.push(name);
      }
    }
    for (const r of next) {
      if (!this.mirrors.has(r.name)) changes.added.push(r.name);
      else if (this.#fingerprints.get(r.name) !== sourceFingerprint(r) || r.upstream.headers) changes.changed.push(r.name);
      else continue;
      this.#set(r);
    }
    this.#setPush(next);
    return changes;
  }

  #setPush(repos: readonly GatewayRepo[]): void {
    this.#push.clear();
    for (const r of repos) if (r.push) this.#push.set(r.name, frozenPushSettings(r.push));
  }

  #set(r: GatewayRepo): void {
    this.mirrors.set(r.name, this.#mirrorFor(r));
    this.#fingerprints.set(r.name, sourceFingerprint(r));
  }
}

function checkPushSettings(repos: readonly GatewayRepo[]): void {
  for (const r of repos) {
    try {
      if (r.push) new PushRules(r.push);
    } catch (e) {
      throw new TypeError(`push settings of ${r.name}: ${(e as Error).message}`);
    }
  }
}

/** A copy the caller's later edits cannot reach. */
function frozenPushSettings(s: PushSettings): Readonly<PushSettings> {
  return Object.freeze({
    branches: Object.freeze([...s.branches]),
    ...(s.tags ? { tags: Object.freeze([...s.tags]) } : {}),
    ...(s.deletes !== undefined ? { deletes: s.deletes } : {}),
    ...(s.requireApproval !== undefined ? { requireApproval: s.requireApproval } : {}),
  });
}

/** The repositories whose push settings differ between two snapshots: the new settings, or null for read-only now. */
export function pushChanges(before: ReadonlyMap<string, PushSettings>, after: ReadonlyMap<string, PushSettings>): Record<string, PushSettings | null> {
  const out: Record<string, PushSettings | null> = {};
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const a = after.get(name) ?? null;
    if (JSON.stringify(before.get(name) ?? null) !== JSON.stringify(a)) out[name] = a;
  }
  return out;
}
