/**
 * The repositories served, as the git routes read them: one RepoMirror per configured repository, in a
 * map that a reload edits in place (clones in flight keep the mirror they started with).
 */
import { createHash } from 'node:crypto';
import type { RepoMirror, UpstreamSource } from '@gitgate/mirror';
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
  readonly #mirrorFor: (r: GatewayRepo) => RepoMirror;

  constructor(repos: readonly GatewayRepo[], mirrorFor: (r: GatewayRepo) => RepoMirror) {
    this.#mirrorFor = mirrorFor;
    for (const r of repos) this.#set(r);
  }

  /**
   * Applies a new list: removed repositories leave the map, new ones and those whose source changed
   * (see sourceFingerprint; one with a headers callback always counts as changed) get a new mirror.
   */
  apply(next: readonly GatewayRepo[]): RepoChanges {
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
    return changes;
  }

  #set(r: GatewayRepo): void {
    this.mirrors.set(r.name, this.#mirrorFor(r));
    this.#fingerprints.set(r.name, sourceFingerprint(r));
  }
}
