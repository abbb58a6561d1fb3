/**
 * One gateway per data directory. The sanitized stores assume their process is the only writer (ref
 * snapshots, single-flight syncs, background repacks), so a second gateway on the same directory — two
 * replicas on one volume, a forgotten process — would corrupt what both serve. The lock is a file
 * naming its holder, refreshed while the holder runs: a holder that died on this host is seen at once
 * (its pid is gone); on another host, a lock nobody refreshed for `staleMs` is taken over, so a pod
 * that crashed does not block its replacement for long.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { GatewayError, codes } from './errors.js';

export interface DataDirLockOptions {
  /** How often the holder refreshes the lock (ms, default 10 s). */
  refreshMs?: number;
  /** A lock from another host not refreshed for this long is stale (ms, default 3 × refreshMs). */
  staleMs?: number;
  /** What the lock says is holding it (default `gateway`). */
  purpose?: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Stops refreshing and removes the lock if it is still this holder's. */
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  purpose: string;
  since: string;
  nonce: string;
}

/** Data directories locked by this process (a second gateway in one process is refused too). */
const heldHere = new Set<string>();

/**
 * Takes the lock file `path` (DataDir.lockFile) or throws GatewayError GITGATE_DATA_DIR_IN_USE naming
 * the holder. Its directory must exist.
 */
export function takeLock(path: string, opts: DataDirLockOptions = {}): DataDirLock {
  const dataDir = dirname(path);
  const refreshMs = opts.refreshMs ?? 10_000;
  const staleMs = opts.staleMs ?? 3 * refreshMs;
  if (heldHere.has(path)) throw inUse(dataDir, readHolder(path));
  const me: Holder = { pid: process.pid, host: hostname(), purpose: opts.purpose ?? 'gateway', since: new Date().toISOString(), nonce: Math.random().toString(36).slice(2) };
  const body = JSON.stringify(me) + '\n';
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, body);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const holder = readHolder(path);
      if (!isStale(path, holder, staleMs)) throw inUse(dataDir, holder);
      // Stale: its holder is gone. Removing and recreating with O_EXCL means two contenders cannot both win.
      try {
        unlinkSync(path);
      } catch {
        /* another contender removed it first */
      }
    }
  }
  heldHere.add(path);
  const timer = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      /* the lock was removed by hand; nothing to refresh */
    }
  }, refreshMs);
  timer.unref();
  return {
    path,
    release() {
      clearInterval(timer);
      heldHere.delete(path);
      if (readHolder(path)?.nonce === me.nonce) unlinkSync(path);
    },
  };
}

function readHolder(path: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { purpose: 'gateway', since: '?', nonce: '', ...h } as Holder : null;
  } catch {
    // Unreadable or half-written (a contender between create and write): judged by its age.
    return null;
  }
}

function isStale(path: string, holder: Holder | null, staleMs: number): boolean {
  if (holder !== null && holder.host === hostname()) {
    if (holder.pid === process.pid) return !heldHere.has(path);
    try {
      process.kill(holder.pid, 0);
      return false;
    } catch (e) {
      // EPERM: the process exists but belongs to someone else.
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  try {
    return Date.now() - statSync(path).mtimeMs > staleMs;
  } catch {
    return true;
  }
}

function inUse(dataDir: string, holder: Holder | null): GatewayError {
  const who = holder ? `gitgate ${holder.purpose} process ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another gitgate process';
  return new GatewayError(codes.dataDirInUse, `data directory ${dataDir} is in use by ${who}; stop it first (one gateway per data directory)`);
}
