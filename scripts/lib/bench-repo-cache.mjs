// The benchmarks' generated repository (fixtures/bench-repo.mjs), made once and cached under .bench/
// (git-ignored), keyed by seed and object count; and the bare copies a benchmark serves and changes.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitOk } from './bench-git.mjs';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** The options that choose the generated repository (parseArgs form): `--objects N`, `--seed TEXT`. */
export const BENCH_REPO_OPTIONS = {
  objects: { type: 'string', default: '50000' },
  seed: { type: 'string', default: 'bench' },
};

/**
 * The generated bench repository of `objects` objects and `seed` (text), from `.bench/bench-<seed>-<objects>/`
 * or made now (`say` reports progress). Resolves with { gitDir, meta, cached }.
 */
export async function cachedBenchRepo({ objects, seed, say = () => {} }) {
  const key = `bench-${seed.replace(/[^A-Za-z0-9_.-]/g, '_')}-${objects}`;
  const dir = join(ROOT, '.bench', key);
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile)) {
    say(`using cached ${dir}`);
    return { gitDir: join(dir, 'upstream.git'), meta: JSON.parse(readFileSync(metaFile, 'utf8')), cached: true };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  say(`generating a ${objects}-object repository into ${dir} (once; cached for later runs)`);
  const { makeBenchRepo } = await import('../../fixtures/bench-repo.mjs');
  const t = process.hrtime.bigint();
  const made = await makeBenchRepo(join(dir, 'upstream.git'), { objects, seed: Buffer.from(seed, 'utf8') });
  const meta = { objects: made.objects, seed: made.seed, commits: made.commits, secrets: made.secrets, refs: Object.keys(made.refs).length };
  // meta.json is the completion marker: written last, atomically, so an interrupted run regenerates.
  writeFileSync(`${metaFile}.tmp`, JSON.stringify(meta));
  renameSync(`${metaFile}.tmp`, metaFile);
  say(`generated in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`);
  return { gitDir: join(dir, 'upstream.git'), meta, cached: false };
}

/**
 * A bare local clone of `source` at `dest` (hard-linked packs, heads and tags only), so that a benchmark
 * that advances or pushes to it never touches the original. Resolves with `dest`.
 */
export async function bareCopy(source, dest) {
  mkdirSync(dirname(dest), { recursive: true });
  await gitOk(['clone', '--bare', '-q', source, dest]);
  return dest;
}

/** Where `--repo git` clones git/git from when neither --repo-source nor GITGATE_BENCH_GIT_SOURCE says. */
export const GIT_GIT_SOURCE = 'https://github.com/git/git.git';

/**
 * git/git's heads and tags, cloned once from `source` (URL or path) into `.bench/git-git/` (a clone
 * that is not hard-linked to a local source, so it holds those objects only). Resolves with
 * { gitDir, meta: { source, clonedAt }, cached }; a cache made from another source is used as it is.
 */
export async function cachedGitRepo({ source, say = () => {} }) {
  const dir = join(ROOT, '.bench', 'git-git');
  const metaFile = join(dir, 'meta.json');
  const gitDir = join(dir, 'upstream.git');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    say(`using cached ${gitDir} (heads and tags of ${meta.source})`);
    return { gitDir, meta, cached: true };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  say(`cloning heads and tags of ${source} into ${gitDir} (once; cached for later runs)`);
  const t = process.hrtime.bigint();
  await gitOk(['clone', '--bare', '--no-local', '-q', source, gitDir]);
  const meta = { source, clonedAt: new Date().toISOString() };
  writeFileSync(`${metaFile}.tmp`, JSON.stringify(meta));
  renameSync(`${metaFile}.tmp`, metaFile);
  say(`cloned in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`);
  return { gitDir, meta, cached: false };
}
