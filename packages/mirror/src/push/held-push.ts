/**
 * Held pushes (`push.requireApproval`, docs/architecture.md "Held pushes"): a push that passed every
 * check and its proof waits under `<repoDir>/held/<id>/` until approvers allow it. The directory holds
 * the candidate upstream objects (restored values: as sensitive as the upstream store, never served,
 * mode 0700) and `push.json`, what the release needs: each ref's upstream update and its lease.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MirrorError, codes } from '../errors.js';
import { objectsView, type StoreView } from './quarantine.js';

/** One held ref update: as the agent pushed it (sanitized ids) and as it goes upstream. */
export interface HeldRef {
  ref: string;
  oldId: string;
  newId: string;
  /** Upstream's name of the ref (tokens in it restored): never logged, audited or shown. */
  upstreamRef: string;
  /** The lease: upstream's ref must still be here when released (null: must not exist). */
  upstreamOldId: string | null;
  upstreamNewId: string | null;
}

/** What a held push records (push.json). Tokens only, never a value, apart from `upstreamRef`. */
export interface HeldPush {
  id: string;
  repo: string;
  pusher: string;
  heldAt: string;
  atomic: boolean;
  refs: HeldRef[];
  tokensRestored: string[];
  commits: number;
}

const HELD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The report-status reason of a held ref (`ng <ref> <reason>`). */
export function heldReason(id: string): string {
  return `held for approval: push request ${id}; it goes upstream once an approver allows it`;
}

/** `<repoDir>/held/<id>`; throws MirrorError GITGATE_HELD_PUSH_UNKNOWN for an id that is not a held push's. */
function heldDir(repoDir: string, id: string): string {
  if (typeof id !== 'string' || !HELD_ID.test(id)) throw new MirrorError(codes.heldPushUnknown, 'no such held push');
  return join(repoDir, 'held', id);
}

/**
 * Keeps a push: `moveObjects(dest)` moves the candidate object directory to `<held>/objects`, then the
 * record is written (mode 0600). A half-made held directory is removed before the error is rethrown.
 */
export function keepHeld(repoDir: string, record: HeldPush, moveObjects: (dest: string) => void): void {
  const root = join(repoDir, 'held');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  chmodSync(root, 0o700);
  const dir = heldDir(repoDir, record.id);
  mkdirSync(dir, { mode: 0o700 });
  try {
    moveObjects(join(dir, 'objects'));
    writeFileSync(join(dir, 'push.json'), JSON.stringify(record), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The record of held push `id`. Throws MirrorError GITGATE_HELD_PUSH_UNKNOWN when there is none (released, discarded). */
export function readHeld(repoDir: string, id: string): HeldPush {
  const file = join(heldDir(repoDir, id), 'push.json');
  if (!existsSync(file)) throw new MirrorError(codes.heldPushUnknown, 'no such held push (already released or discarded)', { data: { id } });
  return JSON.parse(readFileSync(file, 'utf8')) as HeldPush;
}

/** The held objects as git sees them for the push (their own directory, the upstream store as alternate), and their pack directory. */
export function heldObjects(repoDir: string, id: string, upstreamGitDir: string): { view: StoreView; packs: string } {
  const objects = join(heldDir(repoDir, id), 'objects');
  return { view: objectsView(upstreamGitDir, objects), packs: join(objects, 'pack') };
}

/** Deletes held push `id` (nothing when it is gone already); true when there was one. */
export function removeHeld(repoDir: string, id: string): boolean {
  const dir = heldDir(repoDir, id);
  const there = existsSync(dir);
  rmSync(dir, { recursive: true, force: true });
  return there;
}

/** The ids of the held pushes on disk (names that are not a held push's id are left alone). */
export function heldIds(repoDir: string): string[] {
  const root = join(repoDir, 'held');
  return existsSync(root) ? readdirSync(root).filter((n) => HELD_ID.test(n)).sort() : [];
}
