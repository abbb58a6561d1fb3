/** The monorepo root, found from this file's place (for fixtures/ and scripts/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (where lerna.json is); throws when there is none above this package. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'lerna.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('monorepo root not found');
    dir = up;
  }
  return dir;
}
