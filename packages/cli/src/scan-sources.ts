/**
 * The sources of `gitgate scan` without `--config`: a directory's files, a bare repository's HEAD tree,
 * and (`--history`) every blob of every ref's history (`git log --raw` for the commit that introduced
 * it, `git rev-list --objects --all` for completeness, `git cat-file --batch` to read) plus every
 * commit, tag and tree through the rewrite's own policy (history-places.ts).
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readObjects } from '@gitgate/mirror';
import { git } from '@gitgate/git';
import type { Finding } from '@gitgate/scanner';
import { historyPolicy, type PlaceSink } from './history-places.js';
import { confidenceOf, report, scanContent, type Collector } from './scan-report.js';

const ZERO_ID = /^0+$/;

/** Files under `dir` (relative, `/`-separated, sorted), skipping `.git` and not following symlinks. */
export function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    if (name === '.git') continue;
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    if (st.isDirectory()) out.push(...walk(dir, r));
    else if (st.isFile()) out.push(r);
  }
  return out;
}

/** The repository's git dir if `target` is one (bare) or has one (work tree), with bareness. */
export async function gitDirOf(target: string): Promise<{ gitDir: string; bare: boolean } | undefined> {
  try {
    const out = (await git('rev-parse', '--absolute-git-dir', '--is-bare-repository').run({ cwd: target })).toString('utf8').trim().split('\n');
    return { gitDir: out[0]!, bare: out[1] === 'true' };
  } catch {
    return undefined;
  }
}

/** Reports the places of commits, tags and trees as the rewrite's policy sees them. */
function placeSink(c: Collector): PlaceSink {
  return {
    message: (content, where) => scanContent(c, content, where, false),
    secret(raw, s, where) {
      // The secret's first occurrence in the object locates it (a folded header value may not hold it whole).
      const start = Math.max(0, raw.indexOf(s.secret));
      const f: Finding = { ruleId: s.ruleId, type: s.type, start, end: Math.min(raw.length, start + s.secret.length), confidence: confidenceOf(c.scanner, s.ruleId) };
      report(c, raw, [f], where);
    },
    withheld: (where, bytes, reason) => c.report.withheld.push({ ...where, bytes, reason }),
  };
}

/** Scans the blobs of the HEAD commit's tree, with path hints. */
export async function scanHead(c: Collector, gitDir: string): Promise<void> {
  const head = (await git('rev-parse', '--verify', '--quiet', 'HEAD^{commit}').run({ gitDir, okCodes: [1] })).toString('utf8').trim();
  if (!head) return; // an empty repository
  const entries = (await git('ls-tree', '-r', '-z', '--full-tree').addDynamicArgs(head).run({ gitDir, timeoutMs: 0 })).toString('utf8').split('\0').filter(Boolean);
  const paths = new Map<string, string[]>();
  for (const e of entries) {
    const tab = e.indexOf('\t');
    const [mode, type, id] = e.slice(0, tab).split(' ');
    if (type !== 'blob' || mode === '160000') continue;
    paths.set(id!, [...(paths.get(id!) ?? []), e.slice(tab + 1)]);
  }
  for await (const obj of readObjects(gitDir, paths.keys())) {
    for (const p of paths.get(obj.id)!) scanContent(c, obj.content, { path: p, commit: head }, true);
  }
}

/** Scans every blob, commit, tag and tree reachable from any ref (`--history`). */
export async function scanHistory(c: Collector, gitDir: string): Promise<void> {
  // Blob → the commit and path that introduced it (oldest first, so the first sighting wins).
  const introduced = new Map<string, { commit: string; path: string }>();
  const log = (await git('log', '--all', '--reverse', '--no-renames', '-m', '--root', '--raw', '--no-abbrev', '-z', '--format=@@%H').run({ gitDir, timeoutMs: 0 })).toString('utf8').split('\0');
  let commit = '';
  for (let i = 0; i < log.length; i++) {
    const token = log[i]!.replace(/^\n/, '');
    if (token.startsWith('@@')) commit = token.slice(2);
    else if (token.startsWith(':')) {
      // `:<old mode> <new mode> <old id> <new id> <status>`, then the path as the next token.
      const [, newMode, , newId, status] = token.split(' ');
      const p = log[++i] ?? '';
      if (status === 'D' || newMode === '160000' || newId === undefined || ZERO_ID.test(newId)) continue;
      if (!introduced.has(newId)) introduced.set(newId, { commit, path: p });
    }
  }
  // Every object reachable from a ref (blobs the log missed, commits, annotated tags), typed in one batch.
  const listed = (await git('rev-list', '--objects', '--all').run({ gitDir, timeoutMs: 0 })).toString('utf8').split('\n').filter(Boolean);
  const pathOf = new Map<string, string>();
  const ids = listed.map((l) => {
    const sp = l.indexOf(' ');
    if (sp < 0) return l;
    pathOf.set(l.slice(0, sp), l.slice(sp + 1));
    return l.slice(0, sp);
  });
  const typed = (await git('cat-file', '--batch-check=%(objectname) %(objecttype)', '--buffer').run({ gitDir, inputLines: ids, timeoutMs: 0 }))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ') as [string, string]);
  const blobs = typed.filter(([, t]) => t === 'blob').map(([id]) => id);
  const others = typed.filter(([, t]) => t === 'commit' || t === 'tag' || t === 'tree').map(([id]) => id);
  for await (const obj of readObjects(gitDir, blobs)) {
    scanContent(c, obj.content, introduced.get(obj.id) ?? { path: pathOf.get(obj.id) || obj.id }, true);
  }
  // Commits, tags and trees through the rewrite's policy (message lines count from the message's start).
  const policy = historyPolicy(c.scanner, placeSink(c));
  for await (const obj of readObjects(gitDir, others)) policy(obj);
}
