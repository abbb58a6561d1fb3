/** Private temp directories for tests, and their removal. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh private temp dir under the system's temp directory; remove it with `removeDirs`. */
export function tempDir(prefix = 'gitgate-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes directories and everything in them; missing ones are fine. */
export function removeDirs(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
