/**
 * `gitgate scan <path-or-bare-repo> [--history] [--json]`: a dry run for security teams that lists
 * what the gateway would tokenize — rule, path, commit, line and a masked preview — without
 * changing anything. Secrets are never printed: each preview masks every finding on its line.
 *
 * Targets: a file; a directory (its files, `.git` skipped); a git repository's HEAD tree (bare
 * repositories); with `--history`, every blob of every ref's history (`git log --raw` for the
 * commit that introduced it, `git rev-list --objects --all` for completeness, `git cat-file
 * --batch` to read) plus every commit, tag and tree through the rewrite's own policy (history-places.ts):
 * messages, headers and tree entry names.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readObjects } from '@gitgate/mirror';
import { git } from '@gitgate/git';
import { createScanner, ScannerError, type Finding, type Scanner } from '@gitgate/scanner';
import { historyPolicy, type PlaceSink } from './history-places.js';

const USAGE = 'usage: gitgate scan <path-or-bare-repo> [--history] [--json]';
const ZERO_ID = /^0+$/;

/** One reported finding; `preview` is the line with every secret on it masked. */
export interface ScanReportFinding {
  ruleId: string;
  type: string;
  confidence: Finding['confidence'];
  /** Repository-relative path, `(commit message)`, `(tag message)`, `(commit header)`, `(tag header)` or `(tree entry name)`. */
  path: string;
  /** The commit that introduced the blob (history), the scanned commit (HEAD), or the tag object. */
  commit?: string;
  /** 1-based line and column (in bytes) of the secret's first byte. */
  line: number;
  column: number;
  /** Length of the secret in bytes. */
  length: number;
  via?: string;
  preview: string;
}

/** Content the rewrite would withhold (fail closed) instead of scanning. */
export interface ScanReportWithheld {
  path: string;
  commit?: string;
  bytes: number;
  reason: string;
}

/** The whole report (the `--json` output). */
export interface ScanReport {
  target: string;
  mode: 'file' | 'directory' | 'head' | 'history';
  rulesetVersion: string;
  scanned: { objects: number; bytes: number };
  findings: ScanReportFinding[];
  withheld: ScanReportWithheld[];
}

/** Options a caller can inject (the CLI passes a scanner built from the gateway config). */
export interface ScanCommandOptions {
  scanner?: Scanner;
  /** Working directory for a relative target; default `process.cwd()`. */
  cwd?: string;
}

/**
 * Masks a secret, keeping only a provider token's public prefix (GitHub `gh?_`, Slack `xox?-`: the
 * chars up to a `_`, `-` or `.` within the first 12) so a reader can tell token kinds apart.
 * Name-keyed secrets (medium or low confidence), decoded runs and short values show no char.
 */
function mask(secret: Buffer, finding: Finding): string {
  let keep = 0;
  if (finding.confidence === 'high' && finding.via === undefined && secret.length >= 20) {
    const m = /^[A-Za-z0-9]{1,10}[_.-](?:[a-z]{2,8}[_.-])?/.exec(secret.subarray(0, 12).toString('latin1'));
    if (m !== null) keep = m[0].length;
  }
  return `${printable(secret.subarray(0, keep))}…(${secret.length} bytes)`;
}

function printable(b: Buffer): string {
  return b.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

/** Line and column of `offset`, and the line's bounds. */
function locate(content: Buffer, offset: number): { line: number; column: number; lineStart: number; lineEnd: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = content.indexOf(0x0a); i >= 0 && i < offset; i = content.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let lineEnd = content.indexOf(0x0a, offset);
  if (lineEnd < 0) lineEnd = content.length;
  return { line, column: offset - lineStart + 1, lineStart, lineEnd };
}

/** The finding's line (at most ~60 bytes either side), with every finding on it masked. */
function preview(content: Buffer, f: Finding, all: readonly Finding[], lineStart: number, lineEnd: number): string {
  const from = Math.max(lineStart, f.start - 60);
  const to = Math.min(Math.max(lineEnd, f.start), f.end + 60);
  let out = from > lineStart ? '…' : '';
  let at = from;
  for (const g of all) {
    if (g.end <= from || g.start >= to) continue;
    // A secret that starts before the window is masked from the window's start.
    out += printable(content.subarray(at, Math.max(at, g.start)));
    out += `[${mask(content.subarray(g.start, g.end), g)}]`;
    at = Math.max(at, g.end);
  }
  if (at < to) out += printable(content.subarray(at, Math.min(to, lineEnd)));
  if (to < lineEnd) out += '…';
  return out;
}

interface Collector {
  scanner: Scanner;
  report: ScanReport;
}

/** Scans one piece of content and appends its findings (or a withheld entry) to the report. */
function scanContent(c: Collector, content: Buffer, where: { path: string; commit?: string }, hint: boolean): void {
  c.report.scanned.objects++;
  c.report.scanned.bytes += content.length;
  let findings: Finding[];
  try {
    // A path selects exactly as the gateway does per tree entry name (its kind and name globs); a
    // place without a file name (a message) gets every finding, as in the rewrite.
    findings = c.scanner.scan(content, hint ? { path: where.path } : { kind: 'unknown' });
  } catch (e) {
    if (!(e instanceof ScannerError)) throw e;
    c.report.withheld.push({ ...where, bytes: content.length, reason: e.message });
    return;
  }
  report(c, content, findings, where);
}

/** Appends `findings` in `content` to the report, each with its position and a masked preview. */
function report(c: Collector, content: Buffer, findings: readonly Finding[], where: { path: string; commit?: string }): void {
  for (const f of findings) {
    const { line, column, lineStart, lineEnd } = locate(content, f.start);
    c.report.findings.push({
      ruleId: f.ruleId,
      type: f.type,
      confidence: f.confidence,
      ...where,
      line,
      column,
      length: f.end - f.start,
      ...(f.via === undefined ? {} : { via: f.via }),
      preview: preview(content, f, findings, lineStart, lineEnd),
    });
  }
}

/** Files under `dir` (relative, `/`-separated, sorted), skipping `.git` and not following symlinks. */
function walk(dir: string, rel = ''): string[] {
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
async function gitDirOf(target: string): Promise<{ gitDir: string; bare: boolean } | undefined> {
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
      const known = [...c.scanner.rules, ...c.scanner.detectors].find((r) => r.id === s.ruleId);
      const f: Finding = { ruleId: s.ruleId, type: s.type, start, end: Math.min(raw.length, start + s.secret.length), confidence: known?.confidence ?? 'high' };
      report(c, raw, [f], where);
    },
    withheld: (where, bytes, reason) => c.report.withheld.push({ ...where, bytes, reason }),
  };
}

async function scanHead(c: Collector, gitDir: string): Promise<void> {
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

async function scanHistory(c: Collector, gitDir: string): Promise<void> {
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

function renderText(report: ScanReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const commit = f.commit === undefined ? '' : ` ${f.commit.slice(0, 12)}`;
    const via = f.via === undefined ? '' : ` (inside ${f.via})`;
    lines.push(`${f.path}:${f.line}:${f.column}${commit}  ${f.ruleId}${via}  ${f.preview}`);
  }
  for (const w of report.withheld) lines.push(`${w.path}${w.commit === undefined ? '' : ` ${w.commit.slice(0, 12)}`}  WITHHELD  ${w.reason}`);
  const files = new Set(report.findings.map((f) => `${f.commit ?? ''}:${f.path}`)).size;
  lines.push(
    `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} in ${files} place${files === 1 ? '' : 's'}` +
      (report.withheld.length > 0 ? `, ${report.withheld.length} withheld` : '') +
      ` (${report.mode}: ${report.scanned.objects} objects, ${report.scanned.bytes} bytes; ruleset ${report.rulesetVersion})`,
  );
  return lines.join('\n') + '\n';
}

/**
 * Runs `gitgate scan`. Writes the report (text, or JSON with `--json`) to `out` and returns the
 * exit code: 0 nothing found, 1 findings or withheld content, 2 a usage error or an unreadable target.
 */
export async function scanCommand(args: string[], out: NodeJS.WritableStream, options: ScanCommandOptions = {}): Promise<number> {
  let history = false;
  let json = false;
  const positional: string[] = [];
  for (const a of args) {
    if (a === '--history') history = true;
    else if (a === '--json') json = true;
    else if (a.startsWith('-')) return usage(out, `unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 1) return usage(out, positional.length === 0 ? 'scan needs a path' : 'scan takes one path');
  const target = path.resolve(options.cwd ?? process.cwd(), positional[0]!);
  let st;
  try {
    st = statSync(target);
  } catch (e) {
    out.write(`gitgate scan: cannot read ${positional[0]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 2;
  }
  const scanner = options.scanner ?? createScanner();
  const report: ScanReport = { target: positional[0]!, mode: 'file', rulesetVersion: scanner.rulesetVersion, scanned: { objects: 0, bytes: 0 }, findings: [], withheld: [] };
  const c: Collector = { scanner, report };

  if (st.isFile()) {
    if (history) return usage(out, '--history needs a git repository');
    scanContent(c, readFileSync(target), { path: path.basename(target) }, true);
  } else {
    const repo = await gitDirOf(target);
    if (history) {
      if (repo === undefined) return usage(out, `--history needs a git repository; ${positional[0]} is not one`);
      report.mode = 'history';
      await scanHistory(c, repo.gitDir);
    } else if (repo !== undefined && repo.bare) {
      report.mode = 'head';
      await scanHead(c, repo.gitDir);
    } else {
      report.mode = 'directory';
      for (const rel of walk(target)) scanContent(c, readFileSync(path.join(target, rel)), { path: rel }, true);
    }
  }
  out.write(json ? JSON.stringify(report, null, 2) + '\n' : renderText(report));
  return report.findings.length > 0 || report.withheld.length > 0 ? 1 : 0;
}

function usage(out: NodeJS.WritableStream, problem: string): number {
  out.write(`gitgate scan: ${problem}\n${USAGE}\n`);
  return 2;
}
