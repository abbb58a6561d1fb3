import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/git/dist/test → the repository root. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/**
 * Packages allowed to start processes themselves: the runner, and the test kit, which runs
 * git-http-backend (a CGI program, not a git command) and openssl for test upstreams and is never
 * imported by product code.
 */
const ALLOWED = new Set(['git', 'testkit']);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mts|cts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

describe('one process runner', function () {
  it('is the only package under packages/ whose sources start processes', () => {
    const offenders: string[] = [];
    const packages = readdirSync(join(root, 'packages')).filter((p) => !ALLOWED.has(p));
    expect(packages).to.include.members(['mirror', 'server', 'cli']);
    for (const pkg of packages) {
      let files: string[];
      try {
        files = sources(join(root, 'packages', pkg, 'src'));
      } catch {
        continue;
      }
      for (const f of files) {
        if (/(?:from|import|require)\s*\(?\s*['"](?:node:)?child_process['"]/.test(readFileSync(f, 'utf8'))) offenders.push(relative(root, f));
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it('leaves the server no git directory or git environment of its own', () => {
    const found: string[] = [];
    for (const f of sources(join(root, 'packages', 'server', 'src'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bgitDir\b|SERVING_ENV|GIT_PROTOCOL|GIT_CONFIG_[A-Z]+/g)) found.push(`${relative(root, f)}: ${m[0]}`);
    }
    expect(found).to.deep.equal([]);
  });
});
