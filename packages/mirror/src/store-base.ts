/**
 * Which synced state this replica's sanitized store holds. Replicas share the id map (PostgreSQL) but
 * each keeps its own store: the id map's state may describe a peer's store, whose objects this one has
 * never written. A sync builds on the shared state only when this store holds its tips; otherwise on the
 * tips this store was itself last synced to (its own record, beside its objects), or from nothing. The
 * rewrite is deterministic under one key, so either way the store ends with the peer's very ids.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncState } from './id-map.js';

const FILE = 'gitgate-synced-tips';

/** The upstream tips this store was last synced to, or undefined when it has no record. */
export function readOwnTips(gitDir: string): string[] | undefined {
  const file = join(gitDir, FILE);
  if (!existsSync(file)) return undefined;
  const ids = readFileSync(file, 'utf8').split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
  return ids;
}

/** Records the tips this store now holds (written after the sync's refs and id map, atomically). */
export function writeOwnTips(gitDir: string, tips: readonly string[]): void {
  const file = join(gitDir, FILE);
  writeFileSync(`${file}.tmp`, tips.map((t) => `${t}\n`).join(''));
  renameSync(`${file}.tmp`, file);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/**
 * The tips a sync of this store builds on: the shared state's when this store holds them (its own record
 * agrees, or its objects are there), else its own record's when it holds those, else undefined (a sync
 * from nothing). `holds(tips)` tells whether the store has the sanitized objects of those upstream tips.
 */
export async function syncBase(state: SyncState | undefined, gitDir: string, holds: (tips: readonly string[]) => Promise<boolean>): Promise<readonly string[] | undefined> {
  if (!state) return undefined;
  const own = readOwnTips(gitDir);
  if (own && sameList(own, state.tips)) return state.tips;
  if (await holds(state.tips)) return state.tips;
  if (own && await holds(own)) return own;
  return undefined;
}
