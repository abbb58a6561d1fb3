/**
 * A small tmpfs of the test's own, to make a real "disk full" (ENOSPC) under one file of the gateway.
 * Mounting needs root, as CI has; without it `mountSmallFilesystem` throws, so the test fails loudly
 * instead of skipping.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A mounted tmpfs and the filler file that makes it full. */
export interface SmallFilesystem {
  /** Where it is mounted: a fresh directory under the system's temp directory. */
  readonly dir: string;
  /** Writes a filler file until the filesystem refuses with ENOSPC; returns the bytes it took. */
  fill(): number;
  /** Removes the filler, so writes succeed again. */
  free(): void;
  /** Unmounts (lazily if something still holds it open) and removes the mount directory. */
  unmount(): void;
}

/** Mounts a tmpfs of `sizeBytes` at a fresh directory; throws with the reason when it cannot. */
export function mountSmallFilesystem(sizeBytes: number): SmallFilesystem {
  const dir = mkdtempSync(join(tmpdir(), 'gitgate-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmdirSync(dir);
    const why = (mounted.stderr || mounted.error?.message || `exit ${mounted.status}`).trim();
    throw new Error(`cannot mount a tmpfs at ${dir} (${why}): this test needs root to make a real full disk, as CI runs it`);
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'wx', 0o600);
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let written = 0;
      try {
        for (;;) written += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      return written;
    },
    free() {
      unlinkSync(filler);
    },
    unmount() {
      if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
      rmdirSync(dir);
    },
  };
}

/** Free bytes an unprivileged write could still take on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}
