// Git and SQLite reads of scripts/bench-precision.mjs: the upstream copy a gateway syncs from, blob
// versions and their bytes, objects read in bulk, and the gateway's id map and vault occurrences.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';

/** Environment for every git the benchmark runs: no user or system config, no prompt, C locale. */
export const GIT_ENV = { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

/** Runs git and returns its stdout (Buffer); throws with git's stderr on a non-zero exit. */
export function git(args, { input, cwd } = {}) {
  const r = spawnSync('git', args, { env: GIT_ENV, input, cwd, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.slice(0, 4).join(' ')} failed (${r.status}): ${r.stderr?.toString().trim().slice(-400)}`);
  return r.stdout;
}

/** Ids of the heads and tags of a bare repository. */
export function tips(gitDir) {
  return git(['--git-dir', gitDir, 'for-each-ref', '--format=%(objectname)', 'refs/heads', 'refs/tags']).toString('utf8').split('\n').filter(Boolean);
}

/** Every object reachable from heads and tags: `[{ id, type, size, path }]` (path: the first name rev-list gives). */
export function reachableObjects(gitDir) {
  const list = git(['--git-dir', gitDir, 'rev-list', '--objects', '--missing=print', ...tips(gitDir)], {}).toString('utf8').split('\n').filter(Boolean);
  const missing = list.filter((l) => l.startsWith('?')).map((l) => l.slice(1, 41));
  const entries = list.filter((l) => !l.startsWith('?')).map((l) => ({ id: l.slice(0, 40), path: l.slice(41) }));
  const checks = git(['--git-dir', gitDir, 'cat-file', '--batch-check=%(objecttype) %(objectsize)'], { input: entries.map((e) => e.id).join('\n') + '\n' })
    .toString('utf8').split('\n');
  const objects = entries.map((e, i) => {
    const [type, size] = checks[i].split(' ');
    return { ...e, type, size: Number(size) };
  });
  return { objects, missing };
}

/** Object bodies by id from one repository, in one `git cat-file --batch` (absent ids: undefined). */
export function readObjects(gitDir, ids) {
  const out = new Map();
  if (ids.length === 0) return out;
  const batch = git(['--git-dir', gitDir, 'cat-file', '--batch'], { input: ids.join('\n') + '\n' });
  let at = 0;
  for (const id of ids) {
    const nl = batch.indexOf(0x0a, at);
    const header = batch.toString('latin1', at, nl);
    at = nl + 1;
    if (header.endsWith(' missing')) continue;
    const size = Number(header.split(' ')[2]);
    out.set(id, batch.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

/** Resolves `<commit>:<path>` names to blob ids in one batch (unresolvable: undefined). */
export function resolvePaths(gitDir, names) {
  const out = new Map();
  if (names.length === 0) return out;
  const lines = git(['--git-dir', gitDir, 'cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: names.join('\n') + '\n' }).toString('utf8').split('\n');
  names.forEach((n, i) => {
    const [id, type] = lines[i].split(' ');
    if (type === 'blob') out.set(n, id);
  });
  return out;
}

/**
 * Makes `dest`, a bare repository with the heads and tags of `source` (objects borrowed through
 * alternates, nothing copied). A source snapshot that lacks objects reachable from them (a partial
 * clone: google/gson's snapshot lacks an accidentally committed Maven tarball) is replayed with
 * `git fast-export --no-data` minus the paths of the missing blobs, so the gateway can sync it;
 * returns the ids of the blobs dropped (empty when none was missing).
 */
export function prepareUpstream(source, dest) {
  mkdirSync(dest, { recursive: true });
  git(['init', '--quiet', '--bare', dest]);
  const objects = existsSync(join(source, 'objects')) ? join(source, 'objects') : join(source, '.git', 'objects');
  writeFileSync(join(dest, 'objects', 'info', 'alternates'), objects + '\n');
  const refs = git(['--git-dir', source, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags']).toString('utf8').split('\n').filter(Boolean);
  git(['--git-dir', dest, 'update-ref', '--stdin'], { input: refs.map((l) => `create ${l.split(' ')[1]} ${l.split(' ')[0]}\n`).join('') });
  const head = spawnSync('git', ['--git-dir', source, 'symbolic-ref', '-q', 'HEAD'], { env: GIT_ENV }).stdout?.toString('utf8').trim();
  if (head) git(['--git-dir', dest, 'symbolic-ref', 'HEAD', head]);
  const { missing } = reachableObjects(dest);
  if (missing.length === 0) return [];
  const names = refs.map((l) => l.split(' ')[1]);
  for (const n of names) git(['--git-dir', dest, 'update-ref', '-d', n]);
  const stream = git(['--git-dir', source, 'fast-export', '--no-data', '--signed-tags=strip', '--tag-of-filtered-object=rewrite', ...names]).toString('latin1');
  const drop = new Set(missing);
  const kept = stream.split('\n').filter((l) => !(l.startsWith('M ') && drop.has(l.split(' ')[2]))).join('\n');
  git(['--git-dir', dest, 'fast-import', '--quiet'], { input: Buffer.from(kept, 'latin1') });
  return missing;
}

/** All rows of a read-only query on an SQLite file. */
export function query(file, sql, params = []) {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.all(sql, params, (e, rows) => db.close(() => (e ? reject(e) : resolve(rows))));
    });
  });
}

/** The gateway's id map of repository `repo`: upstream id → { sanitized, type }, from mirror.db. */
export async function idMap(dataDir, repo) {
  const rows = await query(join(dataDir, 'mirror.db'), 'SELECT upstream_id, sanitized_id, type FROM id_map WHERE repo = ?', [repo]);
  return new Map(rows.map((r) => [r.upstream_id, { sanitized: r.sanitized_id, type: r.type }]));
}

/** The vault's occurrences of repository `repo` (token, path, upstream commit, rule), from vault.db; never a secret. */
export function occurrences(dataDir, repo) {
  return query(join(dataDir, 'vault.db'), 'SELECT token, path, commit_id AS commitId, rule_id AS rule FROM occurrences WHERE repo = ? ORDER BY path, commit_id, token', [repo]);
}

/** A bare copy of the repository at `root` holding only `ref` (as refs/heads/main): gitgate's own history. */
export function cloneSelf(root, ref, dest) {
  git(['init', '--quiet', '--bare', dest]);
  git(['--git-dir', dest, 'fetch', '--quiet', '--no-tags', root, `${ref}:refs/heads/main`]);
  git(['--git-dir', dest, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
  return dest;
}

/** `git clone --mirror` of a GitHub repository (the fallback when no local mirror exists); throws a clear error. */
export function cloneFromGitHub(owner, name, dest) {
  try {
    execFileSync('git', ['clone', '--quiet', '--mirror', `https://github.com/${owner}/${name}`, dest], { env: GIT_ENV, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  } catch (e) {
    throw new Error(`no mirror of ${owner}/${name} under --repos-dir and cloning https://github.com/${owner}/${name} failed: ${e.stderr?.toString().trim().split('\n').pop() ?? e.message}`);
  }
  return dest;
}
